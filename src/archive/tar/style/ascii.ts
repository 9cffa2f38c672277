/**
 * Writers that must put a non-ASCII name into a ustar field (the real name goes into a PAX record) either
 * replace every character by '?' (Python's tarfile: `encode("ascii", "replace")`) or drop it (Go's
 * archive/tar: `toASCII`). A character is a well-formed UTF-8 sequence; every byte that does not start
 * one counts as a character of its own (Python decodes it to a lone surrogate, Go to U+FFFD of width 1).
 */

/** Length of the well-formed UTF-8 sequence at `b[i]` (Unicode Table 3-7), or 0 when there is none. */
export function utf8SequenceLength (b: Uint8Array, i: number): number {
  const c = b[i]!
  if (c < 0x80) return 1
  const cont = (j: number, lo = 0x80, hi = 0xbf): boolean => j < b.length && b[j]! >= lo && b[j]! <= hi
  if (c >= 0xc2 && c <= 0xdf) return cont(i + 1) ? 2 : 0
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80
    const hi = c === 0xed ? 0x9f : 0xbf
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80
    const hi = c === 0xf4 ? 0x8f : 0xbf
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0
  }
  return 0
}

/**
 * `src` with every non-ASCII character replaced by `replacement`, or removed when it is undefined.
 * Returns `src` itself when it is all ASCII.
 */
export function toAscii (src: Uint8Array, replacement: number | undefined): Uint8Array {
  let i = 0
  while (i < src.length && src[i]! < 0x80) i++
  if (i === src.length) return src
  const out: number[] = Array.from(src.subarray(0, i))
  while (i < src.length) {
    const c = src[i]!
    if (c < 0x80) { out.push(c); i++; continue }
    if (replacement !== undefined) out.push(replacement)
    i += Math.max(1, utf8SequenceLength(src, i))
  }
  return Uint8Array.from(out)
}

/** Whether every byte is below 0x80. */
export function isAscii (src: Uint8Array): boolean {
  for (let i = 0; i < src.length; i++) if (src[i]! >= 0x80) return false
  return true
}
