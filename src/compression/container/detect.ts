/** Recognise a compressed container from its first bytes (magic numbers). Pure: no I/O. */

export type CompressionFormat = 'gzip' | 'bzip2' | 'xz' | 'zstd'

/** How many leading bytes `detectCompression` needs at most to decide. */
export const DETECT_BYTES = 10

/**
 * The compression format of data starting with `firstBytes`, or undefined when it is none of them.
 * - gzip: 1f 8b 08 (deflate is the only method RFC 1952 defines);
 * - bzip2: "BZh1".."BZh9", followed (when those bytes are given) by a block magic 31 41 59 26 53 59 or
 *   the end-of-stream magic 17 72 45 38 50 90;
 * - xz: fd 37 7a 58 5a 00;
 * - zstd: a frame 28 b5 2f fd, or a skippable frame 5X 2a 4d 18 (zstd skips those before the first frame).
 */
export function detectCompression (firstBytes: Uint8Array): CompressionFormat | undefined {
  const b = firstBytes
  if (b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 0x08) return 'gzip'
  if (b.length >= 6 && b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58 && b[4] === 0x5a && b[5] === 0x00) return 'xz'
  if (b.length >= 4 && b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd) return 'zstd'
  if (b.length >= 4 && (b[0]! & 0xf0) === 0x50 && b[1] === 0x2a && b[2] === 0x4d && b[3] === 0x18) return 'zstd'
  if (b.length >= 4 && b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68 && b[3]! >= 0x31 && b[3]! <= 0x39) {
    if (b.length >= 10 && !isBzip2BlockOrEndMagic(b, 4)) return undefined
    return 'bzip2'
  }
  return undefined
}

/** True when `b[at..at+6]` is the bzip2 block magic (pi) or end-of-stream magic (sqrt pi), byte-aligned as after a stream header. */
export function isBzip2BlockOrEndMagic (b: Uint8Array, at: number): boolean {
  return (b[at] === 0x31 && b[at + 1] === 0x41 && b[at + 2] === 0x59 && b[at + 3] === 0x26 && b[at + 4] === 0x53 && b[at + 5] === 0x59) ||
    (b[at] === 0x17 && b[at + 1] === 0x72 && b[at + 2] === 0x45 && b[at + 3] === 0x38 && b[at + 4] === 0x50 && b[at + 5] === 0x90)
}
