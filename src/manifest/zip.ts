/**
 * manifestFromZip: a zip archive (.zip, .jar, .whl, ...) → its entries, each stored or deflated entry's
 * uncompressed data as a UnixFS file (the DAG `ipfs add` gives the extracted file), the unpacked tree, and
 * format 2's side data (§18): per entry a compact record from which its local header, central header and
 * data descriptor are regenerated (checked against the archive's bytes; what differs is kept as a patch
 * or verbatim), the recipe that rebuilds a deflated entry's data from its content (an encoder found by the
 * same race as for gzip members) or else its compressed bytes, and the bytes no record holds (a stub
 * before the first entry, gaps, trailing bytes) as spans. Restoring (zip-stream.ts) needs only the
 * manifest and the tree.
 *
 * Zip is read from the end (the central directory is authoritative), so the input is random-access: bytes
 * in memory or a RandomAccessSource (`manifestFromFile` passes one over the file). Every byte is read once,
 * in file order, for the digests, the `ipfs add` CID of the file, and the entries' data.
 */
import { CID } from 'multiformats/cid'
import { discardBlocks, putBlock, type BlockSink } from '../blocks.js'
import { equalBytes } from '../archive/zip/bytes.js'
import { readZipDirectory } from '../archive/zip/reader.js'
import { bytesSource, checkSource } from '../archive/zip/source.js'
import type { RandomAccessSource, ZipEntry as RawZipEntry, ZipLayout } from '../archive/zip/types.js'
import { encodeManifest, encodeZipEntryRecord, INLINE_DATA_MAX, SPAN_INLINE_MAX } from '../codec/manifest-codec.js'
import { ZipEntryRecordEncoder, type ZipEntryFields } from '../codec/zip-entry-record.js'
import { crc32 } from '../compression/container/crc32.js'
import { RecipeRace } from '../compression/recipe/race.js'
import { encoderFor, gzipCandidates } from '../compression/recipe/registry.js'
import type { EncoderFactory, RealStream } from '../compression/recipe/encoder.js'
import { ArchiveDigests } from '../digest/incremental.js'
import { CorruptCompressedDataError, InvalidArgumentError, LimitExceededError } from '../errors.js'
import { resolveLimits, type Limits } from '../limits.js'
import { MANIFEST_VERSION, type Manifest, type Recipe, type Zip, type ZipEntry, type ZipEntryRecord, type ZipSpan } from '../schema/types.js'
import { FileDagBuilder, importBytes } from '../unixfs/file-builder.js'
import { getProfile, type Profile } from '../unixfs/profile.js'
import { EntryLog } from './entry-log.js'
import { displayName, nameFromBytes } from './names.js'
import type { ManifestOptions, ManifestResult } from './result.js'
import { UnpackedTree } from './tree.js'
import { describerBlocks, withNarHashes } from './tree-nar.js'
import { ZipEntryReader } from './zip-entries.js'
import { ZipEntryData, type EntryData } from './zip-entry-data.js'
import { centralHeaderException, endFields, localHeaderException } from './zip-records.js'

/** Bytes read from the source at once. */
const READ_PIECE = 1024 * 1024

/**
 * Entries up to this size (compressed and uncompressed) try the candidates one after another over the
 * buffered data, stopping at the first that matches; larger ones run them in lockstep (RecipeRace). Both
 * record the first candidate, in order, whose whole output equals the compressed data, so the choice is
 * a matter of speed only: most entries of a jar are small, and the lockstep race would start all 36
 * encoders for each of them.
 */
const SEQUENTIAL_MAX = 1024 * 1024

/** Compressed bytes handed to the inflater at once. */
const INFLATE_PIECE = 65536

const STORED = 0
const DEFLATED = 8

/** The zip options: those of every manifest (`reread` does not apply: the source is random-access). */
export type ZipManifestOptions = Omit<ManifestOptions, 'reread'>

/**
 * Describes a zip archive.
 *
 * @example
 * ```ts
 * const result = await manifestFromZip(readFileSync('foo.jar'), { blockstore })
 * for await (const chunk of restoreArchive(result.cid, blockstore)) out.write(chunk)
 * ```
 */
export async function manifestFromZip (source: Uint8Array | RandomAccessSource, options: ZipManifestOptions = {}): Promise<ManifestResult<ZipEntry>> {
  const profile = getProfile(options.profile)
  const { sink, narSource } = describerBlocks(options)
  const limits = resolveLimits(options.limits)
  const input = source instanceof Uint8Array ? bytesSource(source) : source
  checkSource(input)
  // The reader keeps the central directory as columns; entry objects are made as each is processed.
  const dir = await readZipDirectory(input, { limits: options.limits })
  const shift = dir.offsetShift

  const digests = options.digester ?? new ArchiveDigests()
  const fileDag = new FileDagBuilder(profile, discardBlocks)
  // The tree is built after the pass over the bytes (in central directory order), but keeps the content
  // DAGs from the start. Only what is excluded is kept per entry: a later entry may shadow an earlier one.
  const excluded: Array<ZipEntryFields['excluded']> = []
  const tree = new UnpackedTree(limits, (index) => { excluded[index] = 'shadowed' })
  // What each entry's data and local header gave (only the local headers' exceptions: most have none).
  const data = new ZipEntryData(dir.count, tree)
  const localRead = new Uint8Array(dir.count)
  // The end records' bytes, which the regenerated ones are compared with, and the spans no record holds.
  const end: Uint8Array[] = []
  let endStart: number | undefined
  const endGaps: Array<{ offset: number, bytes: Uint8Array }> = []
  const spans: ZipSpan[] = []
  let bytesRead = 0
  // The recipe of the last deflated entry (file order), tried first for the next: small entries match
  // several levels, and repeating one recipe keeps the records short (§18.2).
  let lastRecipe: Recipe | undefined

  /** Reads [offset, offset + length) in pieces, each hashed and chunked as the file before `use` sees it. */
  const readRange = async (offset: number, length: number, use: (piece: Uint8Array) => Promise<void>): Promise<void> => {
    for (let at = 0; at < length; at += READ_PIECE) {
      const n = Math.min(READ_PIECE, length - at)
      const piece = await input.read(offset + at, n)
      if (piece.length !== n) throw new CorruptCompressedDataError(`zip source returned ${piece.length} bytes for a read of ${n}`, { offset: offset + at })
      const pending = digests.update(piece)
      if (pending !== undefined) await pending
      await fileDag.write(piece)
      bytesRead += n
      options.onProgress?.(bytesRead)
      await use(piece)
    }
  }
  /** A range's bytes in memory (headers, the central directory and end records: bounded by the reader's limits). */
  const collect = async (offset: number, length: number): Promise<Uint8Array> => {
    const parts: Uint8Array[] = []
    await readRange(offset, length, async (piece) => { parts.push(piece.slice()) })
    return concat(parts)
  }
  /** A range kept verbatim: inline up to `inlineMax` bytes, else a UnixFS file (`read` pushes its pieces). */
  const keep = async (length: number, inlineMax: number, read: (use: (piece: Uint8Array) => Promise<void>) => Promise<void>): Promise<{ bytes: Uint8Array } | { file: CID }> => {
    if (length <= inlineMax) {
      const parts: Uint8Array[] = []
      await read(async (piece) => { parts.push(piece.slice()) })
      return { bytes: concat(parts) }
    }
    const builder = new FileDagBuilder(profile, sink)
    await read(async (piece) => { await builder.write(piece) })
    return { file: (await builder.finish()).cid }
  }

  for (const segment of dir.segments()) {
    const { offset, length } = segment
    switch (segment.kind) {
      case 'local-header': {
        const index = segment.entry as number
        data.setLocal(index, localHeaderException(dir.recordFields(index), await collect(offset, length)))
        localRead[index] = 1
        break
      }
      case 'central-directory': {
        // Hashed here, compared with the reader's copy, which the central headers' exceptions are taken from.
        let at = 0
        await readRange(offset, length, async (piece) => {
          if (!equalBytes(piece, dir.bytes.subarray(at, at + piece.length))) {
            throw new InvalidArgumentError('the zip source gave other bytes for the central directory than when it was first read (did the file change?)', { offset: offset + at })
          }
          at += piece.length
        })
        break
      }
      case 'end-records': endStart ??= offset; end.push(await collect(offset, length)); break
      case 'data-descriptor': await readRange(offset, length, async () => {}); break // regenerated from the entry
      case 'data': {
        const entry = dir.entry(segment.entry as number)
        if (!hasContent(entry)) {
          data.setData(entry.index, { verbatim: await keep(length, INLINE_DATA_MAX, (use) => readRange(offset, length, use)) })
          break
        }
        const described = await describeData(entry, profile, sink, limits, (use) => readRange(offset, length, use), lastRecipe)
        if (described.recipe !== undefined) lastRecipe = described.recipe
        // No recipe: the compressed bytes are kept verbatim (held if they were, else read again: the source is random-access).
        const { compressed, ...d } = described
        if (entry.method !== STORED && d.recipe === undefined) {
          d.verbatim = await keep(length, INLINE_DATA_MAX, async (use) => {
            if (compressed !== undefined) await use(compressed)
            else for (let at = 0; at < length; at += READ_PIECE) await use(await input.read(offset + at, Math.min(READ_PIECE, length - at)))
          })
        }
        data.setData(entry.index, d)
        break
      }
      default: {
        // 'prefix', 'gap', 'trailing': a span; gaps between end records also join the end bytes in case those are kept verbatim.
        if (endStart !== undefined && segment.kind === 'gap') {
          const bytes = await collect(offset, length)
          endGaps.push({ offset, bytes })
          spans.push(bytes.length <= SPAN_INLINE_MAX ? { offset, bytes } : { offset, file: (await importBytes(bytes, profile, sink)).cid })
          break
        }
        spans.push({ offset, ...await keep(length, SPAN_INLINE_MAX, (use) => readRange(offset, length, use)) })
      }
    }
  }
  // Entries without data bytes have no segment: an empty stored file is still an (empty) file.
  for (let i = 0; i < dir.count; i++) {
    if (data.described(i)) continue
    const entry = dir.entry(i)
    if (hasContent(entry)) data.setData(i, await describeData(entry, profile, sink, limits, async () => {}))
  }

  const { size, sha256, sha512 } = await digests.finish()
  const file = await fileDag.finish()

  // The tree, in central directory order (the order unzip extracts them in).
  for (let i = 0; i < dir.count; i++) {
    const c = dir.central(i)
    if (c.encrypted) excluded[i] = 'encrypted'
    else if (c.method !== STORED && c.method !== DEFLATED) excluded[i] = 'unsupported-method'
    else {
      const placed = tree.add(i, { type: c.type, path: nameFromBytes(c.path), headerOffset: c.localHeaderOffset }, c.path, data.target(i),
        c.type === 'file' ? data.contentRow(i) : undefined)
      if (placed.excluded !== undefined) excluded[i] = placed.excluded
    }
  }
  const treeCids = await tree.build(profile, sink)

  // Each entry's record, appended encoded (its fields are not kept): its header exceptions, and where its
  // data comes from (§18.4): kept verbatim, else its content (stored, or by its recipe).
  let treeContentBytes = 0
  let contentBytes = 0
  const encoder = new ZipEntryRecordEncoder()
  const log = new EntryLog()
  for (let i = 0; i < dir.count; i++) {
    const raw = dir.central(i)
    const f: ZipEntryFields = dir.recordFields(i, raw)
    Object.assign(f, localRead[i] === 1 ? data.local(i) : localHeaderException(f, new Uint8Array(0)), centralHeaderException(f, dir.centralHeader(i)))
    const x = excluded[i]
    if (x !== undefined) f.excluded = x
    const d = data.data(i)
    if (d.verbatim !== undefined) {
      if ('bytes' in d.verbatim) f.dataBytes = d.verbatim.bytes
      else f.data = d.verbatim.file
    } else if (d.content !== undefined && raw.compressedSize > 0) {
      if (d.recipe !== undefined) f.recipe = d.recipe
      contentBytes += raw.compressedSize
      if (raw.type === 'file' && f.excluded === undefined) treeContentBytes += raw.compressedSize
      else f.content = d.content.cid
    }
    log.append(encodeZipEntryRecord(encoder.encode(f)), { offset: raw.localHeaderOffset, entry: displayName(nameFromBytes(raw.path)) })
  }
  const pages = await log.writePages(sink)
  const entryCount = dir.count

  const zip: Zip = { fileCid: file.cid.bytes, treeContentBytes }
  if (shift !== 0) zip.shift = shift
  const endRecords = endFields(dir, concat(end), entryCount)
  Object.assign(zip, endRecords)
  if (endRecords.endBytes !== undefined && endGaps.length > 0) {
    // Verbatim end records are one piece: the gaps between them go with them.
    zip.endBytes = concat(interleave(end, endGaps, endStart as number))
    const inside = new Set(endGaps.map(g => g.offset))
    spans.splice(0, spans.length, ...spans.filter(s => !inside.has(s.offset)))
  }
  if (spans.length > 0) zip.spans = spans
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    profile: profile.name,
    archive: { format: 'zip', size, sha256, sha512 },
    zip,
    entryCount,
    entries: pages,
    tree: treeCids.stripped === undefined ? { root: treeCids.root } : { root: treeCids.root, stripped: treeCids.stripped }
  }
  if (narSource !== undefined) manifest.tree = await withNarHashes(manifest.tree, eachZipEntry(log, shift), narSource)
  const block = await encodeManifest(manifest)
  await putBlock(sink, block.cid, block.bytes)
  const result: ManifestResult<ZipEntry> = {
    cid: block.cid,
    archiveCid: CID.decode(file.cid.bytes),
    treeCid: treeCids.root,
    ...(treeCids.stripped === undefined ? {} : { strippedTreeCid: treeCids.stripped }),
    manifest,
    entries: [],
    counts: {
      entries: entryCount,
      archiveBytes: size,
      segmentBytes: size - contentBytes,
      contentBytes,
      treeContentBytes
    }
  }
  // Symlink targets are not in the records (the data is): the entries returned get them from here.
  const targets = new Map<number, Uint8Array>()
  for (let i = 0; i < dir.count; i++) {
    const target = data.target(i)
    if (target !== undefined) targets.set(i, target)
  }
  decodedWhenRead(result, log, shift, targets)
  return result
}

/**
 * The entries are decoded from the records when first read (as a tar's: result.ts), each symlink with its
 * target. A function of its own, so that the getter holds the log, the targets and nothing else of
 * manifestFromZip's scope.
 */
function decodedWhenRead (result: ManifestResult<ZipEntry>, log: EntryLog, shift: number, targets: Map<number, Uint8Array>): void {
  let entries: ZipEntry[] | undefined
  const read = (): ZipEntry[] => [...eachZipEntry(log, shift)].map((e, i) => {
    const target = targets.get(i)
    return target === undefined || e.type !== 'symlink' ? e : { ...e, linkTarget: nameFromBytes(target) }
  })
  Object.defineProperty(result, 'entries', { enumerable: true, get: () => (entries ??= read()) })
}

/** The entries, decoded from their records one at a time. */
function * eachZipEntry (log: EntryLog, shift: number): Generator<ZipEntry> {
  const reader = new ZipEntryReader(shift)
  for (const record of log.values<ZipEntryRecord>()) yield reader.read(record).entry
}

/** The end records' bytes with the gaps between them, in file order (`start` is where the first record starts). */
function interleave (records: Uint8Array[], gaps: Array<{ offset: number, bytes: Uint8Array }>, start: number): Uint8Array[] {
  // Records and gaps alternate from `start` on; walk them by offset.
  const out: Uint8Array[] = []
  let at = start
  let r = 0
  for (const gap of gaps) {
    while (at < gap.offset && r < records.length) { const rec = records[r++] as Uint8Array; out.push(rec); at += rec.length }
    out.push(gap.bytes)
    at += gap.bytes.length
  }
  while (r < records.length) out.push(records[r++] as Uint8Array)
  return out
}

/** Stored and deflated entries that are not encrypted have content (directories only when they hold data). */
function hasContent (entry: RawZipEntry): boolean {
  if (entry.encrypted || (entry.method !== STORED && entry.method !== DEFLATED)) return false
  return entry.type !== 'directory' || entry.uncompressedSize > 0
}

/**
 * One entry's data, pushed in pieces by `feed`: its content DAG (the uncompressed bytes), checked against
 * the central directory's size and CRC-32, and for a deflated entry the recipe that rebuilds it, if any.
 */
async function describeData (entry: RawZipEntry, profile: Profile, sink: BlockSink, limits: Limits,
  feed: (use: (piece: Uint8Array) => Promise<void>) => Promise<void>, preferred?: Recipe): Promise<EntryData & { compressed?: Uint8Array }> {
  const builder = new FileDagBuilder(profile, sink)
  const name = displayName(nameFromBytes(entry.path))
  // A symlink's target is held in memory for the tree, bounded as a tar's long link names are.
  if (entry.type === 'symlink' && entry.uncompressedSize > limits.maxLongNameBytes) {
    throw new LimitExceededError(`symlink target of ${entry.uncompressedSize} bytes, more than maxLongNameBytes ${limits.maxLongNameBytes}`,
      { limit: 'maxLongNameBytes', max: limits.maxLongNameBytes, offset: entry.dataOffset, entry: name })
  }
  let crc = 0
  let size = 0
  const target: Uint8Array[] = []
  const take = async (bytes: Uint8Array): Promise<void> => {
    crc = crc32(bytes, crc)
    size += bytes.length
    // More data than the central directory records: fail now, not after inflating all of it.
    if (size > entry.uncompressedSize) {
      throw new CorruptCompressedDataError(`entry data is more than the ${entry.uncompressedSize} bytes the central directory records`,
        { offset: entry.dataOffset, entry: name, format: 'zip', reason: 'size', stored: entry.uncompressedSize })
    }
    if (entry.type === 'symlink' && size <= limits.maxLongNameBytes) target.push(bytes.slice())
    await builder.write(bytes)
  }
  let recipe: Recipe | undefined
  // The compressed bytes of a deflated entry small enough to be held, for when no recipe makes them.
  let held: Uint8Array | undefined
  if (entry.method === STORED) {
    await feed(take)
  } else {
    // Inflate and the deflate encoders are imported only when a zip has a deflated entry.
    const [{ Inflate }, candidates] = await Promise.all([import('pako'), candidatesPreferring(preferred)])
    const sequential = entry.uncompressedSize <= SEQUENTIAL_MAX && entry.compressedSize <= SEQUENTIAL_MAX
    const race = sequential ? undefined : new RecipeRace(candidates)
    const compressed: Uint8Array[] = []
    const inflated: Uint8Array[] = []
    let inflatedBytes = 0
    const inflator = new Inflate({ raw: true, chunkSize: 65536 })
    const out: Uint8Array[] = []
    inflator.onData = (chunk) => { out.push(chunk as Uint8Array) }
    let consumed = 0
    await feed(async (piece) => {
      const at = consumed
      consumed += piece.length
      if (race !== undefined) race.expected(piece)
      else compressed.push(piece)
      // Inflated in small pieces, so that what one piece inflates to stays bounded (deflate's limit is 1032:1).
      for (let from = 0; from < piece.length; from += INFLATE_PIECE) {
        if ((inflator as unknown as { ended: boolean }).ended) return
        inflator.push(piece.subarray(from, from + INFLATE_PIECE), false)
        if (inflator.err !== 0) {
          throw new CorruptCompressedDataError(`corrupt deflate data: ${inflator.msg || `inflate error ${inflator.err}`}`,
            { offset: entry.dataOffset + at + from, entry: name, format: 'zip', reason: inflator.msg })
        }
        for (const o of out) {
          if (race !== undefined) race.input(o)
          else if ((inflatedBytes += o.length) <= SEQUENTIAL_MAX) inflated.push(o)
          await take(o)
        }
        out.length = 0
      }
    })
    if (!(inflator as unknown as { ended: boolean }).ended) {
      throw new CorruptCompressedDataError('deflate data ends before its final block', { offset: entry.dataOffset, entry: name, format: 'zip', reason: 'truncated' })
    }
    // The recipe must make all `compressedSize` bytes (the whole range it replaces).
    if (race !== undefined) recipe = race.end(entry.compressedSize).recipe
    else if (inflatedBytes <= SEQUENTIAL_MAX) {
      held = concat(compressed)
      recipe = firstMatch(candidates, concat(inflated), held)
    }
  }
  if (size !== entry.uncompressedSize) {
    throw new CorruptCompressedDataError(`entry data is ${size} bytes; the central directory records ${entry.uncompressedSize}`,
      { offset: entry.dataOffset, entry: name, format: 'zip', reason: 'size', stored: entry.uncompressedSize, computed: size })
  }
  if (crc !== entry.crc32) {
    throw new CorruptCompressedDataError(`zip entry CRC-32 mismatch (stored ${entry.crc32.toString(16)}, computed ${crc.toString(16)})`,
      { offset: entry.dataOffset, entry: name, format: 'zip', reason: 'crc32', stored: entry.crc32, computed: crc })
  }
  const content = await builder.finish()
  const result: EntryData & { compressed?: Uint8Array } = { content }
  if (recipe !== undefined) result.recipe = recipe
  else if (held !== undefined) result.compressed = held
  if (entry.type === 'symlink') result.target = concat(target)
  return result
}

/** The deflate candidates in their order, `preferred` (the previous entry's recipe) moved first. */
async function candidatesPreferring (preferred: Recipe | undefined): Promise<EncoderFactory[]> {
  const all = await gzipCandidates()
  if (preferred === undefined) return all
  const key = JSON.stringify(preferred)
  return [await encoderFor(preferred), ...all.filter(c => JSON.stringify(c.recipe) !== key)]
}

/**
 * The first candidate, in order, whose whole output over `input` is exactly `expected`. A candidate that
 * proves from `expected`'s first deflate block that it cannot write it is skipped or stopped early, as
 * in the race (recipe/race.ts): the same verdict, without compressing the whole entry.
 */
function firstMatch (candidates: EncoderFactory[], input: Uint8Array, expected: Uint8Array): Recipe | undefined {
  const real: RealStream = {
    received: expected.length,
    head: (length) => expected.subarray(0, length),
    from: (offset) => offset < expected.length ? expected.subarray(offset) : undefined
  }
  for (const candidate of candidates) {
    if (candidate.cannotWrite?.(real) === true) continue
    const encoder = candidate.create(real)
    let at = 0
    const same = (chunks: Uint8Array[]): boolean => {
      for (const chunk of chunks) {
        if (at + chunk.length > expected.length) return false
        for (let i = 0; i < chunk.length; i++) if (chunk[i] !== expected[at + i]) return false
        at += chunk.length
      }
      return true
    }
    // A diverged encoder writes nothing more: its verdict is no match.
    const holds = (chunks: Uint8Array[]): boolean => same(chunks) && encoder.diverged !== true
    if (holds(encoder.write(input)) && holds(encoder.end()) && at === expected.length) return candidate.recipe
  }
  return undefined
}

function concat (parts: Uint8Array[]): Uint8Array {
  if (parts.length === 0) return new Uint8Array(0)
  if (parts.length === 1) return parts[0] as Uint8Array
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

export type { ZipLayout }
