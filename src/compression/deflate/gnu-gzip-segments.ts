/**
 * GNU gzip's lazy deflate (levels 4-9) on more than one core, with no hint from the manifest. Its LZ77 parse
 * does not depend on where blocks end, and at a position where a match has just been emitted the encoder's
 * whole state is a function of the input (every position is in the hash chains, nothing is pending): two
 * parses that both end a match at the same position go on identically from there. So segments of the input
 * are parsed from restarts (anywhere, on any thread), each until it meets the next segment's parse, and one
 * writer replays the tokens in order and writes the blocks exactly as the sequential encoder does.
 */

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
}

/** A segment's parse: tokens (first-block.ts's form) from `from` to `end`, where the next parse was met. */
export interface DeflateSegment {
  readonly tokens: Uint32Array
  /** Offset after the last token: a match ends there. */
  readonly end: number
  /** Whether the parse restarted at the job's `next` ends a match at `end` too (else the writer parses on). */
  readonly converged: boolean
}

/** Parses one segment (a block encoder's job, in any thread). */
export function parseDeflateSegment (job: DeflateSegmentJob): DeflateSegment {
  void job
  throw new Error('not yet')
}
