/**
 * Go's level 1 (BestSpeed) match finder (compress/flate/deflatefast.go, Go 1.19), reimplemented from its
 * behaviour:
 *
 * - Input arrives in blocks of up to 65535 bytes (the level-1 window); each block is encoded on its own but may
 *   reference the previous block's bytes (kept as `prev`) within 32768 bytes.
 * - A 16384-entry table keyed by the top 14 bits of (little-endian 32-bit load * 0x1e35a7bd) holds, per slot,
 *   the last position (as an absolute offset `pos + cur`) and the 4 bytes seen there.
 * - Snappy-style search: the step between probes starts at 1 and grows by one every 32 misses (skip >> 5);
 *   a candidate is accepted when its stored 4 bytes equal the current 4 bytes and it is at most 32768 back.
 * - Matches are at least 4 bytes and extended forward only (up to 258), never backward. After a match the
 *   positions end-1 and end are hashed; if `end` itself matches, another match follows immediately.
 * - Positions within the last 15 bytes of a block (inputMargin) are never searched; blocks shorter than 17
 *   bytes are all literals.
 * - `cur` advances by the block length after each block (by 65535 for a block too short to search, by 32768 on
 *   reset) and offsets are rebased when it nears 2^31.
 */
import { TokenBuffer } from './block-writer.js'

const TABLE_BITS = 14
const TABLE_SIZE = 1 << TABLE_BITS
const TABLE_MASK = TABLE_SIZE - 1
const MAX_STORE = 65535
const MAX_OFFSET = 1 << 15
const MAX_MATCH = 258
const INPUT_MARGIN = 15
const MIN_NON_LITERAL_BLOCK = 17
const BUFFER_RESET = 0x7fffffff - MAX_STORE * 2

function load32 (b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24))
}

function hash (u: number): number {
  return (Math.imul(u, 0x1e35a7bd) >>> (32 - TABLE_BITS)) & TABLE_MASK
}

export class BestSpeedMatcher {
  private readonly tableOffset = new Int32Array(TABLE_SIZE)
  /** The 4 bytes at the stored position, as a signed 32-bit value (compared for equality only). */
  private readonly tableVal = new Int32Array(TABLE_SIZE)
  private readonly prev = new Uint8Array(MAX_STORE)
  private prevLen = 0
  private cur = MAX_STORE

  /** Go's deflateFast.reset: forget the previous block and move offsets past anything in the table. */
  reset (): void {
    this.prevLen = 0
    this.cur += MAX_OFFSET
    if (this.cur >= BUFFER_RESET) this.rebase()
  }

  private rebase (): void {
    const off = this.tableOffset
    if (this.prevLen === 0) {
      off.fill(0)
      this.tableVal.fill(0)
    } else {
      for (let i = 0; i < TABLE_SIZE; i++) {
        const v = off[i]! - this.cur + MAX_OFFSET + 1
        off[i] = v < 0 ? 0 : v
      }
    }
    this.cur = MAX_OFFSET + 1
  }

  /** Match length from src[s..] against the candidate at t (t < 0: inside the previous block). At most 254. */
  private extend (src: Uint8Array, n: number, s: number, t: number): number {
    const end = Math.min(s + MAX_MATCH - 4, n)
    if (t >= 0) {
      let i = 0
      const lim = end - s
      while (i < lim && src[s + i] === src[t + i]) i++
      return i
    }
    const prev = this.prev
    const tp = this.prevLen + t
    if (tp < 0) return 0
    const lim = Math.min(end - s, this.prevLen - tp)
    let i = 0
    while (i < lim) {
      if (src[s + i] !== prev[tp + i]) return i
      i++
    }
    if (s + i === end) return i
    // The candidate ran off the end of the previous block: continue at the start of this one.
    let j = 0
    const lim2 = end - s - i
    while (j < lim2 && src[s + i + j] === src[j]) j++
    return i + j
  }

  /** Tokenize `src[0..n)` into `out` (appending). */
  encode (out: TokenBuffer, src: Uint8Array, n: number): void {
    if (this.cur >= BUFFER_RESET) this.rebase()
    if (n < MIN_NON_LITERAL_BLOCK) {
      this.cur += MAX_STORE
      this.prevLen = 0
      for (let i = 0; i < n; i++) out.literal(src[i]!)
      return
    }
    const tOff = this.tableOffset
    const tVal = this.tableVal
    const cur = this.cur
    const sLimit = n - INPUT_MARGIN
    let nextEmit = 0
    let s = 0
    let cv = load32(src, 0)
    let nextHash = hash(cv)
    let candOff = 0
    let candVal = 0
    outer: for (;;) {
      // Search with an accelerating step until a 4-byte candidate within reach is found.
      let skip = 32
      let nextS = s
      for (;;) {
        s = nextS
        const step = skip >> 5
        nextS = s + step
        skip += step
        if (nextS > sLimit) break outer
        candOff = tOff[nextHash]!
        candVal = tVal[nextHash]!
        const now = load32(src, nextS)
        tOff[nextHash] = s + cur
        tVal[nextHash] = cv
        nextHash = hash(now)
        if (s - (candOff - cur) > MAX_OFFSET || cv !== candVal) {
          cv = now
          continue
        }
        break
      }
      for (let i = nextEmit; i < s; i++) out.literal(src[i]!)
      // Emit matches back to back for as long as the position after a match matches again.
      for (;;) {
        s += 4
        const t = candOff - cur + 4
        const l = this.extend(src, n, s, t)
        out.match(l + 4, s - t)
        s += l
        nextEmit = s
        if (s >= sLimit) break outer
        const before = load32(src, s - 1)
        const hb = hash(before)
        tOff[hb] = cur + s - 1
        tVal[hb] = before
        const here = load32(src, s)
        const hh = hash(here)
        candOff = tOff[hh]!
        candVal = tVal[hh]!
        tOff[hh] = cur + s
        tVal[hh] = here
        if (s - (candOff - cur) > MAX_OFFSET || here !== candVal) {
          cv = load32(src, s + 1)
          nextHash = hash(cv)
          s++
          break
        }
      }
    }
    for (let i = nextEmit; i < n; i++) out.literal(src[i]!)
    this.cur = cur + n
    this.prev.set(src.subarray(0, n))
    this.prevLen = n
  }
}
