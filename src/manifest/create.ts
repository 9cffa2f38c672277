/**
 * manifestFromTarball: archive bytes → members → UnixFS chunks → manifest → blocks.
 * One pass over the input: the digests, the tar reader, each file's DAG builder and the archive DAG all
 * consume the same chunks as they arrive, so memory is bounded by the profile's chunk size plus the entry
 * list, whatever the archive's size.
 */
import type { CID } from 'multiformats/cid'
import { TarReader, type TarMember, type TarPart } from '../archive/tar/reader.js'
import { discardBlocks, putBlock, type BlockSink } from '../blocks.js'
import { encodeManifest } from '../codec/manifest-codec.js'
import { ArchiveDigests, type ArchiveDigester } from '../digest/incremental.js'
import { resolveLimits, type Limits } from '../limits.js'
import { MANIFEST_VERSION, type Entry, type Manifest, type Tar, type Tree } from '../schema/types.js'
import { toChunks, type ByteSource } from '../source.js'
import type { DagRef } from '../unixfs/dag-ref.js'
import { FileDagBuilder } from '../unixfs/file-builder.js'
import { getProfile, type Profile, type ProfileName } from '../unixfs/profile.js'
import { ArchiveDagWriter } from './archive-dag.js'
import { entryFromMember, writeEntryPages } from './entries.js'
import { UnpackedTree } from './tree.js'

export interface ManifestOptions {
  /** IPIP-499 profile for every UnixFS DAG (default `unixfs-v1-2025`). */
  profile?: ProfileName
  /** Receives every block of the manifest, the archive DAG, the content DAGs and the tree. Default: none kept. */
  blockstore?: BlockSink
  /** Overrides of the named resource limits (see limits.ts). */
  limits?: Partial<Limits>
  /** Called as input is consumed, with the number of archive bytes read so far. */
  onProgress?: (bytesRead: number) => void
  /**
   * Computes the archive's sha256 and sha512. Default: in this thread. On Node, `createWorkerDigester()`
   * from `ipld-archive-manifest/node` computes them on other cores, which roughly halves the time for
   * large archives (the digests cost more than chunk hashing).
   */
  digester?: ArchiveDigester
}

export interface ManifestResult {
  /** CID of the manifest's root block (dag-cbor). */
  cid: CID
  /** CID of the UnixFS file whose bytes are the archive's exact bytes (for a tar, its segment DAG). */
  archiveCid: CID
  /** CID of the unpacked tree, and of the tree with its single top-level directory stripped, if any. */
  treeCid: CID
  strippedTreeCid?: CID
  manifest: Manifest
  /** The entries, as the manifest's pages hold them. */
  entries: Entry[]
  counts: {
    entries: number
    archiveBytes: number
    /** Archive bytes kept as segment leaves: headers, padding, end blocks, trailing bytes, non-file data. */
    segmentBytes: number
    /** Archive bytes linked as member files' content DAGs (segmentBytes + contentBytes = archiveBytes). */
    contentBytes: number
    /** The part of contentBytes that the tree holds too (deduplicated with the unpacked tree). */
    treeContentBytes: number
  }
}

/**
 * Describes an existing tar archive. The archive is read once, as a stream.
 *
 * @example
 * ```ts
 * import { manifestFromTarball, restoreArchive, MemoryBlocks } from 'ipld-archive-manifest'
 * const blocks = new MemoryBlocks()
 * const result = await manifestFromTarball(tarBytes, { blockstore: blocks })
 * console.log(result.cid.toString(), result.archiveCid.toString(), result.treeCid.toString())
 * for await (const chunk of restoreArchive(result.cid, blocks)) process.stdout.write(chunk)
 * ```
 */
export async function manifestFromTarball (source: ByteSource, options: ManifestOptions = {}): Promise<ManifestResult> {
  const profile = getProfile(options.profile)
  const sink = options.blockstore ?? discardBlocks
  const limits = resolveLimits(options.limits)
  const digests = options.digester ?? new ArchiveDigests()
  const tar = new TarDescriber(profile, sink, limits)

  let bytesRead = 0
  for await (const chunk of toChunks(source)) {
    const pending = digests.update(chunk)
    if (pending !== undefined) await pending
    await tar.push(chunk)
    bytesRead += chunk.length
    options.onProgress?.(bytesRead)
  }
  const described = await tar.end()
  const { size, sha256, sha512 } = await digests.finish()
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    profile: profile.name,
    archive: { format: 'tar', size, sha256, sha512, root: described.root.cid },
    tar: described.tarFields(size, sha256),
    entryCount: described.entries.length,
    entries: described.pages,
    tree: described.tree
  }
  return await finishManifest(manifest, described, sink)
}

/** Stores the root block and assembles the result. */
export async function finishManifest (manifest: Manifest, described: DescribedTar, sink: BlockSink): Promise<ManifestResult> {
  const block = await encodeManifest(manifest)
  await putBlock(sink, block.cid, block.bytes)
  return {
    cid: block.cid,
    archiveCid: manifest.archive.root ?? manifest.tar.root,
    treeCid: manifest.tree.root,
    ...(manifest.tree.stripped === undefined ? {} : { strippedTreeCid: manifest.tree.stripped }),
    manifest,
    entries: described.entries,
    counts: {
      entries: described.entries.length,
      archiveBytes: manifest.archive.size,
      segmentBytes: described.segmentBytes,
      contentBytes: described.contentBytes,
      treeContentBytes: described.treeContentBytes
    }
  }
}

/** What describing a tar stream gives: its DAG, entries (paged and stored), tree, and the Tar fields. */
export interface DescribedTar {
  root: DagRef
  entries: Entry[]
  pages: CID[]
  tree: Tree
  segmentBytes: number
  contentBytes: number
  treeContentBytes: number
  tarFields: (size: number, sha256: Uint8Array) => Tar
}

/**
 * A tar stream, pushed in chunks of any size, described as it passes: members, each file's content DAG, the
 * segment DAG of the whole, the entry pages and the tree. Plain and decompressed tars both go through it.
 */
export class TarDescriber {
  readonly #reader: TarReader
  readonly #assembler: MemberAssembler
  readonly #sink: BlockSink

  constructor (profile: Profile, sink: BlockSink, limits: Limits) {
    this.#reader = new TarReader({ limits })
    this.#assembler = new MemberAssembler(profile, sink, limits)
    this.#sink = sink
  }

  async push (chunk: Uint8Array): Promise<void> {
    for (const part of this.#reader.push(chunk)) await this.#assembler.take(part)
  }

  async end (): Promise<DescribedTar> {
    for (const part of this.#reader.end()) await this.#assembler.take(part)
    const d = await this.#assembler.finish()
    const pages = await writeEntryPages(d.entries, this.#sink)
    return {
      root: d.archive.root,
      entries: d.entries,
      pages,
      tree: d.tree.stripped === undefined ? { root: d.tree.root } : { root: d.tree.root, stripped: d.tree.stripped },
      segmentBytes: d.archive.segmentBytes,
      contentBytes: d.archive.contentBytes,
      treeContentBytes: d.treeContentBytes,
      tarFields: (size, sha256) => ({
        size,
        sha256,
        root: d.archive.root.cid,
        treeContentBytes: d.treeContentBytes,
        endOffset: d.endOffset,
        endOfArchive: d.endOfArchive
      })
    }
  }
}

/** Routes the reader's parts: file data to that file's DAG builder, everything else into archive segments. */
class MemberAssembler {
  readonly #profile: Profile
  readonly #sink: BlockSink
  readonly #limits: Limits
  readonly #archive: ArchiveDagWriter
  readonly #entries: Entry[] = []
  readonly #contents: Array<DagRef | undefined> = []
  readonly #tree: UnpackedTree
  #member: TarMember | undefined
  #file: FileDagBuilder | undefined
  #end: { offset: number, endOfArchive: 'zero-blocks' | 'missing' } | undefined

  constructor (profile: Profile, sink: BlockSink, limits: Limits) {
    this.#profile = profile
    this.#sink = sink
    this.#limits = limits
    this.#archive = new ArchiveDagWriter(profile, sink)
    this.#tree = new UnpackedTree(limits, (index) => {
      const entry = this.#entries[index]
      if (entry !== undefined) entry.excluded = 'shadowed'
    })
  }

  async take (part: TarPart): Promise<void> {
    switch (part.kind) {
      case 'raw':
        await this.#closeMember()
        await this.#archive.addSegmentBytes(part.bytes)
        return
      case 'member':
        await this.#closeMember()
        this.#openMember(part.member)
        return
      case 'data':
        if (this.#file !== undefined) await this.#file.write(part.bytes)
        else await this.#archive.addSegmentBytes(part.bytes)
        return
      case 'end':
        await this.#closeMember()
        this.#end = { offset: part.offset, endOfArchive: part.endOfArchive }
    }
  }

  #openMember (member: TarMember): void {
    this.#member = member
    // Only a regular file's data is its content; a sparse file's data is a map plus fragments.
    if (member.type === 'file' && !member.sparse) this.#file = new FileDagBuilder(this.#profile, this.#sink)
  }

  /** Ends the current member: its content DAG (if a file) joins the archive DAG, its entry the tree. */
  async #closeMember (): Promise<void> {
    const member = this.#member
    if (member === undefined) return
    this.#member = undefined
    let content: DagRef | undefined
    if (this.#file !== undefined) {
      content = await this.#file.finish()
      this.#file = undefined
      await this.#archive.addContent(content)
    }
    const index = this.#entries.length
    const entry = entryFromMember(member)
    this.#entries.push(entry)
    const placed = this.#tree.add(index, entry, member.path, member.linkTarget, content)
    const treeContent = placed.content ?? content
    if (treeContent !== undefined) entry.content = treeContent.cid
    if (placed.excluded !== undefined) entry.excluded = placed.excluded
    this.#contents.push(content)
  }

  async finish (): Promise<{
    entries: Entry[]
    archive: { root: DagRef, segmentBytes: number, contentBytes: number }
    tree: { root: CID, stripped?: CID }
    treeContentBytes: number
    endOffset: number
    endOfArchive: 'zero-blocks' | 'missing'
  }> {
    await this.#closeMember()
    const archive = await this.#archive.finish()
    const tree = await this.#tree.build(this.#profile, this.#sink)
    // Content that is linked from the archive DAG but is not in the tree (shadowed files and the like)
    // is not shared with the tree, so it does not count as deduplicated.
    let treeContentBytes = 0
    this.#entries.forEach((entry, i) => {
      if (entry.excluded === undefined) treeContentBytes += this.#contents[i]?.fileSize ?? 0
    })
    const end = this.#end ?? { offset: archive.root.fileSize, endOfArchive: 'missing' as const }
    return {
      entries: this.#entries,
      archive,
      tree,
      treeContentBytes,
      endOffset: end.offset,
      endOfArchive: end.endOfArchive
    }
  }
}
