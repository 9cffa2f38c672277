/**
 * GNU gzip's lazy deflate (levels 4-9) on more than one core, with no hint from the manifest.
 *
 * Why it holds (deflate.c's lazy loop, gnu-gzip.ts): the LZ77 parse never depends on where blocks end (a
 * flush changes no state the parse reads), and right after a match is emitted nothing is pending (no lazy
 * literal, the match length reset) while the hash chains hold every position from the window's start on,
 * each inserted once in order, the window's start itself fixed by the offset (windowBaseAt). So at such a
 * point the deflater's whole state is a function of the input and the offset: a parse restarted anywhere
 * (`GnuGzipDeflater.restartAt`) and the sequential parse go on identically from the first offset where both
 * have just emitted a match. Segments of the input are therefore parsed from restarts, on any thread, each
 * until it meets the parse restarted at the next segment's start; one writer, the sequential deflater
 * replaying the tokens instead of searching (`replayParse`), takes each segment from where the one before
 * met it and writes the blocks: the stream is byte for byte the sequential one. Where a segment does not meet
 * the next (a long run of one pattern keeps two parses out of step), the writer searches by itself from the
 * segment's last match, pausing at each offset where a later segment's parse has just emitted a match, and
 * replays that segment's parse from the first one where its own has too (usually where the run ends).
 * Levels 1-3 (deflate_fast) skip inserting the strings of long matches, so their chains are not a function
 * of the input: they are not segmented.
 */
import { GnuGzipDeflater, RunStatus, type SymbolSink, windowBaseAt } from './gnu-gzip.js'
import { WINDOW_SIZE } from './match-finder.js'

/** A segment to parse: from a restart at `from` until it meets the parse restarted at `next`. */
export interface DeflateSegmentJob {
  readonly level: number
  /** Input bytes, the first at offset `dataStart` of the stream's input. */
  readonly data: Uint8Array
  readonly dataStart: number
  /** Where this segment's parse restarts. */
  readonly from: number
  /** Where the next segment's parse restarts; undefined for the last segment (parsed to the end). */
  readonly next: number | undefined
  /** Whether `data` reaches the end of the input. */
  readonly ends: boolean
  /** Room for the tokens, used while they fit (the result's tokens are then a view of it). */
  readonly tokens?: Uint32Array
}

/** A segment's parse: tokens (first-block.ts's form) from `from` to `end`, where the next parse was met. */
export interface DeflateSegment {
  readonly tokens: Uint32Array
  /** Offset after the last token: a match ends there (or the input does, for the last segment). */
  readonly end: number
  /** Whether the parse restarted at the job's `next` has just emitted a match at `end` too (else the writer searches on). */
  readonly converged: boolean
  /** The job's data, given back for another job (a worker's transfer returns it). */
  readonly data?: Uint8Array
}

/** Input a segment covers (a restart every this many bytes): ~50 ms of work at -9, ~0.2 M tokens of text. */
export const SEGMENT_BYTES = 1 << 19
/**
 * How far past the next restart a segment's parse may go to meet the next one's (input given beyond it).
 * Parses meet within a few hundred bytes on real data; only a run of one pattern longer than this keeps them apart.
 */
export const MEET_BYTES = 1 << 18
/** Input copied in pieces of this size, each reused once both the writer and the segments are past it. */
const SLAB_BYTES = 1 << 18
const NO_TOKENS = new Uint32Array(0)

/** Input bytes a token stands for. */
const tokenLength = (t: number): number => t < 256 ? 1 : (t & 0xff) + 3

/** The parse's symbols as tokens; a flush tells the deflater to pause once the parse has reached `pauseAt`. */
class TokenLog implements SymbolSink {
  count = 0
  pauseAt = Infinity
  /** Input offset after the last token; room to start with (it grows by doubling). */
  constructor (public pos: number, public tokens: Uint32Array) {}

  private add (token: number): void {
    if (this.count === this.tokens.length) {
      const grown = new Uint32Array(this.tokens.length * 2)
      grown.set(this.tokens)
      this.tokens = grown
    }
    this.tokens[this.count++] = token
  }

  tallyLiteral (c: number): boolean {
    this.add(c)
    return ++this.pos >= this.pauseAt
  }

  tallyMatch (dist: number, length: number): boolean {
    this.add(dist * 256 + length - 3)
    return (this.pos += length) >= this.pauseAt
  }

  flushBlock (): void {}
}

/** A restarted parse and how far its tokens have been looked at. */
class Parse {
  readonly log: TokenLog
  readonly deflater: GnuGzipDeflater
  /** Tokens looked at, the offset after them, and whether the last of them is a match. */
  seen = 0
  pos: number
  clean = true

  constructor (job: DeflateSegmentJob, at: number, room: Uint32Array, deflater: GnuGzipDeflater) {
    this.log = new TokenLog(at, room.length > 0 ? room : new Uint32Array(1 << 12))
    this.deflater = deflater.restart(job.data, job.dataStart, at, job.ends, this.log)
    this.pos = at
  }

  /** Runs until the parse has reached `offset`; false when the input given runs out first. */
  runTo (offset: number): boolean {
    this.log.pauseAt = offset
    for (;;) {
      if (this.log.pos >= offset) return true
      const status = this.deflater.run()
      if (status === RunStatus.NeedInput || status === RunStatus.Done) return this.log.pos >= offset
    }
  }

  /** Looks at the next token (parsing on if need be); false when the input given runs out first. */
  step (): boolean {
    if (this.seen === this.log.count && !this.runTo(this.log.pos + 4096)) {
      if (this.seen === this.log.count) return false
    }
    const t = this.log.tokens[this.seen++]!
    this.pos += tokenLength(t)
    this.clean = t >= 256
    return true
  }
}

/** Parses one segment (a block encoder's job, in any thread). */
export function parseDeflateSegment (job: DeflateSegmentJob): DeflateSegment {
  return new DeflateSegmentParser().parse(job)
}

/** Parses segment after segment with the same two deflaters (a thread's: their buffers are reused). */
export class DeflateSegmentParser {
  /** Per level: the segment's parse and the next one's. */
  readonly #deflaters = new Map<number, [GnuGzipDeflater, GnuGzipDeflater]>()

  parse (job: DeflateSegmentJob): DeflateSegment {
    let pair = this.#deflaters.get(job.level)
    if (pair === undefined) {
      // Built with a log, so in the parsing mode restart() wants; each restart gives it the segment's own.
      const idle = new TokenLog(0, NO_TOKENS)
      pair = [new GnuGzipDeflater(job.level, idle), new GnuGzipDeflater(job.level, idle)]
      this.#deflaters.set(job.level, pair)
    }
    return parseWith(job, pair[0], pair[1])
  }
}

function parseWith (job: DeflateSegmentJob, first: GnuGzipDeflater, second: GnuGzipDeflater): DeflateSegment {
  const a = new Parse(job, job.from, job.tokens ?? NO_TOKENS, first)
  if (job.next === undefined) {
    if (!job.ends) throw new RangeError('the last deflate segment must be given the rest of the input')
    a.runTo(Infinity)
    return { tokens: a.log.tokens.subarray(0, a.log.count), end: a.log.pos, converged: true, data: job.data }
  }
  const next = job.next
  a.clean = false
  while (a.pos < next) {
    if (!a.step()) throw new RangeError(`deflate segment input ends before ${next}`)
  }
  // The next segment's parse, from its restart (where nothing is pending), until the two meet.
  const b = new Parse(job, next, NO_TOKENS, second)
  for (;;) {
    if (a.pos === b.pos && a.clean && b.clean) {
      return { tokens: a.log.tokens.subarray(0, a.seen), end: a.pos, converged: true, data: job.data }
    }
    if (!(a.pos <= b.pos ? a.step() : b.step())) break
  }
  // Not met within the input given: the parse up to its last match, from where the writer searches on.
  let end = a.log.count
  while (end > 0 && a.log.tokens[end - 1]! < 256) end--
  let pos = job.from
  for (let i = 0; i < end; i++) pos += tokenLength(a.log.tokens[i]!)
  return { tokens: a.log.tokens.subarray(0, end), end: pos, converged: false, data: job.data }
}

export interface DeflateInSegmentsOptions {
  /** Parses a segment, anywhere (a worker thread); the job's data is given up. */
  parse: (job: DeflateSegmentJob) => Promise<DeflateSegment>
  /** Segments parsed or waiting to be, beyond the one being written (the parsing threads, plus one). */
  ahead: number
  /** A restart every this many bytes (default SEGMENT_BYTES). */
  segmentBytes?: number
  /** Input given to a segment past the next one's restart (default MEET_BYTES; at least a window, WINDOW_SIZE). */
  meetBytes?: number
  /** Told each stretch of input the writer parsed itself, `from` up to `to` (where it met a segment, or the end). */
  onSearched?: (from: number, to: number) => void
  /** Write the blocks as `gzip --rsyncable` does (the parse is the same: only the writer needs it). */
  rsyncable?: boolean
}

/**
 * The raw deflate stream of GNU gzip 1.12 at `level` (4-9) over `input`, byte for byte gnuGzipDeflate's, its
 * parse done in segments by `parse` while this thread writes the blocks. A segment is handed out once its
 * input is read (through the next restart and `meetBytes` beyond, so a full window follows every restart);
 * input is read only as far as the `ahead` segments under way need. Memory is bounded and reused: input in
 * slabs, each segment's data and token room from pools (a worker's transfer brings them back).
 */
export async function * gnuGzipDeflateInSegments (level: number, input: AsyncIterable<Uint8Array>, options: DeflateInSegmentsOptions): AsyncGenerator<Uint8Array> {
  const segmentBytes = options.segmentBytes ?? SEGMENT_BYTES
  const meetBytes = options.meetBytes ?? MEET_BYTES
  if (!(segmentBytes > 0) || !(meetBytes >= WINDOW_SIZE)) throw new RangeError(`deflate segments of ${segmentBytes} bytes meeting within ${meetBytes}`)
  /** Input a segment with a successor needs: through the successor's restart and meetBytes beyond. */
  const dataEnd = (k: number): number => (k + 1) * segmentBytes + meetBytes + WINDOW_SIZE
  /** A segment's data at most: the last one's, which may reach a window before its start and a window beyond dataEnd. */
  const dataRoom = segmentBytes + meetBytes + 3 * WINDOW_SIZE
  /** Token room given: text makes ~0.4 tokens a byte; a segment that needs more grows its own. */
  const tokenRoom = segmentBytes >>> 1
  const dataPool: Uint8Array[] = []
  const tokenPool: Uint32Array[] = []

  /** Segments handed out, in order: settled once parsed. */
  const segments: Array<{ done: Promise<void>, last: boolean, result?: DeflateSegment, error?: { cause: unknown } }> = []
  /** The input read, in slabs (the first at offset `slabsFrom`), until the writer and the segments are past them. */
  const slabs: Uint8Array[] = []
  const freeSlabs: Uint8Array[] = []
  let slabsFrom = 0
  let read = 0
  let ended = false
  /** Input before this offset is needed by no segment still to be handed out. */
  let neededFrom = 0

  const writer = new GnuGzipDeflater(level, undefined, { rsyncable: options.rsyncable })
  writer.replayParse()
  /**
   * The segment whose tokens the writer replays (or is about to), or, searching, the one it looks to meet;
   * whether its tokens were given to the writer.
   */
  let current = 0
  let entered = false
  /**
   * Whether the writer searches by itself (a segment did not meet the next, or the input is under a window),
   * until its parse meets a later segment's; and, then, how far the current segment's tokens have been looked
   * at: `meetIndex` of them, up to offset `meetAt`, the last of them a match or none (`meetClean`).
   */
  let searching = false
  let searchedFrom = 0
  let meetIndex = 0
  let meetAt = 0
  let meetClean = true
  /** Whether the last segment (parsed to the end of input) was handed out. */
  let lastOut = false

  function handOut (): void {
    while (!lastOut && segments.length - current <= options.ahead) {
      const k = segments.length
      const from = k * segmentBytes
      const last = read < dataEnd(k)
      if (last && !ended) return
      if (last && from + WINDOW_SIZE > read) return // (only k = 0: the input is under a window; the writer searches)
      const dataStart = windowBaseAt(from)
      const end = last ? read : dataEnd(k)
      const data = (dataPool.pop() ?? new Uint8Array(dataRoom)).subarray(0, end - dataStart)
      copyRead(dataStart, data)
      const tokens = tokenPool.pop() ?? new Uint32Array(tokenRoom)
      const job: DeflateSegmentJob = { level, data, dataStart, from, next: last ? undefined : from + segmentBytes, ends: end === read && ended, tokens }
      const entry: (typeof segments)[number] = { done: Promise.resolve(), last }
      entry.done = options.parse(job).then(r => {
        entry.result = r
        if (r.data !== undefined && r.data.buffer.byteLength === dataRoom) dataPool.push(new Uint8Array(r.data.buffer))
      }, (cause: unknown) => { entry.error = { cause } })
      segments.push(entry)
      lastOut = last
      neededFrom = last ? read : windowBaseAt(from + segmentBytes)
    }
  }

  /** Copies the input from offset `from` into `into`, all of it still in slabs. */
  function copyRead (from: number, into: Uint8Array): void {
    for (let at = from; at < from + into.length;) {
      const slab = slabs[Math.floor((at - slabsFrom) / SLAB_BYTES)]!
      const inSlab = (at - slabsFrom) % SLAB_BYTES
      const n = Math.min(SLAB_BYTES - inSlab, from + into.length - at)
      into.set(slab.subarray(inSlab, inSlab + n), at - from)
      at += n
    }
  }

  /** Copies a chunk of input into slabs, giving the writer its copy, and reuses the slabs nothing needs now. */
  function take (chunk: Uint8Array): void {
    for (let at = 0; at < chunk.length;) {
      const inSlab = read % SLAB_BYTES
      if (inSlab === 0) slabs.push(freeSlabs.pop() ?? new Uint8Array(SLAB_BYTES))
      const slab = slabs[slabs.length - 1]!
      const n = Math.min(SLAB_BYTES - inSlab, chunk.length - at)
      slab.set(chunk.subarray(at, at + n), inSlab)
      writer.push(slab.subarray(inSlab, inSlab + n))
      at += n
      read += n
    }
    // The writer has read all but its queued input into its window.
    const free = Math.min(read - writer.queuedInput, neededFrom)
    while (slabs.length > 1 && slabsFrom + SLAB_BYTES <= free) {
      freeSlabs.push(slabs.shift()!)
      slabsFrom += SLAB_BYTES
    }
  }

  /** Lets the writer search on by itself from here (a clean step). */
  function searchOn (): boolean {
    writer.parseOnward()
    searching = true
    searchedFrom = writer.position
    nextToMeet(current + 1)
    return meet()
  }

  /** Lets go of the current segment's tokens (their room goes back to the pool) and looks to meet segment `k`. */
  function nextToMeet (k: number): void {
    const result = segments[current]?.result
    if (result !== undefined) {
      segments[current]!.result = undefined
      const tokens = result.tokens
      if (tokens.byteOffset === 0 && tokens.buffer.byteLength >= tokenRoom * 4) tokenPool.push(new Uint32Array(tokens.buffer as ArrayBuffer))
    }
    current = k
    entered = false
    meetIndex = 0
    meetAt = k * segmentBytes
    meetClean = true
  }

  /**
   * Searching, at a step of the writer's with nothing pending (it paused there): where its parse and the
   * current segment's meet (both have just emitted a match at one offset; from there on they are the same
   * parse), the writer replays the segment's. Else it is told where to pause next: the segment's next such
   * step, or its start while it is not parsed; segments passed without meeting are let go. False when the
   * writer must wait (paused where it is) for the segment to be parsed or handed out.
   */
  function meet (): boolean {
    const at = writer.position
    for (;;) {
      const segment = segments[current]
      if (segment?.error !== undefined) throw segment.error.cause
      // Past the last segment: the writer searches to the end.
      if (segment === undefined && lastOut) { writer.watch(Infinity); return true }
      const tokens = segment?.result?.tokens
      if (tokens === undefined) {
        const start = current * segmentBytes
        writer.watch(Math.max(start, at))
        return at < start
      }
      while (meetIndex < tokens.length && (meetAt < at || !meetClean)) {
        const t = tokens[meetIndex++]!
        meetAt += tokenLength(t)
        meetClean = t >= 256
      }
      if (meetAt < at || !meetClean) { nextToMeet(current + 1); continue }
      if (meetAt === at) {
        writer.watch(Infinity)
        writer.replayParse()
        writer.replay(tokens, meetIndex)
        searching = false
        options.onSearched?.(searchedFrom, at)
        entered = true
        return true
      }
      writer.watch(meetAt)
      return true
    }
  }

  /**
   * Gives the writer its next tokens at the clean offset it stopped at: the current segment's from that
   * offset on, or the next segment's once the current one is used up where it met it; or lets it search on.
   * False when the segment needed is not parsed (or not handed out) yet.
   */
  function giveTokens (): boolean {
    const at = writer.position
    for (;;) {
      const segment = segments[current]
      if (segment === undefined) return ended && segments.length === 0 && read < WINDOW_SIZE ? searchOn() : false
      if (segment.error !== undefined) throw segment.error.cause
      if (segment.result === undefined) return false
      const { tokens, end, converged } = segment.result
      if (entered || at >= end) {
        // Used up (the writer lets go of its tokens first: their room goes back to the pool).
        writer.replay(NO_TOKENS, 0)
        if (at === end && converged && !segment.last) { nextToMeet(current + 1); continue }
        return searchOn()
      }
      // This segment's tokens from `at` on: `at` is where the one before met it, so a token starts there.
      let i = 0
      let pos = current * segmentBytes
      while (pos < at) pos += tokenLength(tokens[i++]!)
      if (pos !== at) throw new Error(`deflate segment ${current} has no token at ${at}`)
      writer.replay(tokens, i)
      entered = true
      return true
    }
  }

  /** Runs the writer as far as it can go; once the input has ended, waiting for the segments it needs. */
  async function * write (): AsyncGenerator<Uint8Array> {
    for (;;) {
      const status = writer.run()
      if (writer.pendingOutput > 0) yield writer.take()
      if (status === RunStatus.Done || status === RunStatus.NeedInput) return
      if (status !== RunStatus.NeedTokens) continue
      // Replaying, its tokens are used up; searching, it paused where it may meet a segment's parse.
      const given = searching ? meet() : giveTokens()
      // The writer may have moved on to the next segment: one more can be handed out.
      handOut()
      if (given) continue
      // Reading on hands out another segment, unless enough are under way: then wait for the one needed.
      const needed = segments[current]
      if (needed === undefined || (!ended && segments.length - current <= options.ahead)) {
        if (ended && needed === undefined) throw new Error('unreachable: no deflate segment to wait for')
        return
      }
      await needed.done
    }
  }

  for await (const chunk of input) {
    if (chunk.length === 0) continue
    // Copied: the caller may reuse its buffer, and the writer keeps the chunk until it has read it.
    take(chunk)
    handOut()
    yield * write()
  }
  ended = true
  writer.end()
  handOut()
  yield * write()
  if (searching) options.onSearched?.(searchedFrom, read)
}
