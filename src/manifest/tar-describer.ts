/**
 * The tar pipeline: tar stream → members → each member's data as a UnixFS file, its header bytes matched
 * to a header style, its entry record, the unpacked tree, and the CID of the tar's view. Push-based, so
 * plain and decompressed tars share it.
 *
 * What is stored (format 2): the tree's blocks, each entry's record (in pages), the data of members whose
 * data is not a file of the tree, and the bytes after the end-of-archive zeros. Header bytes, padding and
 * the end are regenerated on restore, so only what a style does not reproduce is kept (§8). The view (the
 * format-1 tar DAG: segments plus content DAGs) is computed for its CID only; its segment blocks are
 * written by materializeView.
 */
import type { CID } from 'multiformats/cid'
import { TarReader, type TarMember, type TarPart } from '../archive/tar/reader.js'
import { headerFieldsOf, type MemberHeaderFields } from '../archive/tar/style/index.js'
import { joinBytes } from '../bytes-concat.js'
import { BLOCK_SIZE } from '../archive/tar/constants.js'
import { discardBlocks, type BlockSink } from '../blocks.js'
import { EntryRecordEncoder, type EntryFields } from '../codec/entry-record.js'
import { encodeBuiltEntryRecord } from '../codec/manifest-codec.js'
import { InvalidArgumentError } from '../errors.js'
import type { Limits } from '../limits.js'
import type { Entry, EntryRecord, Tar, Tree } from '../schema/types.js'
import { TarEntryReader } from './entries.js'
import type { DagRef } from '../unixfs/dag-ref.js'
import { FileDagBuilder } from '../unixfs/file-builder.js'
import type { Profile } from '../unixfs/profile.js'
import { ArchiveDagWriter } from './archive-dag.js'
import { EntryLog } from './entry-log.js'
import { HeaderMatcher } from './header-bytes.js'
import { displayName, nameFromBytes } from './names.js'
import { UnpackedTree } from './tree.js'
import { andThen, type MaybePromise } from '../unixfs/maybe-async.js'

/** What describing a tar stream gives: the entry pages, the tree, the view, and the Tar fields. */
export interface DescribedTar {
  view: DagRef
  entryCount: number
  pages: CID[]
  /** The entries as the pages hold them, decoded again from memory. */
  entries: () => Generator<Entry>
  tree: Tree
  /** Tar bytes that are not member file content (headers, padding, non-file data, the end). */
  segmentBytes: number
  /** Tar bytes of regular files' content (segmentBytes + contentBytes = the tar's size). */
  contentBytes: number
  treeContentBytes: number
  tarFields: (size: number, sha256: Uint8Array) => Tar
}

/**
 * A tar stream, pushed in chunks of any size, described as it passes. Plain and decompressed tars both
 * go through it.
 */
export class TarDescriber {
  readonly #reader: TarReader
  readonly #assembler: MemberAssembler

  readonly #lent: boolean

  /** `lent`: a chunk's memory is reused once its push has returned (ManifestOptions.lentChunks). */
  constructor (profile: Profile, sink: BlockSink, limits: Limits, lent = false) {
    this.#reader = new TarReader({ limits })
    this.#assembler = new MemberAssembler(profile, sink, limits, lent)
    this.#lent = lent
  }

  async push (chunk: Uint8Array): Promise<void> {
    // Most parts are taken at once: only a step that waits (a store, WebCrypto) is awaited.
    for (const part of this.#reader.push(chunk)) {
      const taken = this.#assembler.take(part)
      if (taken instanceof Promise) await taken
    }
    if (this.#lent) this.#assembler.detach()
  }

  async end (): Promise<DescribedTar> {
    for (const part of this.#reader.end()) await this.#assembler.take(part)
    return await this.#assembler.finish()
  }
}

/** Where the next raw byte belongs. */
type Phase = 'header' | 'padding' | 'end'

/** Routes the reader's parts: data to a UnixFS file per member, raw bytes to headers, padding or the end. */
class MemberAssembler {
  readonly #profile: Profile
  readonly #sink: BlockSink
  readonly #view: ArchiveDagWriter
  readonly #log = new EntryLog()
  readonly #records = new EntryRecordEncoder()
  readonly #headers = new HeaderMatcher()
  readonly #tree: UnpackedTree
  /** Entries a later entry shadowed, with the content the tree held for them (regular files). */
  readonly #shadowed = new Map<number, DagRef | undefined>()
  /**
   * Each entry's header length, as read (its style wrote the same bytes, or a patch of the same length):
   * listing the entries places them by these instead of writing every header again.
   */
  readonly #headerLengths: number[] = []

  #phase: Phase = 'header'
  /** Header bytes of the next member, collected until its 'member' part. */
  #header: Uint8Array[] = []
  #member: TarMember | undefined
  #memberHeader: Uint8Array | undefined
  #data: FileDagBuilder | undefined
  #padding: Uint8Array[] = []
  #paddingLeft = 0
  #paddingZero = true
  #treeContentBytes = 0
  #end: { offset: number, endOfArchive: 'zero-blocks' | 'missing' } | undefined
  #endZeros = 0
  #trailing: FileDagBuilder | undefined

  readonly #lent: boolean

  constructor (profile: Profile, sink: BlockSink, limits: Limits, lent: boolean) {
    this.#profile = profile
    this.#sink = sink
    this.#lent = lent
    // The view is computed for its CID; its segment blocks are not stored (materializeView writes them).
    this.#view = new ArchiveDagWriter(profile, discardBlocks)
    this.#tree = new UnpackedTree(limits, (index, ref) => { this.#shadowed.set(index, ref) })
  }

  /** Takes the next part; a promise only when a step waits (await it before the next part). */
  take (part: TarPart): MaybePromise<void> {
    switch (part.kind) {
      case 'raw':
        return this.#raw(part.bytes)
      case 'member':
        return andThen(this.#closeMember(), () => this.#openMember(part.member))
      case 'data':
        return this.#memberData(part.bytes)
      case 'end':
        return this.#endMarker(part.offset, part.endOfArchive)
    }
  }

  async #endMarker (offset: number, endOfArchive: 'zero-blocks' | 'missing'): Promise<void> {
    await this.#closeMember()
    this.#end = { offset, endOfArchive }
    this.#phase = 'end'
    // Header bytes read before the end marker was recognised belong to the end.
    for (const bytes of this.#header.splice(0)) await this.#endBytes(bytes)
  }

  #raw (bytes: Uint8Array): MaybePromise<void> {
    let at = 0
    if (this.#phase === 'padding') {
      const n = Math.min(this.#paddingLeft, bytes.length)
      const padding = bytes.subarray(0, n)
      if (this.#paddingZero && !isZero(padding)) this.#paddingZero = false
      this.#padding.push(padding)
      this.#paddingLeft -= n
      at = n
      if (this.#paddingLeft === 0) this.#phase = 'header'
    }
    if (at === bytes.length) return
    const rest = bytes.subarray(at)
    if (this.#phase === 'end') return this.#endBytes(rest)
    this.#header.push(rest)
  }

  #openMember (member: TarMember): MaybePromise<void> {
    this.#member = member
    this.#memberHeader = concat(this.#header.splice(0))
    // Every member's data becomes a UnixFS file: a regular file's is its content (in the tree unless
    // excluded), any other member's is kept as the entry's own `c`.
    if (this.#isRegular(member) || member.dataSize > 0) this.#data = new FileDagBuilder(this.#profile, this.#sink, this.#lent)
    this.#startPadding(member.dataSize)
    return this.#view.addSegmentBytes(this.#memberHeader)
  }

  #memberData (bytes: Uint8Array): MaybePromise<void> {
    const data = this.#data
    if (data === undefined) throw new InvalidArgumentError('tar data outside a member')
    const member = this.#member
    // Format 1's tar DAG (the view) keeps non-file data in its segments.
    return andThen(data.write(bytes), () => member !== undefined && !this.#isRegular(member) ? this.#view.addSegmentBytes(bytes) : undefined)
  }

  #startPadding (dataSize: number): void {
    const r = dataSize % BLOCK_SIZE
    this.#paddingLeft = r === 0 ? 0 : BLOCK_SIZE - r
    this.#padding = []
    this.#paddingZero = true
    this.#phase = this.#paddingLeft > 0 ? 'padding' : 'header'
  }

  /** Ends the current member: its data DAG, the view, the tree, its entry record. */
  #closeMember (): MaybePromise<void> {
    const member = this.#member
    if (member === undefined) return
    this.#member = undefined
    const builder = this.#data
    this.#data = undefined
    return andThen(builder?.finish(), data => {
      const regular = this.#isRegular(member)
      const padding = concat(this.#padding)
      return andThen(regular && data !== undefined ? this.#view.addContent(data) : undefined,
        () => andThen(this.#view.addSegmentBytes(padding), () => { this.#record(member, data, regular, padding) }))
    })
  }

  /** The member's place in the tree, its header match and its entry record. */
  #record (member: TarMember, data: DagRef | undefined, regular: boolean, padding: Uint8Array): void {
    const index = this.#log.count
    const name = nameFromBytes(member.path)
    const placed = this.#tree.add(index, { type: member.type, path: name, headerOffset: member.headerOffset },
      member.path, member.linkTarget, regular ? data : undefined)
    const inTree = regular && placed.excluded === undefined
    if (inTree) this.#treeContentBytes += member.dataSize

    const fields = headerFieldsOf(member)
    const header = this.#headers.match(fields, this.#memberHeader as Uint8Array)
    const full = entryFields(fields, {
      style: header.style,
      sparseSize: member.sparse && member.size !== member.dataSize ? member.size : undefined,
      headerPatch: header.patch,
      headerBytes: header.verbatim,
      padding: this.#paddingZero ? undefined : padding,
      content: data !== undefined && member.dataSize > 0 && !inTree ? data.cid : undefined,
      excluded: placed.excluded
    })
    this.#log.append(encodeBuiltEntryRecord(this.#records.encode(full, name)), { offset: member.headerOffset, entry: displayName(name) })
    this.#headerLengths.push((this.#memberHeader as Uint8Array).length)
    this.#memberHeader = undefined
  }

  /**
   * The chunk just pushed is about to be reused (lent chunks): what is held of it beyond its push becomes
   * a copy, or for a file's incomplete chunk whatever FileDagBuilder.detach makes of it. Done per chunk,
   * not per part: most members begin and end inside one chunk, and copy nothing.
   */
  detach (): void {
    if (this.#header.length > 0) this.#header = [joinBytes(this.#header)]
    if (this.#padding.length > 0) this.#padding = [joinBytes(this.#padding)]
    if (this.#memberHeader !== undefined) this.#memberHeader = joinBytes([this.#memberHeader])
    this.#data?.detach()
  }

  /** A regular, non-sparse file: its data is its content, and a file of the tree unless excluded. */
  #isRegular (member: TarMember): boolean {
    return member.type === 'file' && !member.sparse
  }

  /** Bytes from the end marker on: a run of zeros, then the trailing bytes as a UnixFS file. */
  async #endBytes (bytes: Uint8Array): Promise<void> {
    await this.#view.addSegmentBytes(bytes)
    let at = 0
    if (this.#trailing === undefined) {
      while (at < bytes.length && bytes[at] === 0) at++
      this.#endZeros += at
      if (at === bytes.length) return
      this.#trailing = new FileDagBuilder(this.#profile, this.#sink)
    }
    // A copy (held until the end, past the chunk's reuse); not slice(), which on a Node Buffer is a view.
    await this.#trailing.write(joinBytes([bytes.subarray(at)]))
  }

  async finish (): Promise<DescribedTar> {
    await this.#closeMember()
    if (this.#phase !== 'end') {
      // No end marker: the input stopped after the last member (and its padding).
      for (const bytes of this.#header.splice(0)) await this.#endBytes(bytes)
    }
    // Entries a later entry replaced: their data is no longer the tree's file at their path.
    for (const [index, ref] of this.#shadowed) {
      this.#log.update<EntryRecord>(index, record => {
        record.e = 'shadowed'
        if (ref !== undefined && (record.s ?? 0) > 0 && record.c === undefined && isRegularRecord(record)) {
          record.c = ref.cid
          this.#treeContentBytes -= record.s ?? 0
        }
      }, { offset: 0, entry: `#${index}` })
    }
    const trailing = this.#trailing === undefined ? undefined : await this.#trailing.finish()
    const view = await this.#view.finish()
    const tree = await this.#tree.build(this.#profile, this.#sink)
    const pages = await this.#log.writePages(this.#sink)
    const end = this.#end ?? { offset: view.root.fileSize - this.#endZeros - (trailing?.fileSize ?? 0), endOfArchive: 'missing' as const }
    const treeContentBytes = this.#treeContentBytes
    const log = this.#log
    const endZeros = this.#endZeros
    const headerLengths = this.#headerLengths
    return {
      view: view.root,
      entryCount: this.#log.count,
      pages,
      entries: () => decodeAll(log, headerLengths),
      tree: tree.stripped === undefined ? { root: tree.root } : { root: tree.root, stripped: tree.stripped },
      segmentBytes: view.segmentBytes,
      contentBytes: view.contentBytes,
      treeContentBytes,
      tarFields: (size, sha256) => ({
        size,
        sha256,
        view: view.root.cid.bytes,
        endOffset: end.offset,
        endZeros,
        ...(trailing === undefined ? {} : { trailing: trailing.cid })
      })
    }
  }
}

function * decodeAll (log: EntryLog, headerLengths: readonly number[]): Generator<Entry> {
  const reader = new TarEntryReader()
  let i = 0
  for (const record of log.values<EntryRecord>()) yield reader.readEntryOfHeaderLength(record, headerLengths[i++] as number)
}

/** A record whose typeflag is a regular file's ('0', '\0', '7'); sparse files carry no tree content. */
function isRegularRecord (record: EntryRecord): boolean {
  const y = record.y ?? 0x30
  return y === 0x30 || y === 0 || y === 0x37
}

/** What an entry records beyond its header fields (each undefined where it does not apply). */
type EntryParts = Omit<EntryFields, keyof MemberHeaderFields>

/**
 * An entry's fields as one object literal of every field, not a spread of `fields` plus `parts`: V8 gave
 * each spread copy a map of its own (4,760 maps for CPython's 4,770 entries), and each of
 * EntryRecordEncoder.encode's 23 reads of it then missed its inline cache (#16).
 */
function entryFields (fields: MemberHeaderFields, parts: EntryParts): EntryFields {
  return {
    typeflag: fields.typeflag,
    path: fields.path,
    linkTarget: fields.linkTarget,
    mode: fields.mode,
    uid: fields.uid,
    gid: fields.gid,
    uname: fields.uname,
    gname: fields.gname,
    mtime: fields.mtime,
    mtimeNanos: fields.mtimeNanos,
    size: fields.size,
    devMajor: fields.devMajor,
    devMinor: fields.devMinor,
    atime: fields.atime,
    ctime: fields.ctime,
    paxRecords: fields.paxRecords,
    style: parts.style,
    sparseSize: parts.sparseSize,
    headerPatch: parts.headerPatch,
    headerBytes: parts.headerBytes,
    padding: parts.padding,
    content: parts.content,
    excluded: parts.excluded
  }
}

function isZero (bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false
  return true
}

/** One byte string from the pieces a chunked stream delivered (the piece itself when there is one). */
function concat (parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0] as Uint8Array : joinBytes(parts)
}
