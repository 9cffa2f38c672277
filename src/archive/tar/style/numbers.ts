/**
 * How writers print the numeric fields of a header block (docs/spec-header-styles.md §H3.1). A field of width
 * w (8 or 12 bytes) holds octal digits and a terminator, or, when the value does not fit, what the writer
 * falls back to: GNU base-256 (the whole field a big-endian two's-complement number with the top bit of the
 * first byte set), zeros, or nothing at all (the writer refuses the member).
 */

/**
 * - `gnu`: w-1 octal digits and NUL; base-256 when the value does not fit (GNU tar gnu/oldgnu, Python's and
 *   Go's GNU formats).
 * - `posix`: w-1 octal digits and NUL; 0 when the value does not fit (a PAX record carries it: GNU tar
 *   posix, Python PAX, Go USTAR/PAX).
 * - `strict`: w-1 octal digits and NUL; the writer never writes other values (GNU tar v7, git archive).
 * - `npm`: node-tar: w-2 digits, space, NUL (w-1 digits and NUL when the value needs exactly w-1);
 *   base-256 when the value is negative or above w-1 octal digits.
 * - `bsdtar`: libarchive's template: 8-byte fields 6 digits, space, NUL; size 11 digits and a space; mtime
 *   11 digits and a space. A value that needs more digits overwrites the terminator (up to 8 digits, size
 *   12, mtime 11); beyond that, or negative: base-256 over those 8, 12 or 11 bytes, the rest kept.
 * - `tar-stream`: 8-byte fields 6 digits, space, NUL; 12-byte fields 11 digits and a space. A value that
 *   does not fit is all sevens (the size field: base-256); negative values, which tar-stream writes as
 *   "-" among the digits, cannot be written.
 */
export type NumberFormat = 'gnu' | 'posix' | 'strict' | 'npm' | 'bsdtar' | 'tar-stream'

const NUL = 0
const SPACE = 0x20
const ZERO = 0x30
/** 8^d and 256^d for the widths of header fields. */
const EIGHT = Array.from({ length: 13 }, (_, d) => 8 ** d)
const TWO56 = Array.from({ length: 13 }, (_, d) => 256 ** d)

/**
 * Writes `value` into the zeroed field `b[off, off + width)` (`mtime`: the field is a time, which
 * libarchive widens to 11 bytes only and tar-stream never writes in base-256). Returns false when the
 * writer could not have written this value (the style then cannot write the member).
 */
export function writeNumber (b: Uint8Array, off: number, width: number, value: number, format: NumberFormat, mtime = false): boolean {
  switch (format) {
    case 'gnu':
      if (fitsOctal(value, width - 1)) return octal(b, off, width - 1, value, NUL)
      return fitsBase256(value, width) && base256(b, off, width, value)
    case 'posix':
      return octal(b, off, width - 1, fitsOctal(value, width - 1) ? value : 0, NUL)
    case 'strict':
      return fitsOctal(value, width - 1) && octal(b, off, width - 1, value, NUL)
    case 'npm':
      if (!fitsOctal(value, width - 1)) return fitsBase256(value, width) && base256(b, off, width, value)
      if (value >= EIGHT[width - 2]!) return octal(b, off, width - 1, value, NUL)
      octal(b, off, width - 2, value, SPACE)
      b[off + width - 1] = NUL
      return true
    case 'tar-stream':
      return tarStream(b, off, width, value, mtime)
    default:
      return bsdtar(b, off, width, value, mtime)
  }
}

/** `digits` zero-padded octal digits of `value`, then `terminator` when it is inside the field. */
function octal (b: Uint8Array, off: number, digits: number, value: number, terminator: number): boolean {
  let v = value
  for (let i = off + digits - 1; i >= off; i--) {
    b[i] = ZERO + (v % 8)
    v = Math.floor(v / 8)
  }
  b[off + digits] = terminator
  return true
}

function fitsOctal (value: number, digits: number): boolean {
  return value >= 0 && value < EIGHT[digits]!
}

/** Base-256 over `width` bytes keeps one bit for the marker: the value must fit in width-1 bytes. */
function fitsBase256 (value: number, width: number): boolean {
  const limit = TWO56[width - 1]!
  return value >= -limit && value < limit
}

/** Big-endian two's complement over `width` bytes, top bit of the first byte set (0x80 or 0xff first). */
function base256 (b: Uint8Array, off: number, width: number, value: number): boolean {
  let v = value
  for (let i = off + width - 1; i >= off; i--) {
    b[i] = ((v % 256) + 256) % 256
    v = Math.floor(v / 256) // floor division is an arithmetic shift for negative values too
  }
  b[off] = b[off]! | 0x80
  return true
}

/** tar-stream's encodeOct(v, 6 or 11) and encodeSize(): digits and a space, sevens when too large. */
function tarStream (b: Uint8Array, off: number, width: number, value: number, mtime: boolean): boolean {
  if (value < 0) return false
  const digits = width === 8 ? 6 : 11
  if (value < EIGHT[digits]!) return octal(b, off, digits, value, SPACE)
  if (width === 12 && !mtime) return fitsBase256(value, width) && base256(b, off, width, value)
  return octal(b, off, digits, EIGHT[digits]! - 1, SPACE)
}

/** libarchive format_number(): template digits, widened over the terminator, then base-256. */
function bsdtar (b: Uint8Array, off: number, width: number, value: number, mtime: boolean): boolean {
  const digits = width === 8 ? 6 : 11
  const max = width === 8 ? 8 : mtime ? 11 : 12
  // The template's terminators, left in place when the digits do not reach them.
  if (width === 8) { b[off + 6] = SPACE; b[off + 7] = NUL } else b[off + 11] = SPACE
  if (value >= 0) {
    for (let d = digits; d <= max; d++) {
      if (value < EIGHT[d]!) {
        let v = value
        for (let i = off + d - 1; i >= off; i--) { b[i] = ZERO + (v % 8); v = Math.floor(v / 8) }
        return true
      }
    }
  }
  return base256(b, off, max, value)
}
