/**
 * The rest of a tar's raw bytes (docs/spec-header-styles.md §H9): a tar is, member by member, the header
 * bytes, the data, and zero padding to the next 512-byte boundary; then, from the end-of-archive block
 * to the end of the input, N zero bytes followed by any trailing bytes.
 */

import { BLOCK_SIZE } from '../constants.js'
import { copyBytes, EMPTY } from '../bytes.js'

/** The number of padding bytes after `dataSize` bytes of member data. */
export function paddingLength (dataSize: number): number {
  const r = dataSize % BLOCK_SIZE
  return r === 0 ? 0 : BLOCK_SIZE - r
}

/** The padding as an exception: undefined when it is all zero (the usual case), else a copy of it. */
export function paddingException (padding: Uint8Array): Uint8Array | undefined {
  return leadingZeros(padding) === padding.length ? undefined : copyBytes(padding)
}

/** The padding after `dataSize` data bytes: zeros, or the exception's bytes. */
export function regeneratePadding (dataSize: number, exception?: Uint8Array): Uint8Array {
  return exception ?? new Uint8Array(paddingLength(dataSize))
}

/** The bytes from the end-of-archive block to the end of the tar: `zeros` zero bytes, then `trailing`. */
export interface ArchiveEnd {
  readonly zeros: number
  /** Empty, or bytes starting with a non-zero byte. */
  readonly trailing: Uint8Array
}

/** The number of zero bytes at the start of `bytes`. */
export function leadingZeros (bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length && bytes[i] === 0) i++
  return i
}

/** Splits the end of a tar (from its end offset to its last byte) into zeros and trailing bytes. */
export function splitArchiveEnd (end: Uint8Array): ArchiveEnd {
  const zeros = leadingZeros(end)
  return { zeros, trailing: zeros === end.length ? EMPTY : end.subarray(zeros) }
}

/** The inverse of {@link splitArchiveEnd}. */
export function regenerateArchiveEnd (end: ArchiveEnd): Uint8Array {
  const out = new Uint8Array(end.zeros + end.trailing.length)
  out.set(end.trailing, end.zeros)
  return out
}
