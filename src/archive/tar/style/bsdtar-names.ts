/**
 * libarchive's names for what does not fit a ustar header (archive_write_set_format_pax.c as of the 2025
 * fix of build_ustar_entry_name, which Debian backported to its 3.6.2 and upstream ships since 3.8: a
 * name part of at most 98 bytes and a prefix of at most 154; before it, 99 and 155): a
 * "ustar entry name" keeps the last component (cut to fit) and as much of the directory as fits in the
 * prefix and name fields, optionally with an inserted component ("PaxHeader" for the 'x' header's
 * name). The result is then split by the ustar rule like any name (ustar-split.ts, shortest prefix).
 */

import { concatBytes } from '../../../bytes-concat.js'

const SLASH = 0x2f
const DOT = 0x2e
const encoder = new TextEncoder()
const PAX_HEADER = encoder.encode('PaxHeader')

/** build_ustar_entry_name(src, insert): docs/spec-header-styles.md §H4.1. */
export function ustarEntryName (src: Uint8Array, insert?: Uint8Array): Uint8Array {
  const n = src.length
  if (n < 100 && insert === undefined) return src
  let suffixLength = 98
  const insertLength = insert === undefined ? 0 : insert.length + 2
  // The last component, without trailing '/' and '/.' (a '/' is put back at the end).
  let filenameEnd = n
  let needSlash = false
  for (;;) {
    if (filenameEnd > 0 && src[filenameEnd - 1] === SLASH) { filenameEnd--; needSlash = true; continue }
    if (filenameEnd > 1 && src[filenameEnd - 1] === DOT && src[filenameEnd - 2] === SLASH) { filenameEnd -= 2; needSlash = true; continue }
    break
  }
  if (filenameEnd === 0) return concatBytes(insert ?? new Uint8Array(0), Uint8Array.of(SLASH)) // only slashes
  if (needSlash) suffixLength--
  let filename = filenameEnd - 1
  while (filename > 0 && src[filename] !== SLASH) filename--
  if (src[filename] === SLASH && filename < filenameEnd - 1) filename++
  suffixLength -= insertLength
  if (filenameEnd > filename + suffixLength) filenameEnd = filename + suffixLength
  suffixLength -= filenameEnd - filename
  // As much of the directory as fits the prefix field, ending after a '/'.
  let prefixEnd = Math.min(154, filename)
  while (prefixEnd > 0 && src[prefixEnd] !== SLASH) prefixEnd--
  if (prefixEnd < filename && src[prefixEnd] === SLASH) prefixEnd++
  // Then as much of the rest of the directory as fits in front of the file name.
  const suffix = prefixEnd
  let suffixEnd = Math.max(suffix, Math.min(suffix + suffixLength, filename))
  while (suffixEnd > suffix && src[suffixEnd] !== SLASH) suffixEnd--
  if (suffixEnd < filename && src[suffixEnd] === SLASH) suffixEnd++
  const parts = [src.subarray(0, prefixEnd), src.subarray(suffix, suffixEnd)]
  if (insert !== undefined) parts.push(insert, Uint8Array.of(SLASH))
  parts.push(src.subarray(filename, filenameEnd))
  if (needSlash) parts.push(Uint8Array.of(SLASH))
  return concatBytes(...parts)
}

/** build_pax_attribute_name(): the name of the 'x' header written before `path`. */
export function bsdtarPaxHeaderName (path: Uint8Array): Uint8Array {
  if (path.length === 0) return encoder.encode('PaxHeader/blank')
  let end = path.length
  for (;;) {
    if (end > 0 && path[end - 1] === SLASH) { end--; continue }
    if (end > 1 && path[end - 1] === DOT && path[end - 2] === SLASH) { end--; continue }
    break
  }
  if (end === 0) return encoder.encode('/PaxHeader/rootdir')
  if (end === 1 && path[0] === DOT) return encoder.encode('PaxHeader/currentdir')
  return ustarEntryName(path.subarray(0, end), PAX_HEADER)
}
