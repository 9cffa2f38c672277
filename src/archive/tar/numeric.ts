/**
 * Numeric header fields. POSIX ustar stores them as octal text; old tars pad with leading spaces or NULs
 * and terminate with a space or NUL. GNU tar stores values that do not fit as base-256: the first byte has
 * its top bit set, the next bit is the sign, and the field is a big-endian two's-complement number (GNU tar
 * manual "Basic Tar Format"; 0x80… for positive values, 0xff… for negative ones).
 */

import { HeaderFieldError } from '../../errors.js'

const SPACE = 0x20
const NUL = 0
/** Largest value v such that v * 256 + 255 is still a safe integer. */
const BASE256_SHIFT_LIMIT = Math.floor((Number.MAX_SAFE_INTEGER - 255) / 256)

/** Which header field is being read, for error details. */
export interface FieldRef {
  /** Field name, e.g. 'size'. */
  readonly field: string
  /** Offset of the header block in the archive. */
  readonly headerOffset: number
}

/**
 * Reads the numeric field `block[start, start + length)`. Returns a safe integer, negative only for
 * base-256 negative values. Throws HeaderFieldError for anything else, and for values that do not fit in
 * a JavaScript safe integer.
 */
export function parseNumericField (block: Uint8Array, start: number, length: number, ref: FieldRef): number {
  const first = block[start]!
  if ((first & 0x80) !== 0) return parseBase256(block, start, length, ref)
  return parseOctal(block, start, length, ref)
}

/** Octal text: leading spaces/NULs skipped, digits, then only spaces/NULs; an empty field is 0 (as Go reads it). */
export function parseOctal (block: Uint8Array, start: number, length: number, ref: FieldRef): number {
  const end = start + length
  let i = start
  while (i < end && (block[i] === SPACE || block[i] === NUL)) i++
  let value = 0
  while (i < end) {
    const c = block[i]!
    if (c < 0x30 || c > 0x37) break
    value = value * 8 + (c - 0x30)
    i++
  }
  for (; i < end; i++) {
    const c = block[i]
    if (c !== SPACE && c !== NUL) {
      throw new HeaderFieldError(`header field ${ref.field} is not octal`, {
        offset: ref.headerOffset, field: ref.field, fieldOffset: start
      })
    }
  }
  // 12 octal digits are at most 2^36: always safe.
  return value
}

function parseBase256 (block: Uint8Array, start: number, length: number, ref: FieldRef): number {
  const negative = (block[start]! & 0x40) !== 0
  const invert = negative ? 0xff : 0
  let value = 0
  for (let i = 0; i < length; i++) {
    let c = block[start + i]! ^ invert
    if (i === 0) c &= 0x7f
    if (value > BASE256_SHIFT_LIMIT) {
      throw new HeaderFieldError(`header field ${ref.field} is out of range`, {
        offset: ref.headerOffset, field: ref.field, fieldOffset: start
      })
    }
    value = value * 256 + c
  }
  // Two's complement: the inverted magnitude m stands for -m - 1.
  return negative ? -value - 1 : value
}
