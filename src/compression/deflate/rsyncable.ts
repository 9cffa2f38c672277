/**
 * GNU gzip's --rsyncable (deflate.c: rsync_roll, RSYNC_SUM_MATCH): a block also ends after any position
 * where the sum of the last RSYNC_WIN input bytes is a multiple of RSYNC_WIN, once the parse has passed it,
 * and such a block is padded to a byte boundary with an empty stored block. Blocks then start where the
 * input's content says, not where earlier bytes put them, so a change early in a file leaves the later
 * compressed bytes as they were (rsync and content-defined dedup find them). The parse is unchanged.
 */
import { WSIZE } from './match-finder.js'

/** The rolling sum's width, and its modulus. */
const RSYNC_WIN = 4096
/** gzip's 0xFFFFFFFF: no position has matched since the last rsync block end. */
const UNSET = -1

export class RsyncChunks {
  /** gzip's rsync_sum over window[rolled - RSYNC_WIN, rolled). */
  private sum = 0
  /** Window position up to which bytes are in the sum (gzip rolls them as the parse passes; this, at each check). */
  private rolled = 0
  /** gzip's rsync_chunk_end: the first matching position since the last rsync block end, or UNSET. */
  private chunkEnd = UNSET

  /**
   * Where gzip checks, after a step, with the parse at window position `at`: true when a block ends there
   * for rsync (the check resets the match, as gzip's does).
   */
  due (window: Uint8Array, at: number): boolean {
    let sum = this.sum
    for (let i = this.rolled; i < at; i++) {
      // Before the window has RSYNC_WIN bytes (at the input's start), bytes only come in.
      if (i < RSYNC_WIN) { sum += window[i]!; continue }
      sum += window[i]! - window[i - RSYNC_WIN]!
      if (this.chunkEnd === UNSET && sum % RSYNC_WIN === 0) this.chunkEnd = i
    }
    this.sum = sum
    if (at > this.rolled) this.rolled = at
    if (this.chunkEnd === UNSET || at <= this.chunkEnd) return false
    this.chunkEnd = UNSET
    return true
  }

  /** The window slid down by WSIZE (fill_window). */
  slide (): void {
    this.rolled -= WSIZE
    if (this.chunkEnd !== UNSET) this.chunkEnd -= WSIZE
  }
}
