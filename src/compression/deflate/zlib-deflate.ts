/**
 * zlib's deflate (deflate.c as of 1.2.11: lm_init, fill_window, longest_match, deflate_fast for levels 1-3,
 * deflate_slow for 4-9) for one raw stream at windowBits 15, memLevel 8 and the default strategy, written
 * from a reading of zlib's and Chromium's sources. Its blocks are gzip's (block.ts, with zlib's FlushRule).
 *
 * Two hashes for the chains:
 * - 'crc32c': the Chromium fork's SIMD path (contrib/optimizations/insert_string.h), as Node.js 12.17 to
 *   20.6 bundle it (18.x to 18.18; `process.versions.zlib` 1.2.11 to 1.2.13.1-motley): the CRC-32C of the 4
 *   bytes at the position (the 4th taken as 0 from level 6 on), and 15 hash bits. Output differs from
 *   vanilla zlib's; it is what those Node versions' `zlib` wrote on x86-64 (and ARMv8), so what npm wrote
 *   for packages published with them.
 * - 'rolling': vanilla zlib's rolling hash of 3 bytes, so that pako 2.1.0 (vanilla zlib) checks everything
 *   else here (test/compression/deflate/zlib-deflate.test.ts).
 *
 * Input may come in any pieces: zlib's output without flushes does not depend on them (its window is filled
 * to the end on each read, and it slides only when the lookahead runs short).
 */
import { BitWriter } from './bit-writer.js'
import { BlockWriter, type FlushRule } from './block.js'
import { DEFLATE_CONFIG } from './config.js'
// zlib's window (windowBits 15) and chains (memLevel 8: 15 hash bits) have GNU gzip's sizes.
import { HASH_BITS, HASH_MASK, MAX_DIST, MAX_MATCH, MIN_LOOKAHEAD, MIN_MATCH, TOO_FAR, WINDOW_SIZE, WMASK, WSIZE } from './match-finder.js'

export type ZlibHash = 'crc32c' | 'rolling'

/** What the top of a deflate loop finds: a step to take, input to wait for, or the end. */
const STEP = 0
const WAIT = 1
const DONE = 2

/** memLevel 8: a block holds at most lit_bufsize - 1 = 16 383 symbols, and no guess ends it sooner. */
const ZLIB_FLUSH_RULE: FlushRule = { maxSymbols: (1 << (8 + 6)) - 1, maxMatches: -1, guess: false }

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), a byte at a time: what SSE4.2's crc32 and ARMv8's crc32cw compute. */
const CRC32C = new Int32Array(256)
for (let n = 0; n < 256; n++) {
  let c = n
  for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1
  CRC32C[n] = c
}

export class ZlibDeflater {
  /** The window and 8 bytes of padding, as Chromium allocates it: the CRC hash reads a 4th byte. */
  private readonly window = new Uint8Array(WINDOW_SIZE + 8)
  private readonly head = new Uint16Array(1 << HASH_BITS)
  private readonly prev = new Uint16Array(WSIZE)
  private readonly out = new BitWriter()
  private readonly blocks = new BlockWriter(ZLIB_FLUSH_RULE, this.out)
  private readonly crc: boolean
  /** From level 6 on, the CRC hash keeps 3 of the 4 bytes. */
  private readonly crcMask: number
  private readonly lazy: boolean
  private readonly goodMatch: number
  private readonly maxLazy: number
  private readonly niceMatch: number
  private readonly maxChain: number

  private strstart = 0
  private blockStart = 0
  private lookahead = 0
  private matchLength = MIN_MATCH - 1
  private prevLength = MIN_MATCH - 1
  private matchStart = 0
  private prevMatch = 0
  private matchAvailable = false
  private finished = false

  // input not yet in the window
  private readonly chunks: Uint8Array[] = []
  private chunkOffset = 0
  private ended = false

  constructor (level: number, hash: ZlibHash) {
    if (!Number.isInteger(level) || level < 1 || level > 9) throw new RangeError(`zlib level must be an integer 1..9, got ${String(level)}`)
    const [good, lazy, nice, chain] = DEFLATE_CONFIG[level]!
    this.goodMatch = good
    this.maxLazy = lazy
    this.niceMatch = nice
    this.maxChain = chain
    this.lazy = level >= 4
    this.crc = hash === 'crc32c'
    this.crcMask = level >= 6 ? 0xffffff : 0xffffffff
  }

  /**
   * Makes `firstBlockCheck` see each symbol of the first block as it is tallied (first-block.ts's token
   * form); it may throw to abandon the stream.
   */
  checkFirstBlock (check: (index: number, token: number) => void): void {
    this.blocks.firstBlockCheck = check
  }

  /**
   * Takes input: all of it has gone into the window (and the parse has gone as far as it can) when this
   * returns, so the caller may reuse the array. Returns the output so far.
   */
  write (bytes: Uint8Array): Uint8Array {
    if (this.ended) throw new Error('write after end')
    if (bytes.length > 0) this.chunks.push(bytes)
    this.deflate()
    return this.out.take()
  }

  /** The input has ended: the rest of the stream. */
  end (): Uint8Array {
    if (!this.ended) {
      this.ended = true
      this.deflate()
    }
    return this.out.take()
  }

  private hash (str: number): number {
    const w = this.window
    if (!this.crc) return ((w[str]! << 10) ^ (w[str + 1]! << 5) ^ w[str + 2]!) & HASH_MASK
    // _mm_crc32_u32(0, v): the value's 4 bytes, least significant first, no inversion.
    const v = (w[str]! | w[str + 1]! << 8 | w[str + 2]! << 16 | w[str + 3]! << 24) & this.crcMask
    let c = CRC32C[v & 0xff]!
    c = CRC32C[(c ^ (v >>> 8)) & 0xff]! ^ (c >>> 8)
    c = CRC32C[(c ^ (v >>> 16)) & 0xff]! ^ (c >>> 8)
    c = CRC32C[(c ^ (v >>> 24)) & 0xff]! ^ (c >>> 8)
    return c & HASH_MASK
  }

  /** insert_string: links `str` into its chain; returns the chain's previous head. */
  private insert (str: number): number {
    const h = this.hash(str)
    const head = this.head[h]!
    this.prev[str & WMASK] = head
    this.head[h] = str
    return head
  }

  /**
   * fill_window: slides the window by WSIZE once the position is MAX_DIST into its upper half (Chromium's
   * SSE path copies the whole upper half down), then reads input up to the window's end.
   */
  private fill (): void {
    const w = this.window
    do {
      let more = WINDOW_SIZE - this.lookahead - this.strstart
      if (this.strstart >= WSIZE + MAX_DIST) {
        w.copyWithin(0, WSIZE, WINDOW_SIZE)
        this.matchStart -= WSIZE
        this.strstart -= WSIZE
        this.blockStart -= WSIZE
        for (const table of [this.head, this.prev]) {
          for (let n = 0; n < table.length; n++) {
            const m = table[n]!
            table[n] = m >= WSIZE ? m - WSIZE : 0
          }
        }
        more += WSIZE
      }
      if (this.chunks.length === 0) break
      let at = this.strstart + this.lookahead
      while (more > 0 && this.chunks.length > 0) {
        const chunk = this.chunks[0]!
        const n = Math.min(more, chunk.length - this.chunkOffset)
        w.set(chunk.subarray(this.chunkOffset, this.chunkOffset + n), at)
        at += n
        more -= n
        this.lookahead += n
        this.chunkOffset += n
        if (this.chunkOffset === chunk.length) { this.chunks.shift(); this.chunkOffset = 0 }
      }
    } while (this.lookahead < MIN_LOOKAHEAD && this.chunks.length > 0)
  }

  /** longest_match: the longest match in `curMatch`'s chain, at most the lookahead; sets matchStart. */
  private longestMatch (curMatch: number): number {
    const w = this.window
    const prev = this.prev
    let chainLength = this.maxChain
    const scan = this.strstart
    let bestLen = this.prevLength
    let niceMatch = this.niceMatch
    const limit = scan > MAX_DIST ? scan - MAX_DIST : 0
    const strend = scan + MAX_MATCH
    let scanEnd1 = w[scan + bestLen - 1]!
    let scanEnd = w[scan + bestLen]!
    if (this.prevLength >= this.goodMatch) chainLength >>= 2
    // "Do not look for matches beyond the end of the input": bytes past it are old window contents.
    if (niceMatch > this.lookahead) niceMatch = this.lookahead
    do {
      let match = curMatch
      if (w[match + bestLen] !== scanEnd || w[match + bestLen - 1] !== scanEnd1 ||
          w[match] !== w[scan] || w[match + 1] !== w[scan + 1]) continue
      // zlib does not compare the third byte: for its rolling hash, equal hashes and equal first two bytes
      // imply it. Chromium kept that with its CRC hash, so neither is it compared here.
      let s = scan + 3
      match += 3
      while (s < strend && w[s] === w[match]) { s++; match++ }
      const len = s - scan
      if (len > bestLen) {
        this.matchStart = curMatch
        bestLen = len
        if (len >= niceMatch) break
        scanEnd1 = w[scan + bestLen - 1]!
        scanEnd = w[scan + bestLen]!
      }
    } while ((curMatch = prev[curMatch & WMASK]!) > limit && --chainLength !== 0)
    return bestLen <= this.lookahead ? bestLen : this.lookahead
  }

  /** FLUSH_BLOCK: the block from blockStart to strstart (its bytes still in the window, or not: no stored block). */
  private flushBlock (last: boolean): void {
    const start = this.blockStart
    this.blocks.flushBlock(this.window, start >= 0 ? start : -1, this.strstart - start, last)
    this.blockStart = this.strstart
  }

  private deflate (): void {
    if (this.finished) return
    if (this.lazy ? this.deflateSlow() : this.deflateFast()) {
      this.finished = true
      this.flushBlock(true)
    }
  }

  /**
   * The top of both loops: the lookahead a step needs (MAX_MATCH bytes for its match and MIN_MATCH to
   * insert the string after it), or WAIT for more input, or DONE once the input has ended and been parsed.
   */
  private lookAhead (): typeof STEP | typeof WAIT | typeof DONE {
    if (this.lookahead >= MIN_LOOKAHEAD) return STEP
    this.fill()
    if (this.lookahead < MIN_LOOKAHEAD && !this.ended) return WAIT
    return this.lookahead === 0 ? DONE : STEP
  }

  /** deflate_fast (levels 1-3): no lazy matching; strings within long matches are not inserted. Returns true at the input's end. */
  private deflateFast (): boolean {
    const blocks = this.blocks
    const w = this.window
    for (;;) {
      const input = this.lookAhead()
      if (input === WAIT) return false
      if (input === DONE) return true
      let hashHead = 0
      if (this.lookahead >= MIN_MATCH) hashHead = this.insert(this.strstart)
      if (hashHead !== 0 && this.strstart - hashHead <= MAX_DIST) this.matchLength = this.longestMatch(hashHead)
      let flush: boolean
      if (this.matchLength >= MIN_MATCH) {
        flush = blocks.tallyMatch(this.strstart - this.matchStart, this.matchLength, this.strstart, this.blockStart)
        this.lookahead -= this.matchLength
        if (this.matchLength <= this.maxLazy && this.lookahead >= MIN_MATCH) {
          this.matchLength--
          do {
            this.strstart++
            this.insert(this.strstart)
          } while (--this.matchLength !== 0)
          this.strstart++
        } else {
          this.strstart += this.matchLength
          this.matchLength = 0
        }
      } else {
        flush = blocks.tallyLiteral(w[this.strstart]!, this.strstart, this.blockStart)
        this.lookahead--
        this.strstart++
      }
      if (flush) this.flushBlock(false)
    }
  }

  /** deflate_slow (levels 4-9): a match is taken only if the next position has no longer one. Returns true at the input's end. */
  private deflateSlow (): boolean {
    const blocks = this.blocks
    const w = this.window
    for (;;) {
      const input = this.lookAhead()
      if (input === WAIT) return false
      if (input === DONE) break
      let hashHead = 0
      if (this.lookahead >= MIN_MATCH) hashHead = this.insert(this.strstart)
      this.prevLength = this.matchLength
      this.prevMatch = this.matchStart
      this.matchLength = MIN_MATCH - 1
      if (hashHead !== 0 && this.prevLength < this.maxLazy && this.strstart - hashHead <= MAX_DIST) {
        this.matchLength = this.longestMatch(hashHead)
        if (this.matchLength === MIN_MATCH && this.strstart - this.matchStart > TOO_FAR) this.matchLength = MIN_MATCH - 1
      }
      if (this.prevLength >= MIN_MATCH && this.matchLength <= this.prevLength) {
        const maxInsert = this.strstart + this.lookahead - MIN_MATCH
        const flush = blocks.tallyMatch(this.strstart - 1 - this.prevMatch, this.prevLength, this.strstart - 1, this.blockStart)
        // The strings up to the match's end go into the chains (strstart - 1 and strstart already are).
        this.lookahead -= this.prevLength - 1
        this.prevLength -= 2
        do {
          if (++this.strstart <= maxInsert) this.insert(this.strstart)
        } while (--this.prevLength !== 0)
        this.matchAvailable = false
        this.matchLength = MIN_MATCH - 1
        this.strstart++
        if (flush) this.flushBlock(false)
      } else if (this.matchAvailable) {
        if (blocks.tallyLiteral(w[this.strstart - 1]!, this.strstart - 1, this.blockStart)) this.flushBlock(false)
        this.strstart++
        this.lookahead--
      } else {
        this.matchAvailable = true
        this.strstart++
        this.lookahead--
      }
    }
    if (this.matchAvailable) {
      blocks.tallyLiteral(w[this.strstart - 1]!, this.strstart - 1, this.blockStart)
      this.matchAvailable = false
    }
    return true
  }
}
