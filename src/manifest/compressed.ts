/**
 * A compressed tarball: archive bytes → decompressed tar → (the tar pipeline, tar-describer.ts), while each
 * compressed member (gzip member, bzip2 stream, xz stream, zstd frame) looks for a recipe that rebuilds
 * its bytes from the tar's (see compression/recipe/race.ts). One pass over the input; memory is bounded
 * by the chunk sizes, the candidates' lag and a retention window, never by the archive.
 *
 * When every member has a recipe, the manifest names the compressed file's own CID only as bytes and its
 * blocks are not needed: the archive is rebuilt from the tree's blocks. Otherwise `archive.root` links
 * the compressed file as `ipfs add` makes it, and those blocks must be stored: during the pass (the
 * default, since a stream cannot be read twice) or, given `reread`, in a second pass only when needed.
 */
import type { CID } from 'multiformats/cid'
import { discardBlocks, type BlockSink } from '../blocks.js'
import { isGzipMemberStart, parseGzipHeader } from '../compression/container/gzip.js'
import { decompressorFor, lendsOutput } from '../compression/decompress/index.js'
import { dropIdleWasmInstances } from '../compression/wasm-module.js'
import type { DecompressEvent } from '../compression/decompress/events.js'
import type { CompressionFormat } from '../compression/container/detect.js'
import type { EncoderFactory } from '../compression/recipe/encoder.js'
import { InThreadRaces, type RacePlan, type RecipeRaces } from '../compression/recipe/races.js'
import { bzip2Candidates, gzipCandidateRecipes, xzCandidates, zstdCandidates } from '../compression/recipe/registry.js'
import { parseZstdFrameHeader, zstdFrameHeaderSize, zstdMagicKind } from '../compression/container/zstd.js'
import { ArchiveDigests, createDigest } from '../digest/incremental.js'
import { InvalidArgumentError } from '../errors.js'
import { resolveLimits } from '../limits.js'
import { MANIFEST_VERSION, type ArchiveFormat, type CompressedMember, type Manifest } from '../schema/types.js'
import { toChunks, type ByteSource } from '../source.js'
import { FileDagBuilder } from '../unixfs/file-builder.js'
import type { Profile } from '../unixfs/profile.js'
import { describerBlocks } from './tree-nar.js'
import { finishManifest, type ManifestOptions, type ManifestResult } from './result.js'
import { assertMembersTile, assertSameSize } from './size-check.js'
import { TarDescriber } from './tar-describer.js'

/** Trailing bytes after the last member kept in the manifest itself; longer tails make the archive verbatim. */
export const MAX_INLINE_TRAILING_BYTES = 65536
/** Members described one by one; an archive with more (e.g. BGZF, a member per 64 KiB) is kept verbatim. */
export const MAX_COMPRESSED_MEMBERS = 4096
/** An xz stream header (12 bytes) and the largest block header (1024 bytes): enough to choose candidates. */
const XZ_HEAD_MAX = 12 + 1024
/** How far a candidate may lag behind the real compressed bytes (RecipeRace's default). */
const DEFAULT_RACE_LAG = 16 * 1024 * 1024
/** How much of the stream a race logs for the candidates it has not started (RecipeRace's default). */
const DEFAULT_RACE_LOG = 16 * 1024 * 1024
/** Largest piece of compressed input handed on at once (see `tapped`). */
const TAP_PIECE = 1024 * 1024

export async function describeCompressed (format: CompressionFormat, chunks: AsyncIterable<Uint8Array>, profile: Profile, options: ManifestOptions): Promise<ManifestResult> {
  try {
    return await describe(format, chunks, profile, options)
  } finally {
    // The codecs' instances served member after member; none is needed now (see wasm-module.ts).
    dropIdleWasmInstances()
  }
}

async function describe (format: CompressionFormat, chunks: AsyncIterable<Uint8Array>, profile: Profile, options: ManifestOptions): Promise<ManifestResult> {
  const { sink, narSource } = describerBlocks(options)
  const limits = resolveLimits(options.limits)
  const digests = options.digester ?? new ArchiveDigests()
  const fileDag = new FileDagBuilder(profile, options.reread === undefined ? sink : discardBlocks)
  // The xz and bzip2 decompressors lend their output (views of their memory, LendOptions): the describer
  // and the races copy what they keep.
  const lent = lendsOutput(format)
  const tar = new TarDescriber(profile, sink, limits, lent)
  const tarHash = createDigest('sha256')
  const members = new MemberRecipes(format, options.recipeRaces ?? new InThreadRaces())
  let tarSize = 0
  let bytesRead = 0

  // Every compressed chunk the decompressor pulls is hashed, chunked as a plain file, and seen by the
  // recipes, in pieces of at most TAP_PIECE bytes: how far the recipes' view runs ahead of decompression,
  // and so whether a candidate "lags", must not depend on how the caller cut the input.
  const tapped = (async function * (): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunks) {
      const pending = digests.update(chunk)
      if (pending !== undefined) await pending
      await fileDag.write(chunk)
      for (let at = 0; at < chunk.length; at += TAP_PIECE) {
        const piece = chunk.subarray(at, at + TAP_PIECE)
        await members.tapped(piece)
        yield piece
      }
      bytesRead += chunk.length
      options.onProgress?.(bytesRead)
    }
  })()

  let trailing: { offset: number, length: number } = { offset: 0, length: 0 }
  for await (const event of decompressorFor(format, { lend: true })(tapped)) {
    if (event.kind === 'data') {
      tarHash.update(event.bytes)
      tarSize += event.bytes.length
      await members.input(event.bytes, lent)
      await tar.push(event.bytes)
      // Races elsewhere that fell behind: wait, so that the bytes in flight stay bounded.
      await members.ready()
    } else if (event.kind === 'end') {
      trailing = event.trailing
    } else {
      await members.unitEnded(event)
    }
  }

  const described = await tar.end()
  const { size, sha256, sha512 } = await digests.finish()
  const file = await fileDag.finish()
  const recorded = await members.finish(trailing, size)
  // Restores read the compressed file's DAG (archive.root), or rebuild every member from its tar range
  // of the tar stream (whose view has the tar's size exactly when entries, padding and end tile it).
  assertSameSize('the digested archive', size, bytesRead)
  assertSameSize('the compressed file\'s DAG', file.fileSize, bytesRead)
  assertSameSize('the tar view', described.view.fileSize, tarSize)
  if (recorded.complete) assertMembersTile(recorded.members, recorded.trailing?.length ?? 0, size, tarSize)
  let root: CID | undefined
  if (!recorded.complete) {
    root = file.cid
    if (options.reread !== undefined) await storeFileAgain(options.reread(), profile, sink, file.cid)
  }
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    profile: profile.name,
    archive: { format: `tar+${format}` as ArchiveFormat, size, sha256, sha512, ...(root === undefined ? {} : { root }) },
    compression: {
      fileCid: file.cid.bytes,
      members: recorded.members,
      ...(recorded.trailing === undefined ? {} : { trailing: recorded.trailing })
    },
    tar: described.tarFields(tarSize, tarHash.digest()),
    entryCount: described.entryCount,
    entries: described.pages,
    tree: described.tree
  }
  return await finishManifest(manifest, described, sink, narSource)
}

/**
 * How far behind the real bytes a candidate may fall: a race's default, or more for an encoder that
 * holds a whole block back (a block's compressed bytes are at most its input plus a little framing).
 */
function raceLag (candidates: Array<{ holdsBack?: number }>): number {
  const held = Math.max(0, ...candidates.map(c => c.holdsBack ?? 0))
  return held + Math.ceil(held / 64) + DEFAULT_RACE_LAG
}

/**
 * How much of the stream a race logs for candidates not started yet: its default, and for an encoder
 * that holds a whole block back, room for that block's input and output besides. Otherwise the leader
 * writes its first byte only after the log is full, and every candidate starts (and holds a block).
 */
function raceLog (candidates: Array<{ holdsBack?: number }>): number {
  const held = Math.max(0, ...candidates.map(c => c.holdsBack ?? 0))
  return DEFAULT_RACE_LOG + 2 * held
}

/** The race plan for `candidates`: their recipes and, for block-holding encoders, the bounds they need. */
function planOf (candidates: EncoderFactory[], contentSize?: number): RacePlan {
  return {
    recipes: candidates.map(c => c.recipe),
    maxLag: raceLag(candidates),
    maxLog: raceLog(candidates),
    ...(contentSize === undefined ? {} : { contentSize })
  }
}

/** The second pass: the compressed file's blocks, which must give the CID the first pass computed. */
async function storeFileAgain (source: ByteSource, profile: Profile, sink: BlockSink, expected: CID): Promise<void> {
  const builder = new FileDagBuilder(profile, sink)
  for await (const chunk of toChunks(source)) await builder.write(chunk)
  const again = (await builder.finish()).cid
  if (!again.equals(expected)) throw new InvalidArgumentError(`reading the archive again gave other bytes (${again} instead of ${expected})`)
}

/**
 * The members of the compressed stream and their recipe races. Compressed bytes arrive through `tapped`
 * (as the decompressor pulls them), uncompressed bytes through `input`, and each unit's end, with its
 * exact extent, through `unitEnded`. The decompressor reads ahead of a unit's end by at most its buffer
 * and one source chunk, so the bytes kept after the current unit's start are bounded by RETAIN.
 */
class MemberRecipes {
  readonly #format: CompressionFormat
  readonly #races: RecipeRaces
  readonly #members: CompressedMember[] = []
  /** Each member's verdict, as its race gives it (later, when the race runs elsewhere). */
  readonly #verdicts: Array<Promise<void>> = []
  /** Recently tapped bytes, from #keptFrom on (for the next unit's header and the trailing bytes). */
  #kept: Uint8Array[] = []
  #keptFrom = 0
  #tapEnd = 0
  #largestChunk = 0
  /** Where the current unit starts, where its recipe body starts (once known), and what the race has seen. */
  #unitStart = 0
  #bodyStart: number | undefined
  #fed = 0
  #racing = false
  #tarOffset = 0
  #tooMany = false

  constructor (format: CompressionFormat, races: RecipeRaces) {
    this.#format = format
    this.#races = races
  }

  ready (): Promise<void> | undefined {
    return this.#races.ready()
  }

  async tapped (chunk: Uint8Array): Promise<void> {
    this.#kept.push(chunk)
    this.#tapEnd += chunk.length
    this.#largestChunk = Math.max(this.#largestChunk, chunk.length)
    await this.#feed()
    // Keep what the next unit might need: the decompressor's lookahead is below 2 chunks + 4 MiB.
    const retain = 2 * this.#largestChunk + 4 * 1024 * 1024
    while (this.#kept.length > 1 && this.#tapEnd - (this.#keptFrom + (this.#kept[0] as Uint8Array).length) >= retain) {
      this.#keptFrom += (this.#kept.shift() as Uint8Array).length
    }
  }

  /** The member's next tar bytes; `lent`: valid during the call only. */
  async input (bytes: Uint8Array, lent: boolean): Promise<void> {
    await this.#feed()
    if (!this.#racing) return
    if (!lent) this.#races.input(bytes)
    else if (this.#races.inputLent !== undefined) this.#races.inputLent(bytes)
    else this.#races.input(bytes.slice())
  }

  async unitEnded (event: Exclude<DecompressEvent, { kind: 'data' | 'end' }>): Promise<void> {
    if (event.kind === 'gzip-member') {
      const m = event.member
      const size = m.trailerOffset + 8 - m.offset
      await this.#record({
        offset: m.offset, size, tarOffset: m.uncompressedOffset, tarSize: m.uncompressedSize,
        header: m.headerBytes, trailer: this.#bytes(m.trailerOffset, 8)
      }, m.deflateSize)
    } else if (event.kind === 'bzip2-stream') {
      await this.#record({ offset: event.offset, size: event.size, tarOffset: event.uncompressedOffset, tarSize: event.uncompressedSize, header: new Uint8Array(0), trailer: new Uint8Array(0) }, event.size)
    } else if (event.kind === 'xz-stream' || event.kind === 'zstd-frame') {
      // As for bzip2, the recipe makes the whole stream or frame, container included.
      await this.#record({ offset: event.offset, size: event.size, tarOffset: event.uncompressedOffset, tarSize: event.uncompressedSize, header: new Uint8Array(0), trailer: new Uint8Array(0) }, event.size)
    } else {
      // xz stream padding and zstd skippable frames hold no tar bytes: they join the member list as
      // members without a recipe, which keeps the archive verbatim.
      await this.#record({ offset: event.offset, size: event.size, tarOffset: this.#tarOffset, tarSize: 0, header: new Uint8Array(0), trailer: new Uint8Array(0) }, undefined)
    }
  }

  async finish (trailing: { offset: number, length: number }, size: number): Promise<{ members: CompressedMember[], trailing?: Uint8Array, complete: boolean }> {
    await Promise.all(this.#verdicts)
    const end = this.#unitStart
    const inline = trailing.length > 0 && trailing.length <= MAX_INLINE_TRAILING_BYTES && trailing.offset === end && end + trailing.length === size
    const empty = new Uint8Array(0)
    if (this.#tooMany) {
      // Too many to list: one member covering everything, without a recipe.
      return { members: [{ offset: 0, size, tarOffset: 0, tarSize: this.#tarOffset, header: empty, trailer: empty }], complete: false }
    }
    if (trailing.length > 0 && !inline) {
      // A tail too long to keep in the manifest is a member that holds no tar bytes and has no recipe:
      // the archive's own blocks keep it.
      this.#members.push({ offset: end, size: size - end, tarOffset: this.#tarOffset, tarSize: 0, header: empty, trailer: empty })
    }
    const tail = inline ? this.#bytes(trailing.offset, trailing.length) : undefined
    const complete = this.#members.every(m => m.recipe !== undefined)
    return { members: this.#members, ...(tail === undefined ? {} : { trailing: tail }), complete }
  }

  /** Records the unit that just ended, with its race's verdict over `bodyLength` bytes. */
  async #record (member: CompressedMember, bodyLength: number | undefined): Promise<void> {
    await this.#feed()
    if (this.#racing) {
      // A unit without a body to rebuild (none has one today) still ends its race.
      const verdict = this.#races.end(bodyLength ?? 0).then(recipe => {
        if (recipe !== undefined && bodyLength !== undefined) member.recipe = { encoder: recipe.encoder, params: { ...recipe.params } }
      })
      // Awaited by finish(); until then a failure must not count as unhandled.
      verdict.catch(() => {})
      this.#verdicts.push(verdict)
    }
    if (this.#members.length >= MAX_COMPRESSED_MEMBERS) this.#tooMany = true
    else this.#members.push(member)
    this.#unitStart = member.offset + member.size
    this.#tarOffset = member.tarOffset + member.tarSize
    this.#racing = false
    this.#bodyStart = undefined
    this.#fed = this.#unitStart
    await this.#feed()
  }

  /** Starts the current unit's race once its header is visible, then feeds it every tapped byte of its body. */
  async #feed (): Promise<void> {
    if (this.#tooMany) return
    if (!this.#racing) {
      if (this.#tapEnd <= this.#unitStart) return
      const start = await this.#startRace()
      if (start === undefined) return
      this.#racing = true
      this.#bodyStart = start
      this.#fed = start
    }
    if (this.#bodyStart === undefined || this.#fed >= this.#tapEnd) return
    let at = this.#keptFrom
    for (const chunk of this.#kept) {
      const end = at + chunk.length
      if (end > this.#fed) this.#races.expected(chunk.subarray(Math.max(0, this.#fed - at)))
      at = end
    }
    this.#fed = this.#tapEnd
  }

  /**
   * The race for the unit at #unitStart and where its body starts, or undefined until enough is tapped.
   * Async: the candidates' encoders are loaded when the first unit of their format needs them.
   */
  async #startRace (): Promise<number | undefined> {
    const available = this.#tapEnd - this.#unitStart
    if (this.#format === 'gzip') {
      // Bytes that do not start a member are trailing bytes: the decompressor reports them at the end.
      if (available < 3) return undefined
      if (!isGzipMemberStart(this.#bytes(this.#unitStart, 3))) return undefined
      const parsed = parseGzipHeader(this.#bytes(this.#unitStart, Math.min(available, 10 + 2 + 65535 + 2 * 65537 + 2)), this.#unitStart)
      if (!parsed.complete) return undefined
      await this.#races.start({ recipes: gzipCandidateRecipes() })
      return this.#unitStart + parsed.length
    }
    if (this.#format === 'bzip2') {
      if (available < 4) return undefined
      const magic = this.#bytes(this.#unitStart, 4)
      if (magic[0] !== 0x42 || magic[1] !== 0x5a || magic[2] !== 0x68) return undefined
      const level = (magic[3] as number) - 0x30
      if (level < 1 || level > 9) return undefined
      await this.#races.start({ recipes: (await bzip2Candidates(level)).map(c => c.recipe) })
      return this.#unitStart
    }
    if (this.#format === 'xz') {
      // The stream header and the first block header (at most 1024 bytes) narrow the presets.
      const candidates = await xzCandidates(this.#bytes(this.#unitStart, Math.min(available, XZ_HEAD_MAX)))
      if (candidates === undefined) return undefined
      await this.#races.start(planOf(candidates))
      return this.#unitStart
    }
    if (this.#format === 'zstd') {
      // Skippable frames hold no tar bytes (no race); a frame's header says whether the size was pledged.
      if (available < 5) return undefined
      const head = this.#bytes(this.#unitStart, Math.min(available, 18))
      if (zstdMagicKind(head) !== 'frame') return undefined
      if (head.length < zstdFrameHeaderSize(head[4] as number)) return undefined
      const header = parseZstdFrameHeader(head, this.#unitStart)
      const candidates = await zstdCandidates(head, header.contentSize)
      if (candidates === undefined) return undefined
      await this.#races.start(planOf(candidates, header.contentSize))
      return this.#unitStart
    }
    return undefined
  }

  /** `length` tapped bytes from `offset` (they must still be kept). */
  #bytes (offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length)
    let at = this.#keptFrom
    let filled = 0
    for (const chunk of this.#kept) {
      const end = at + chunk.length
      if (end > offset && at < offset + length) {
        const from = Math.max(offset, at)
        const to = Math.min(offset + length, end)
        out.set(chunk.subarray(from - at, to - at), from - offset)
        filled += to - from
      }
      at = end
    }
    if (filled !== length) throw new InvalidArgumentError(`compressed bytes at ${offset} were no longer kept (internal window too small)`)
    return out
  }
}
