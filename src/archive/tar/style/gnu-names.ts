/**
 * GNU tar's PAX header name, `%d/PaxHeaders/%f` (its default `exthdr.name` since 1.32): the directory
 * and last component of the member's name without trailing slashes ("." for a name without '/'),
 * truncated to the 100-byte name field.
 */

import { concatBytes } from '../../../bytes-concat.js'

const SLASH = 0x2f
const DOT = Uint8Array.of(0x2e)
const ROOT = Uint8Array.of(SLASH)
const INFIX = new TextEncoder().encode('/PaxHeaders/')

/** `%d/PaxHeaders/%f` for `path` (not yet truncated). */
export function gnuPaxHeaderName (path: Uint8Array): Uint8Array {
  let end = path.length
  while (end > 1 && path[end - 1] === SLASH) end--
  const q = path.subarray(0, end)
  const last = q.lastIndexOf(SLASH)
  if (last < 0) return concatBytes(DOT, INFIX, q)
  let dirEnd = last
  while (dirEnd > 0 && q[dirEnd - 1] === SLASH) dirEnd--
  const dir = dirEnd === 0 ? ROOT : q.subarray(0, dirEnd)
  return concatBytes(dir, INFIX, q.subarray(last + 1))
}
