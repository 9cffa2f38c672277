/**
 * A deflate encoder that reproduces GNU gzip 1.12's raw deflate output byte for byte (levels 1-9), written
 * from a reading of gzip's deflate.c / trees.c / bits.c. Only the deflate stream is produced: the gzip header
 * and trailer are the caller's.
 *
 * What has to match gzip, and where it lives:
 * - configuration table, deflate_fast (levels 1-3) and lazy deflate (4-9), lm_init, fill_window: here;
 * - window, hash chains, longest_match, slide: match-finder.ts;
 * - ct_tally (incl. the early-flush guess at levels > 2), flush_block, tree sending: block.ts;
 * - Huffman construction with gzip's tie breaks and overflow repair: huffman.ts.
 *
 * Input is consumed the way gzip reads a regular file: a 64 KiB read into the window at start, then reads that
 * fill the window to its end, each returning as many bytes as asked unless the input ends. The encoder is a
 * resumable state machine so that it can wait for input chunks without changing any of those reads.
 */
import { joinBytes } from '../../bytes-concat.js'
import { BitWriter } from './bit-writer.js'
import { BlockWriter, gnuGzipFlushRule } from './block.js'
import { DEFLATE_CONFIG } from './config.js'
import { RsyncChunks } from './rsyncable.js'
import {
  MAX_DIST, MIN_LOOKAHEAD, MIN_MATCH, MatchFinder, TOO_FAR, WINDOW_SIZE, WSIZE
} from './match-finder.js'

export type GnuGzipLevel = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9

/** Output is handed back once this much is pending (checked after each block). */
const OUTPUT_HIGH_WATER = 1 << 16

/**
 * Result of `GnuGzipDeflater.run`: it needs more input, has output to drain (or, parsing for a token log,
 * paused where the log asked), has finished the stream, or (replaying) has used up its tokens at a clean point.
 */
export const RunStatus = { NeedInput: 0, OutputReady: 1, Done: 2, NeedTokens: 3 } as const
export type RunStatus = typeof RunStatus[keyof typeof RunStatus]
// Plain constants rather than RunStatus's properties: reading a property in a branch not yet taken when V8
// compiled `run`'s loop (OutputReady, at the first 64 KiB of output) made that compiled loop bail out (#16).
const NEED_INPUT = RunStatus.NeedInput
const OUTPUT_READY = RunStatus.OutputReady
const DONE = RunStatus.Done
const NEED_TOKENS = RunStatus.NeedTokens
const Phase = { Start: 0, InitFill: 1, Loop: 2, Finished: 3 } as const
/** What a deflate step returns when no block is to be written (else where the block ends). */
const NO_FLUSH = -1
/** What a replay step returns when its tokens are used up. */
const TOKENS_OUT = -2
type Phase = typeof Phase[keyof typeof Phase]

/**
 * Where the steps put each symbol they decide: a BlockWriter writing blocks, or a token log recording the parse
 * (gnu-gzip-segments.ts), for which a flush is a request to pause the loop.
 */
export interface SymbolSink {
  tallyLiteral(c: number, strstart: number, blockStart: number): boolean
  tallyMatch(dist: number, length: number, strstart: number, blockStart: number): boolean
  flushBlock(window: Uint8Array, bufStart: number, storedLen: number, eof: boolean, pad?: boolean): void
}

/**
 * Where gzip's window starts (the input offset of window[0]) when it steps at input offset `at`, as long as
 * the input goes on for a full window after it: gzip slides by WSIZE at the first step more than
 * WSIZE + MAX_DIST past the window's start (its lookahead then falls under MIN_LOOKAHEAD), so from the first
 * slide on the step is always more than MAX_DIST and at most WSIZE + MAX_DIST past the start, a span of WSIZE.
 */
export function windowBaseAt (at: number): number {
  return at <= WSIZE + MAX_DIST ? 0 : WSIZE * Math.floor((at - MAX_DIST - 1) / WSIZE)
}

/**
 * Resumable GNU-gzip-compatible deflater. Push input with `push`, mark its end with `end`, call `run` until it
 * returns Done, draining output with `take` in between.
 */
export class GnuGzipDeflater {
  private readonly finder: MatchFinder
  private blocks: SymbolSink
  private readonly out = new BitWriter()
  private readonly lazy: boolean
  private readonly maxLazy: number
  /** Whether a "flush" ends run() (a token log's pause) rather than writing a block. */
  private readonly pauseOnFlush: boolean
  /** gzip --rsyncable's block ends, when writing blocks with it (a parse is the same without). */
  private readonly rsync: RsyncChunks | undefined

  // deflate.c state
  private strstart = 0
  private blockStart = 0
  private lookahead = 0
  private eofile = false
  private matchLength: number
  private matchAvailable = false
  private phase: Phase = Phase.Start
  /** Input offset of window[0]. */
  private base = 0

  // replaying another parse's tokens (gnu-gzip-segments.ts) instead of searching for matches
  private replaying = false
  private replayTokens: Uint32Array = new Uint32Array(0)
  private replayAt = 0
  /** Searching, the first offset (window-relative) at or after which a step with nothing pending pauses run(). */
  private watchRel = Infinity

  // pending input (what the next read_buf calls will return)
  private chunks: Uint8Array[] = []
  private chunkOffset = 0
  private queued = 0
  private ended = false

  /**
   * `log`: record the parse's symbols there instead of writing blocks (gnu-gzip-segments.ts). `rsyncable`:
   * write blocks as `gzip --rsyncable` does (rsyncable.ts).
   */
  constructor (level: number, log?: SymbolSink, options: { rsyncable?: boolean } = {}) {
    if (!Number.isInteger(level) || level < 1 || level > 9) {
      throw new RangeError(`GNU gzip level must be an integer 1..9, got ${String(level)}`)
    }
    const [good, lazy, nice, chain] = DEFLATE_CONFIG[level]!
    this.finder = new MatchFinder(chain, good, nice)
    this.maxLazy = lazy
    this.lazy = level > 3
    this.blocks = log ?? new BlockWriter(gnuGzipFlushRule(level), this.out)
    this.pauseOnFlush = log !== undefined
    this.rsync = options.rsyncable === true && log === undefined ? new RsyncChunks() : undefined
    // deflate_fast starts with 0, lazy deflate with MIN_MATCH-1.
    this.matchLength = this.lazy ? MIN_MATCH - 1 : 0
  }

  /** Queue input bytes. The array is referenced, not copied: do not modify it until it has been consumed. */
  push (chunk: Uint8Array): void {
    if (this.ended) throw new Error('push after end')
    if (chunk.length === 0) return
    this.chunks.push(chunk)
    this.queued += chunk.length
  }

  /** Mark the end of input. */
  end (): void {
    this.ended = true
  }

  /**
   * Calls `check` with each symbol of the first block as it is decided (its number and its token in
   * first-block.ts's form), until that block is written; `check` may throw, abandoning the stream.
   */
  checkFirstBlock (check: (index: number, token: number) => void): void {
    if (this.blocks instanceof BlockWriter) this.blocks.firstBlockCheck = check
  }

  /**
   * A lazy deflater (levels 4-9) parsing for `log` from input offset `at` as though it had run from the
   * start: `data` holds the input from offset `dataStart`, at least from windowBaseAt(at) to a full window
   * beyond; `ends`: it holds the rest of the input. At a step where the sequential deflater has just emitted
   * a match, the two are then in the same state and go on identically (gnu-gzip-segments.ts says why).
   */
  static restartAt (level: number, data: Uint8Array, dataStart: number, at: number, ends: boolean, log: SymbolSink): GnuGzipDeflater {
    return new GnuGzipDeflater(level, log).restart(data, dataStart, at, ends, log)
  }

  /**
   * Makes this deflater, built with a log, `restartAt`'s for a new parse, its earlier one forgotten: a thread
   * parsing segment after segment reuses its buffers rather than leaving ~0.5 MB a segment to the collector.
   */
  restart (data: Uint8Array, dataStart: number, at: number, ends: boolean, log: SymbolSink): this {
    const base = windowBaseAt(at)
    const from = base - dataStart
    if (!this.lazy || !this.pauseOnFlush || from < 0 || from + WINDOW_SIZE > data.length) {
      throw new RangeError(`cannot restart GNU gzip at ${at} with input ${dataStart}..${dataStart + data.length}${this.lazy ? '' : ' (levels 1-3)'}`)
    }
    this.blocks = log
    this.finder.window.set(data.subarray(from, from + WINDOW_SIZE))
    this.base = base
    this.strstart = this.blockStart = at - base
    this.lookahead = WINDOW_SIZE - this.strstart
    this.eofile = false
    this.matchAvailable = false
    this.watchRel = Infinity
    this.rebuildChains()
    this.matchLength = MIN_MATCH - 1
    this.phase = Phase.Loop
    this.chunks = []
    this.chunkOffset = 0
    this.queued = 0
    this.ended = false
    this.push(data.subarray(from + WINDOW_SIZE))
    if (ends) this.end()
    return this
  }

  /** Input offset of the next step. */
  get position (): number {
    return this.base + this.strstart
  }

  /**
   * From now on take the parse from tokens (first-block.ts's form) given by `replay`, instead of searching:
   * the blocks written are the same when the tokens are this deflater's own parse. `run` returns NeedTokens
   * whenever they are used up at a step with nothing pending (a match has just been emitted, or at the start).
   */
  replayParse (): void {
    if (!this.lazy) throw new RangeError('only a lazy deflater (levels 4-9) replays a parse')
    this.replaying = true
  }

  /** The tokens to replay next, `tokens[at..]`, starting at the next step's position. */
  replay (tokens: Uint32Array, at: number): void {
    this.replayTokens = tokens
    this.replayAt = at
  }

  /**
   * Searching, pause (`run` returns NeedTokens) at the first step from input offset `at` on with nothing
   * pending: where another parse may be met (gnu-gzip-segments.ts). Infinity: never.
   */
  watch (at: number): void {
    this.watchRel = at - this.base
  }

  /** Stop replaying and search for matches again, from a step with nothing pending (after NeedTokens). */
  parseOnward (): void {
    this.replaying = false
    this.replayTokens = new Uint32Array(0)
    this.rebuildChains()
    this.matchLength = MIN_MATCH - 1
  }

  /**
   * The hash chains as the sequential deflater has them before its step at strstart: every position from
   * the window's start on inserted in order (positions before it have left the chains in slides).
   */
  private rebuildChains (): void {
    const f = this.finder
    f.head.fill(0)
    f.prev.fill(0)
    f.resetHash(0)
    f.insertRange(0, this.strstart)
  }

  /** Input bytes pushed and not yet read into the window. */
  get queuedInput (): number {
    return this.queued
  }

  /** Bytes of compressed output ready to take. */
  get pendingOutput (): number {
    return this.out.pending
  }

  /** Remove and return the output produced so far. */
  take (): Uint8Array {
    return this.out.take()
  }

  /** gzip's read_buf on a regular file: as many bytes as asked, fewer only at end of input. */
  private read (dst: Uint8Array, at: number, size: number): number {
    let n = 0
    while (n < size && this.chunks.length > 0) {
      const c = this.chunks[0]!
      const take = Math.min(size - n, c.length - this.chunkOffset)
      dst.set(c.subarray(this.chunkOffset, this.chunkOffset + take), at + n)
      n += take
      this.chunkOffset += take
      if (this.chunkOffset === c.length) {
        this.chunks.shift()
        this.chunkOffset = 0
      }
    }
    this.queued -= n
    return n
  }

  /**
   * gzip's fill_window. Returns false, changing nothing, when the read it would make cannot yet be answered as
   * a regular file would answer it (more input may still come).
   */
  private fillWindow (): boolean {
    let more = WINDOW_SIZE - this.lookahead - this.strstart
    const slide = this.strstart >= WSIZE + MAX_DIST
    if (slide) more += WSIZE
    if (!this.ended && this.queued < more) return false
    if (slide) {
      this.finder.slide()
      this.rsync?.slide()
      this.strstart -= WSIZE
      this.blockStart -= WSIZE
      this.base += WSIZE
      this.watchRel -= WSIZE
    }
    if (!this.eofile) {
      const at = this.strstart + this.lookahead
      const n = this.read(this.finder.window, at, more)
      if (n === 0) {
        this.eofile = true
        // gzip zeroes MIN_MATCH-1 bytes after the data so stale bytes do not enter the hash.
        this.finder.window.fill(0, at, at + MIN_MATCH - 1)
      } else {
        this.lookahead += n
      }
    }
    return true
  }

  /** gzip's FLUSH_BLOCK macro followed by block_start = strstart, for a block ending at `end`. */
  private flushBlock (eof: boolean, end: number, pad = false): void {
    const bs = this.blockStart
    this.blocks.flushBlock(this.finder.window, bs >= 0 ? bs : -1, end - bs, eof, pad)
    this.blockStart = end
  }

  /** Advance as far as possible. */
  run (): RunStatus {
    if (this.phase === Phase.Start) {
      // lm_init: one read of 2*WSIZE bytes.
      if (!this.ended && this.queued < WINDOW_SIZE) return NEED_INPUT
      const n = this.read(this.finder.window, 0, WINDOW_SIZE)
      if (n === 0) {
        this.eofile = true
        this.lookahead = 0
        this.phase = Phase.Loop
      } else {
        this.lookahead = n
        this.phase = Phase.InitFill
      }
    }
    if (this.phase === Phase.InitFill) {
      while (this.lookahead < MIN_LOOKAHEAD && !this.eofile) {
        if (!this.fillWindow()) return NEED_INPUT
      }
      this.finder.resetHash(0)
      this.phase = Phase.Loop
    }
    if (this.phase === Phase.Loop) {
      // Both conditions are read on every step, though the second matters only now and then: an operation
      // first run after V8 compiled this loop makes the compiled loop bail out (#16). For the same reason
      // the steps only say where a block ends and it is written here: a first block written from within
      // a step made V8 drop the step's compiled code, then run it unoptimised over some 200 KB at -9.
      for (;;) {
        while (!this.eofile && this.lookahead < MIN_LOOKAHEAD) {
          if (!this.fillWindow()) return NEED_INPUT
        }
        if (this.lookahead === 0) break
        if (this.strstart >= this.watchRel && !this.matchAvailable) return NEED_TOKENS
        const before = this.strstart
        let blockEnd = this.lazy ? (this.replaying ? this.stepReplay() : this.stepLazy()) : this.stepFast()
        let pad = false
        if (this.rsync !== undefined && blockEnd !== TOKENS_OUT) {
          // gzip --rsyncable checks after each step (deflate.c): after a step that emitted a match (at levels
          // 1-3, any symbol) at the position after it, else at the one before it, where a lazy step emitting a
          // literal or holding a match ends its block. When gzip's own end is due too, it is the same one.
          const at = this.lazy && this.matchAvailable ? before : this.strstart
          if (this.rsync.due(this.finder.window, at)) { blockEnd = at; pad = true }
        }
        if (blockEnd !== NO_FLUSH) {
          if (blockEnd === TOKENS_OUT) return NEED_TOKENS
          this.flushBlock(false, blockEnd, pad)
          if (this.out.pos >= OUTPUT_HIGH_WATER || this.pauseOnFlush) return OUTPUT_READY
        }
      }
      if (this.lazy && this.matchAvailable) {
        const c = this.finder.window[this.strstart - 1]!
        // A replayed parse ends with that literal, pending at the end of input.
        if (this.replaying && (this.replayAt !== this.replayTokens.length - 1 || this.replayTokens[this.replayAt] !== c)) {
          throw new Error(`replayed deflate tokens do not end with the input (offset ${this.position})`)
        }
        this.blocks.tallyLiteral(c, this.strstart, this.blockStart)
      }
      this.flushBlock(true, this.strstart)
      this.phase = Phase.Finished
    }
    return DONE
  }

  /**
   * One iteration of gzip's deflate_fast loop (levels 1-3: greedy, no lazy evaluation). Returns where the
   * block ends when it must be flushed now, else NO_FLUSH.
   */
  private stepFast (): number {
    const f = this.finder
    let strstart = this.strstart
    let matchLength = this.matchLength
    const hashHead = f.insert(strstart)
    if (hashHead !== 0 && strstart - hashHead <= MAX_DIST && strstart <= WINDOW_SIZE - MIN_LOOKAHEAD) {
      // deflate_fast searches with prev_length = MIN_MATCH-1.
      matchLength = f.longestMatch(hashHead, strstart, MIN_MATCH - 1)
      matchLength = Math.min(matchLength, this.lookahead) // (no branch first taken at the input's end)
    }
    let flush: boolean
    if (matchLength >= MIN_MATCH) {
      flush = this.blocks.tallyMatch(strstart - f.matchStart, matchLength, strstart, this.blockStart)
      this.lookahead -= matchLength
      if (matchLength <= this.maxLazy) {
        // max_insert_length == max_lazy_match: insert every string of a short match.
        f.insertRange(strstart + 1, strstart + matchLength)
        strstart += matchLength
        matchLength = 0
      } else {
        strstart += matchLength
        matchLength = 0
        f.resetHash(strstart)
      }
    } else {
      flush = this.blocks.tallyLiteral(f.window[strstart]!, strstart, this.blockStart)
      this.lookahead--
      strstart++
    }
    this.strstart = strstart
    this.matchLength = matchLength
    return flush ? strstart : NO_FLUSH
  }

  /**
   * One iteration of gzip's lazy deflate loop (levels 4-9) taking its decision from the replayed tokens:
   * the same symbols, positions and state as `stepLazy` when they are its parse, without the search.
   * Returns as `stepFast` does, or TOKENS_OUT.
   */
  private stepReplay (): number {
    const strstart = this.strstart
    if (!this.matchAvailable) {
      if (this.replayAt === this.replayTokens.length) return TOKENS_OUT
      this.matchAvailable = true
      this.strstart = strstart + 1
      this.lookahead--
      return NO_FLUSH
    }
    const t = this.replayTokens[this.replayAt++]
    if (t === undefined) throw new Error(`replayed deflate tokens end inside a step (offset ${this.position})`)
    if (t < 256) {
      if (t !== this.finder.window[strstart - 1]) throw new Error(`replayed deflate literal differs from the input (offset ${this.position - 1})`)
      const flush = this.blocks.tallyLiteral(t, strstart, this.blockStart)
      this.strstart = strstart + 1
      this.lookahead--
      return flush ? strstart : NO_FLUSH
    }
    const length = (t & 0xff) + MIN_MATCH
    if (length - 1 > this.lookahead) throw new Error(`replayed deflate match runs past the input (offset ${this.position - 1})`)
    const flush = this.blocks.tallyMatch(t >>> 8, length, strstart, this.blockStart)
    this.lookahead -= length - 1
    this.matchAvailable = false
    const next = strstart + length - 1
    this.strstart = next
    return flush ? next : NO_FLUSH
  }

  /** One iteration of gzip's lazy deflate loop (levels 4-9); returns as `stepFast` does. */
  private stepLazy (): number {
    const f = this.finder
    let strstart = this.strstart
    const hashHead = f.insert(strstart)
    let prevLength = this.matchLength
    const prevMatch = f.matchStart
    let matchLength = MIN_MATCH - 1
    if (hashHead !== 0 && prevLength < this.maxLazy && strstart - hashHead <= MAX_DIST &&
        strstart <= WINDOW_SIZE - MIN_LOOKAHEAD) {
      matchLength = f.longestMatch(hashHead, strstart, prevLength)
      matchLength = Math.min(matchLength, this.lookahead) // (no branch first taken at the input's end)
      // Drop a length-3 match that is too far away to be worth it.
      // (A constant, not a decrement: that had no type feedback until the first far match, #16.)
      if (matchLength === MIN_MATCH && strstart - f.matchStart > TOO_FAR) matchLength = MIN_MATCH - 1
    }
    let flush = false
    if (prevLength >= MIN_MATCH && matchLength <= prevLength) {
      // The previous match wins: emit it and insert the strings it covers.
      flush = this.blocks.tallyMatch(strstart - 1 - prevMatch, prevLength, strstart, this.blockStart)
      this.lookahead -= prevLength - 1
      // strstart itself is already in; the match started at strstart - 1.
      f.insertRange(strstart + 1, strstart + prevLength - 1)
      this.matchAvailable = false
      this.matchLength = MIN_MATCH - 1
      const next = strstart + prevLength - 1
      this.strstart = next
      if (flush) return next
    } else if (this.matchAvailable) {
      // The previous position becomes a literal (no match there, or the current match is longer).
      this.matchLength = matchLength
      flush = this.blocks.tallyLiteral(f.window[strstart - 1]!, strstart, this.blockStart)
      this.strstart = strstart + 1
      this.lookahead--
      if (flush) return strstart // the block ends before this step's advance
    } else {
      // Nothing to emit yet: wait one step to compare with the next position.
      this.matchLength = matchLength
      this.matchAvailable = true
      this.strstart = strstart + 1
      this.lookahead--
    }
    return NO_FLUSH
  }
}

/**
 * Compress `bytes` to a raw deflate stream identical to GNU gzip 1.12 `gzip -<level>` (header/trailer
 * excluded); `rsyncable`: `gzip --rsyncable -<level>`.
 */
export function gnuGzipDeflateSync (bytes: Uint8Array, level: GnuGzipLevel | number, options: { rsyncable?: boolean } = {}): Uint8Array {
  const d = new GnuGzipDeflater(level, undefined, options)
  d.push(bytes)
  d.end()
  const parts: Uint8Array[] = []
  let total = 0
  for (;;) {
    const status = d.run()
    if (d.pendingOutput > 0) {
      const p = d.take()
      parts.push(p)
      total += p.length
    }
    if (status === DONE) break
  }
  if (parts.length === 1) return parts[0]!
  const out = new Uint8Array(total)
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

/**
 * Stream a raw deflate encoding identical to GNU gzip 1.12 `gzip -<level>` of the input (header and trailer
 * excluded). Memory is bounded by gzip's 64 KiB window, its 32 Ki-symbol block buffer, about 64 KiB of
 * pending output and the input chunks not yet consumed (input chunks are copied when they must be kept).
 */
export async function * gnuGzipDeflate (
  input: Uint8Array | AsyncIterable<Uint8Array>,
  level: GnuGzipLevel | number
): AsyncIterable<Uint8Array> {
  const d = new GnuGzipDeflater(level)
  if (input instanceof Uint8Array) {
    d.push(input)
    d.end()
  } else {
    for await (const chunk of input) {
      // Copy: the producer may reuse its buffer while part of this chunk is still queued (not slice(): on a
      // Node Buffer that is a view).
      d.push(joinBytes([chunk]))
      for (;;) {
        const status = d.run()
        if (d.pendingOutput > 0) yield d.take()
        if (status === NEED_INPUT) break
      }
    }
    d.end()
  }
  for (;;) {
    const status = d.run()
    if (d.pendingOutput > 0) yield d.take()
    if (status === DONE) break
  }
}
