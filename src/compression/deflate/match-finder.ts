/**
 * Sliding window, hash chains and match search as GNU gzip 1.12 implements them (deflate.c: window, head/prev,
 * UPDATE_HASH/INSERT_STRING, longest_match, the slide half of fill_window).
 *
 * The window is gzip's 64 KiB buffer (2 * WSIZE). Bytes beyond the valid data are NOT cleared: gzip leaves the
 * previous contents there (only two bytes after the end of input are zeroed), and longest_match may compare
 * against them near the end of input, which can change which of two equal-length candidates wins. We keep the
 * same buffer discipline so those comparisons see the same bytes.
 */

export const WSIZE = 0x8000
export const WMASK = WSIZE - 1
export const WINDOW_SIZE = 2 * WSIZE
export const HASH_BITS = 15
export const HASH_SIZE = 1 << HASH_BITS
export const HASH_MASK = HASH_SIZE - 1
/** (HASH_BITS + MIN_MATCH - 1) / MIN_MATCH: after three updates a byte has left the hash. */
export const H_SHIFT = 5
export const MIN_MATCH = 3
export const MAX_MATCH = 258
/** MAX_MATCH + MIN_MATCH + 1: lookahead gzip keeps available except at the end of input. */
export const MIN_LOOKAHEAD = MAX_MATCH + MIN_MATCH + 1
/** Matches are limited to this distance so that the lookahead never overlaps the slide. */
export const MAX_DIST = WSIZE - MIN_LOOKAHEAD
/** In lazy mode a length-3 match farther than this is dropped. */
export const TOO_FAR = 4096

export class MatchFinder {
  /** gzip's window (2*WSIZE). A few spare bytes follow; gzip's logic never reads them. */
  readonly window = new Uint8Array(WINDOW_SIZE + 8)
  /** The window read 16 bits at a time (little endian) by the match search. */
  private readonly window16 = new DataView(this.window.buffer)
  /** Head of each hash chain (0 = empty; position 0 is never matched against, as in gzip). */
  readonly head = new Uint16Array(HASH_SIZE)
  /** Previous position with the same hash, indexed by position & WMASK. */
  readonly prev = new Uint16Array(WSIZE)
  /** Rolling hash of the 3 bytes at the next position to insert (gzip's ins_h). */
  insH = 0
  /** Start of the best match found by the last successful `longestMatch` (gzip's match_start). */
  matchStart = 0

  constructor (
    readonly maxChain: number,
    readonly goodMatch: number,
    readonly niceMatch: number
  ) {}

  /** Set the hash from the two bytes at `pos` (gzip's lm_init hash setup / deflate_fast resync). */
  resetHash (pos: number): void {
    const w = this.window
    this.insH = ((w[pos]! << H_SHIFT) ^ w[pos + 1]!) & HASH_MASK
  }

  /** Insert the string at `s` into its hash chain and return the previous chain head (INSERT_STRING). */
  insert (s: number): number {
    // Literals for H_SHIFT, HASH_MASK and WMASK: V8 re-reads module constants on every call of a hot function.
    const h = this.insH = ((this.insH << 5) ^ this.window[s + 2]!) & 0x7fff
    const head = this.head
    const m = head[h]!
    this.prev[s & 0x7fff] = m
    head[h] = s
    return m
  }

  /**
   * Insert the strings at `from` .. `to` - 1 (the positions a match covers). One loop with the hash in a
   * local rather than `insert` per position: this runs for nearly every input byte.
   */
  insertRange (from: number, to: number): void {
    const w = this.window
    const head = this.head
    const prev = this.prev
    let h = this.insH
    for (let s = from; s < to; s++) {
      h = ((h << 5) ^ w[s + 2]!) & 0x7fff // H_SHIFT, HASH_MASK
      prev[s & 0x7fff] = head[h]! // WMASK
      head[h] = s
    }
    this.insH = h
  }

  /**
   * gzip's longest_match: walk the chain from `curMatch`, returning the best length found (at least
   * `prevLength`, which is the length to beat) and setting `matchStart` when a longer match is found.
   * Lengths may exceed the valid lookahead near the end of input; callers clip them, as gzip does.
   */
  longestMatch (curMatch: number, strstart: number, prevLength: number): number {
    const w = this.window
    const prev = this.prev
    let chainLength = this.maxChain | 0
    // A good previous match makes gzip search a quarter of the chain.
    if (prevLength >= this.goodMatch) chainLength >>= 2
    const niceMatch = this.niceMatch
    let bestLen = prevLength | 0
    let matchStart = this.matchStart
    // gzip's `strstart > MAX_DIST ? strstart - MAX_DIST : NIL` without a branch that stays untaken (and so
    // without type feedback) for the first 32 KiB: that made the compiled search bail out once it was taken.
    let limit = strstart - MAX_DIST
    if (limit < 0) limit = 0
    const strend = strstart + MAX_MATCH
    const w16 = this.window16
    const scanStart = w16.getUint16(strstart, true)
    let scanEnd = w16.getUint16(strstart + bestLen - 1, true)
    let cur = curMatch | 0
    chain: for (;;) {
      // Nearly all of the time goes here. The skip over rejected candidates is a loop without a nested loop,
      // so that V8 peels it and hoists the typed-array checks out of it; 0x7fff is WMASK written as a literal
      // because a module constant is re-read from its context slot on every iteration.
      // Quick rejects in gzip's order; byte 2 is implied by the hash (HASH_BITS >= 8) and never compared.
      while (w16.getUint16(cur + bestLen - 1, true) !== scanEnd || w16.getUint16(cur, true) !== scanStart) {
        cur = prev[cur & 0x7fff]!
        if (cur <= limit || (chainLength = (chainLength - 1) | 0) === 0) break chain
      }
      let s = strstart + 3
      let m = cur + 3
      while (s < strend && w[s] === w[m]) { s++; m++ }
      const len = s - strstart
      if (len > bestLen) {
        matchStart = cur
        bestLen = len
        if (len >= niceMatch) break
        scanEnd = w16.getUint16(strstart + bestLen - 1, true)
      }
      cur = prev[cur & 0x7fff]!
      if (cur <= limit || (chainLength = (chainLength - 1) | 0) === 0) break
    }
    this.matchStart = matchStart
    return bestLen
  }

  /** Move the upper half of the window down and rebase the chains (the slide in gzip's fill_window). */
  slide (): void {
    const w = this.window
    w.copyWithin(0, WSIZE, WINDOW_SIZE)
    this.matchStart -= WSIZE
    rebase(this.head)
    rebase(this.prev)
  }
}

/**
 * Subtract WSIZE from every position, positions that leave the window becoming 0 (no match), two entries at
 * a time: an entry stays iff its top bit (0x8000 = WSIZE) is set, and then it keeps its low 15 bits. The
 * lane arithmetic never carries across the 16-bit halves, so the platform's byte order does not matter.
 * Branch free, because whether an entry leaves the window is unpredictable.
 */
function rebase (positions: Uint16Array): void {
  const pairs = new Uint32Array(positions.buffer, positions.byteOffset, positions.length >> 1)
  for (let n = 0; n < pairs.length; n++) {
    const v = pairs[n]!
    pairs[n] = v & Math.imul((v >>> 15) & 0x10001, 0x7fff)
  }
}
