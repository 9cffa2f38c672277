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
    const h = this.insH = ((this.insH << H_SHIFT) ^ this.window[s + 2]!) & HASH_MASK
    const head = this.head
    const m = head[h]!
    this.prev[s & WMASK] = m
    head[h] = s
    return m
  }

  /**
   * gzip's longest_match: walk the chain from `curMatch`, returning the best length found (at least
   * `prevLength`, which is the length to beat) and setting `matchStart` when a longer match is found.
   * Lengths may exceed the valid lookahead near the end of input; callers clip them, as gzip does.
   */
  longestMatch (curMatch: number, strstart: number, prevLength: number): number {
    const w = this.window
    const prev = this.prev
    let chainLength = this.maxChain
    const niceMatch = this.niceMatch
    let bestLen = prevLength
    let matchStart = this.matchStart
    const limit = strstart > MAX_DIST ? strstart - MAX_DIST : 0
    const strend = strstart + MAX_MATCH
    const scan0 = w[strstart]!
    const scan1 = w[strstart + 1]!
    let scanEnd1 = w[strstart + bestLen - 1]!
    let scanEnd = w[strstart + bestLen]!
    // A good previous match makes gzip search a quarter of the chain.
    if (prevLength >= this.goodMatch) chainLength >>= 2
    do {
      const match = curMatch
      // Quick rejects in gzip's order; byte 2 is implied by the hash (HASH_BITS >= 8) and never compared.
      if (w[match + bestLen] !== scanEnd || w[match + bestLen - 1] !== scanEnd1 ||
          w[match] !== scan0 || w[match + 1] !== scan1) continue
      let s = strstart + 3
      let m = match + 3
      while (s < strend && w[s] === w[m]) { s++; m++ }
      const len = s - strstart
      if (len > bestLen) {
        matchStart = curMatch
        bestLen = len
        if (len >= niceMatch) break
        scanEnd1 = w[strstart + bestLen - 1]!
        scanEnd = w[strstart + bestLen]!
      }
    } while ((curMatch = prev[curMatch & WMASK]!) > limit && --chainLength !== 0)
    this.matchStart = matchStart
    return bestLen
  }

  /** Move the upper half of the window down and rebase the chains (the slide in gzip's fill_window). */
  slide (): void {
    const w = this.window
    w.copyWithin(0, WSIZE, WINDOW_SIZE)
    this.matchStart -= WSIZE
    const head = this.head
    for (let n = 0; n < HASH_SIZE; n++) {
      const m = head[n]!
      head[n] = m >= WSIZE ? m - WSIZE : 0
    }
    const prev = this.prev
    for (let n = 0; n < WSIZE; n++) {
      const m = prev[n]!
      prev[n] = m >= WSIZE ? m - WSIZE : 0
    }
  }
}
