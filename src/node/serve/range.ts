/**
 * The `Range` request header (RFC 9110 §14.2): one byte range of a representation of known size. Several
 * ranges in one request (multipart/byteranges) are not served: the header is then ignored and the whole
 * body sent, which the RFC allows, as it allows ignoring a header it cannot parse.
 */

/** What a `Range` header asks of a body of `size` bytes. */
export type RangeRequest =
  /** No usable header: send the whole body (200). */
  | { kind: 'whole' }
  /** Bytes `start` to `end` inclusive (206 with `Content-Range: bytes start-end/size`). */
  | { kind: 'range', start: number, end: number }
  /** A well-formed range that selects no byte of the body (416 with `Content-Range: bytes *\/size`). */
  | { kind: 'unsatisfiable' }

/** At most this many characters of a header are looked at; a longer one is not a single range. */
const MAX_RANGE_HEADER = 64

/**
 * Parses a `Range` header against a body of `size` bytes.
 *
 * @example
 * ```ts
 * parseRange('bytes=0-499', 1000)  // { kind: 'range', start: 0, end: 499 }
 * parseRange('bytes=-100', 1000)   // { kind: 'range', start: 900, end: 999 }
 * parseRange('bytes=1000-', 1000)  // { kind: 'unsatisfiable' }
 * parseRange('bytes=0-1,5-6', 1000) // { kind: 'whole' }
 * ```
 */
export function parseRange (header: string | undefined, size: number): RangeRequest {
  if (header === undefined || header.length > MAX_RANGE_HEADER) return { kind: 'whole' }
  const match = /^bytes=([0-9]*)-([0-9]*)$/.exec(header.trim())
  if (match === null) return { kind: 'whole' }
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return { kind: 'whole' }
  if (first === '') {
    // A suffix: the last N bytes (all of them when N >= size); N = 0 selects nothing.
    const n = Number(last)
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' }
    return { kind: 'range', start: Math.max(size - n, 0), end: size - 1 }
  }
  const start = Number(first)
  const end = last === '' ? Infinity : Number(last)
  // A last position before the first makes the header invalid, so it is ignored (RFC 9110 §14.1.1).
  if (end < start) return { kind: 'whole' }
  if (start >= size) return { kind: 'unsatisfiable' }
  return { kind: 'range', start, end: Math.min(end, size - 1) }
}
