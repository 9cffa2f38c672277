/**
 * Magic numbers of formats people hand to a tar reader by mistake, so that the error can say "this is a
 * gzip stream" instead of "bad checksum". Sources: RFC 1952 (gzip), bzip2 file format, xz file format
 * 1.0.4 §2.1.1.1, RFC 8878 §3.1.1 (zstd), PKWARE APPNOTE 4.3.7 (zip local file header).
 */

const MAGICS: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['zip', [0x50, 0x4b, 0x03, 0x04]]
]

/** The name of the compressed/archive format whose magic `bytes` start with, or undefined. */
export function detectCompression (bytes: Uint8Array): string | undefined {
  for (const [name, magic] of MAGICS) {
    if (bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b)) return name
  }
  return undefined
}
