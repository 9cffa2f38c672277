/**
 * node-tar's names (lib/header.js and lib/pax.js, node-tar 6-7 as npm pack runs it). node-tar works on
 * JavaScript strings, so these rules do too: lengths are UTF-8 byte lengths (`Buffer.byteLength`) but
 * truncations (`slice`) count UTF-16 code units, and a field receives only whole UTF-8 characters
 * (`Buffer.write`), a lone surrogate being written as U+FFFD. Directory arithmetic is Node's
 * `path.posix` (dirname, basename, join).
 */

import { utf8SequenceLength } from './ascii.js'

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const encoder = new TextEncoder()

/** The path as node-tar held it, or undefined when the bytes are not UTF-8 (node-tar cannot write them). */
export function utf8String (bytes: Uint8Array): string | undefined {
  try { return strict.decode(bytes) } catch { return undefined }
}

/** Whether `bytes` is well-formed UTF-8 (cheaper than decoding when it is short and ASCII). */
export function isUtf8 (bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length;) {
    const n = utf8SequenceLength(bytes, i)
    if (n === 0) return false
    i += n
  }
  return true
}

/** `Buffer.byteLength(s)`. */
export function byteLength (s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) { n += 4; i++ } else n += 3
  }
  return n
}

function isLow (c: number): boolean { return c >= 0xdc00 && c <= 0xdfff }

/** `buf.write(s + NULs, 0, size, 'utf8')`: the UTF-8 of the whole characters of `s` that fit in `size` bytes. */
export function fieldBytes (s: string, size: number): Uint8Array {
  const all = encoder.encode(s) // lone surrogates become U+FFFD, as in Node
  if (all.length <= size) return all
  let end = size
  while (end > 0 && (all[end]! & 0xc0) === 0x80) end-- // back to the start of the character cut by the limit
  return all.subarray(0, end)
}

/** Node's path.posix.dirname. */
export function dirname (p: string): string {
  if (p.length === 0) return '.'
  const hasRoot = p.charCodeAt(0) === 0x2f
  let end = -1
  let matchedSlash = true
  for (let i = p.length - 1; i >= 1; --i) {
    if (p.charCodeAt(i) === 0x2f) {
      if (!matchedSlash) { end = i; break }
    } else matchedSlash = false
  }
  if (end === -1) return hasRoot ? '/' : '.'
  if (hasRoot && end === 1) return '//'
  return p.slice(0, end)
}

/** Node's path.posix.basename (no extension argument). */
export function basename (p: string): string {
  let start = 0
  let end = -1
  let matchedSlash = true
  for (let i = p.length - 1; i >= 0; --i) {
    if (p.charCodeAt(i) === 0x2f) {
      if (!matchedSlash) { start = i + 1; break }
    } else if (end === -1) {
      matchedSlash = false
      end = i + 1
    }
  }
  return end === -1 ? '' : p.slice(start, end)
}

/** Node's path.posix.join of two segments (normalize of `a/b`). */
export function join (a: string, b: string): string {
  const joined = [a, b].filter(s => s.length > 0).join('/')
  return joined.length === 0 ? '.' : normalize(joined)
}

/** Node's path.posix.normalize. */
function normalize (p: string): string {
  const absolute = p.charCodeAt(0) === 0x2f
  const trailing = p.charCodeAt(p.length - 1) === 0x2f
  const out: string[] = []
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop()
      else if (!absolute) out.push('..')
      continue
    }
    out.push(seg)
  }
  let s = out.join('/')
  if (s.length === 0) return absolute ? '/' : trailing ? './' : '.'
  if (trailing) s += '/'
  return absolute ? `/${s}` : s
}

/**
 * node-tar's splitPrefix(p, prefixSize): [name, prefix]. Paths under 100 bytes are not split; otherwise
 * components move from the prefix (initially the dirname) to the name until both fit, or the name is cut
 * to 99 code units when only the prefix fits, or, when nothing fits, the whole path is cut to 99.
 */
export function splitPrefix (p: string, prefixSize: number): [string, string] {
  if (byteLength(p) < 100) return [p, '']
  const root = p.charCodeAt(0) === 0x2f ? '/' : '.'
  let prefix = dirname(p)
  let name = basename(p)
  do {
    const nameFits = byteLength(name) <= 100
    if (byteLength(prefix) <= prefixSize) return [nameFits ? name : name.slice(0, 99), prefix]
    name = join(basename(prefix), name)
    prefix = dirname(prefix)
  } while (prefix !== root)
  return [p.slice(0, 99), '']
}
