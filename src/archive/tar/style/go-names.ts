/**
 * Go's archive/tar names (Go 1.19, writer.go): `path.Split`/`path.Join`/`path.Clean` for the PAX header
 * name `dir/PaxHeaders.0/file`, and `formatString`, which cuts a string to its field and, when the cut
 * leaves a '/' in the last byte, ends the field before the trailing slashes of the first width-1 bytes.
 */

import { concatBytes } from '../../../bytes-concat.js'
import { toAscii } from './ascii.js'

const SLASH = 0x2f
const DOT = 0x2e
const PAX_DIR = new TextEncoder().encode('PaxHeaders.0')

/** Go's path.Clean on bytes. */
export function clean (p: Uint8Array): Uint8Array {
  if (p.length === 0) return Uint8Array.of(DOT)
  const rooted = p[0] === SLASH
  const n = p.length
  const out: number[] = []
  let r = 0
  let dotdot = 0
  if (rooted) { out.push(SLASH); r = 1; dotdot = 1 }
  while (r < n) {
    if (p[r] === SLASH) {
      r++
    } else if (p[r] === DOT && (r + 1 === n || p[r + 1] === SLASH)) {
      r++
    } else if (p[r] === DOT && p[r + 1] === DOT && (r + 2 === n || p[r + 2] === SLASH)) {
      r += 2
      if (out.length > dotdot) {
        out.pop()
        while (out.length > dotdot && out[out.length - 1] !== SLASH) out.pop()
        // Go's lazybuf keeps w at the slash's index: the slash itself is dropped too.
        if (out.length > dotdot && out[out.length - 1] === SLASH) out.pop()
      } else if (!rooted) {
        if (out.length > 0) out.push(SLASH)
        out.push(DOT, DOT)
        dotdot = out.length
      }
    } else {
      if ((rooted && out.length !== 1) || (!rooted && out.length !== 0)) out.push(SLASH)
      for (; r < n && p[r] !== SLASH; r++) out.push(p[r]!)
    }
  }
  return out.length === 0 ? Uint8Array.of(DOT) : Uint8Array.from(out)
}

/** The name of the 'x' header Go writes before `path`: path.Join(dir, "PaxHeaders.0", file), ASCII, ≤ 100, no trailing '/'. */
export function goPaxHeaderName (path: Uint8Array): Uint8Array {
  const cut = path.lastIndexOf(SLASH) + 1
  const parts: Uint8Array[] = []
  if (cut > 0) parts.push(path.subarray(0, cut), Uint8Array.of(SLASH))
  parts.push(PAX_DIR)
  if (cut < path.length) parts.push(Uint8Array.of(SLASH), path.subarray(cut))
  let name = toAscii(clean(concatBytes(...parts)), undefined)
  if (name.length > 100) name = name.subarray(0, 100)
  let end = name.length
  while (end > 0 && name[end - 1] === SLASH) end--
  return name.subarray(0, end)
}

/** Go's formatString into the zeroed field b[off, off + width). */
export function writeGoString (b: Uint8Array, off: number, width: number, s: Uint8Array): void {
  const n = Math.min(width, s.length)
  b.set(s.subarray(0, n), off)
  if (s.length > width && b[off + width - 1] === SLASH) {
    let end = width - 1
    while (end > 0 && s[end - 1] === SLASH) end--
    b[off + end] = 0
  }
}
