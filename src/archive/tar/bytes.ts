/** Small helpers over raw header bytes. Paths stay bytes: tar names need not be UTF-8. */

import { InvalidPathError } from '../../errors.js'

const NUL = 0
const SLASH = 0x2f
const displayDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })
/** Shared zero-length value for empty fields. */
export const EMPTY = new Uint8Array(0)

/**
 * A copy of `bytes` in a plain Uint8Array. (Not `bytes.slice()`: on a Node Buffer that is a view, and
 * members must not alias the caller's chunks, which the caller may reuse.)
 */
export function copyBytes (bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length)
  out.set(bytes)
  return out
}

/** A fixed-width header string field as C reads it: up to the first NUL (copied, so it outlives the block). */
export function cString (block: Uint8Array, start: number, length: number): Uint8Array {
  let end = start
  const limit = start + length
  while (end < limit && block[end] !== NUL) end++
  return end === start ? EMPTY : copyBytes(block.subarray(start, end))
}

/**
 * Like cString, but returns `previous` when the field holds the same bytes: owner and group names repeat
 * across members, and sharing them saves two allocations per member.
 */
export function cStringReusing (block: Uint8Array, start: number, length: number, previous: Uint8Array): Uint8Array {
  let end = start
  const limit = start + length
  while (end < limit && block[end] !== NUL) end++
  const n = end - start
  if (n === previous.length) {
    let same = true
    for (let i = 0; i < n; i++) if (block[start + i] !== previous[i]) { same = false; break }
    if (same) return previous
  }
  return n === 0 ? EMPTY : copyBytes(block.subarray(start, end))
}

/** `prefix + '/' + name` (POSIX ustar: "the pathname is the concatenation of prefix, a slash, and name"). */
export function joinPrefix (prefix: Uint8Array, name: Uint8Array): Uint8Array {
  if (prefix.length === 0) return name
  const out = new Uint8Array(prefix.length + 1 + name.length)
  out.set(prefix, 0)
  out[prefix.length] = SLASH
  out.set(name, prefix.length + 1)
  return out
}

/**
 * A path from variable-length data (PAX value, GNU long name record): trailing NULs are padding and are
 * dropped; a NUL before other bytes would make the path mean different things to different readers.
 */
export function cleanPath (bytes: Uint8Array, what: string, offset: number): Uint8Array {
  let end = bytes.length
  while (end > 0 && bytes[end - 1] === NUL) end--
  const nul = bytes.subarray(0, end).indexOf(NUL)
  if (nul !== -1) {
    throw new InvalidPathError(`${what} contains a NUL byte`, { offset, entry: displayPath(bytes.subarray(0, nul)) })
  }
  return end === bytes.length ? bytes : bytes.subarray(0, end)
}

export function endsWithSlash (path: Uint8Array): boolean {
  return path.length > 0 && path[path.length - 1] === SLASH
}

/** A path as text for messages and `error.entry` (invalid UTF-8 shown as U+FFFD). */
export function displayPath (path: Uint8Array): string {
  return displayDecoder.decode(path)
}

/** ASCII-only decode for PAX keys and magic strings; falls back to UTF-8 for other bytes. */
export function asciiOrUtf8 (bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!
    if (c >= 0x80) return displayDecoder.decode(bytes)
    s += String.fromCharCode(c)
  }
  return s
}
