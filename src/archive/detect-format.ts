/**
 * What else bytes handed to an archive reader may be: the magic numbers of compressors and archive formats,
 * so that an error can say "this is a 7z archive" instead of "bad checksum at offset 0". Only consulted
 * once the bytes have failed as what the reader expected (a tar header block whose checksum matches wins
 * over any of these), so a magic here never turns a valid archive away. Pure.
 *
 * Sources: RFC 1952 (gzip), the bzip2 format, xz file format 1.0.4 §2.1.1.1, RFC 8878 §3.1.1 (zstd),
 * PKWARE APPNOTE 4.3.7, 4.3.16 and 8.5.3 (zip), 7-Zip's 7zFormat.txt, RARLAB's technote (RAR 4 and 5),
 * cpio(5) (newc, crc, odc, binary), ncompress (.Z), the LZ4 frame format (and its legacy frame), the lzip
 * manual, lzop's header, xz's .lzma ("LZMA_Alone") header rules, ar(5).
 */

/** A format recognised by its first bytes. */
export interface IdentifiedFormat {
  /** Short stable name, also given as `details.format` in errors: `"7z"`, `"rar"`, `"cpio"`, ... */
  format: string
  /** How a message names it: "a 7z archive", "compress (.Z) data", ... */
  description: string
  /** A compressor (its output may hold a tar) or an archive format of its own. */
  kind: 'compressed' | 'archive'
}

const at = (b: Uint8Array, offset: number, bytes: readonly number[]): boolean =>
  b.length >= offset + bytes.length && bytes.every((v, i) => b[offset + i] === v)
const ascii = (text: string): number[] => Array.from(text, c => c.charCodeAt(0))

type Rule = readonly [format: string, description: string, kind: IdentifiedFormat['kind'], test: (b: Uint8Array) => boolean]

const RULES: readonly Rule[] = [
  ['gzip', 'gzip data', 'compressed', b => at(b, 0, [0x1f, 0x8b])],
  ['bzip2', 'bzip2 data', 'compressed', b => at(b, 0, ascii('BZh'))],
  ['xz', 'xz data', 'compressed', b => at(b, 0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])],
  ['zstd', 'zstd data', 'compressed', b => at(b, 0, [0x28, 0xb5, 0x2f, 0xfd]) || (b.length >= 4 && (b[0]! & 0xf0) === 0x50 && at(b, 1, [0x2a, 0x4d, 0x18]))],
  // A local header; an empty archive's end record; the marker that starts a split or spanned archive.
  ['zip', 'a zip archive', 'archive', b => at(b, 0, [0x50, 0x4b, 0x03, 0x04]) || at(b, 0, [0x50, 0x4b, 0x05, 0x06]) || at(b, 0, [0x50, 0x4b, 0x07, 0x08])],
  ['7z', 'a 7z archive', 'archive', b => at(b, 0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])],
  ['rar', 'a RAR 5 archive', 'archive', b => at(b, 0, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00])],
  ['rar', 'a RAR archive (1.5 to 4)', 'archive', b => at(b, 0, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00])],
  ['cpio', 'a cpio archive (newc)', 'archive', b => at(b, 0, ascii('070701'))],
  ['cpio', 'a cpio archive (newc with CRC)', 'archive', b => at(b, 0, ascii('070702'))],
  ['cpio', 'a cpio archive (odc)', 'archive', b => at(b, 0, ascii('070707'))],
  // The binary format's magic is the 16-bit number 070707 in the writer's byte order.
  ['cpio', 'a cpio archive (binary, little-endian)', 'archive', b => at(b, 0, [0xc7, 0x71])],
  ['cpio', 'a cpio archive (binary, big-endian)', 'archive', b => at(b, 0, [0x71, 0xc7])],
  ['compress', 'compress (.Z) data', 'compressed', b => at(b, 0, [0x1f, 0x9d])],
  ['lz4', 'lz4 data', 'compressed', b => at(b, 0, [0x04, 0x22, 0x4d, 0x18])],
  ['lz4', 'lz4 data (legacy frame)', 'compressed', b => at(b, 0, [0x02, 0x21, 0x4c, 0x18])],
  ['lzip', 'lzip data', 'compressed', b => at(b, 0, ascii('LZIP'))],
  ['lzop', 'lzop data', 'compressed', b => at(b, 0, [0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a])],
  ['lzma', 'lzma (.lzma, LZMA_Alone) data', 'compressed', isLzmaAlone],
  ['ar', 'an ar archive', 'archive', b => at(b, 0, ascii('!<arch>\n')) || at(b, 0, ascii('!<thin>\n'))]
]

/**
 * The format `head` (the first bytes of the input; 14 are enough for every rule) starts with, or undefined.
 *
 * @example
 * ```ts
 * identifyFormat(Uint8Array.of(0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c)) // { format: '7z', description: 'a 7z archive', kind: 'archive' }
 * ```
 */
export function identifyFormat (head: Uint8Array): IdentifiedFormat | undefined {
  for (const [format, description, kind, test] of RULES) {
    if (test(head)) return { format, description, kind }
  }
  return undefined
}

/** The four compressors a tar may be wrapped in that the describer decompresses itself. */
const DECOMPRESSED = new Set(['gzip', 'bzip2', 'xz', 'zstd'])

/** The message for an input that is `found` where a tar stream was expected at offset 0. */
export function notTarMessage (found: IdentifiedFormat): string {
  if (found.format === 'zip') return 'input is a zip archive, not a tar archive: describe it with manifestFromZip (or manifestFromFile, which detects it)'
  // These were not decompressed, so they are a tar compressed twice, or a damaged or unsupported stream.
  if (DECOMPRESSED.has(found.format)) return `input is ${found.description}, not a tar archive (decompress it first)`
  if (found.kind === 'compressed') return `input is ${found.description}, which this library does not decompress (it reads tar in gzip, bzip2, xz or zstd)`
  return `input is ${found.description}: this library reads tar and zip archives only`
}

/**
 * A .lzma header (13 bytes): a properties byte (lc + lp * 9 + pb * 45, so below 225), a 32-bit dictionary
 * size, a 64-bit uncompressed size. Its only constant is the usual 5d 00 00, so the checks are xz's strict
 * ones for this format: a dictionary of 2^n or 2^n + 2^(n-1) bytes (here at least 4 KiB, the smallest any
 * encoder writes) or 0xffffffff, a size that is unknown (all ones) or below 2^38; and the range coder's
 * first byte, which is always zero, when it is there.
 */
function isLzmaAlone (b: Uint8Array): boolean {
  if (b.length < 13 || b[0]! >= 225) return false
  const dict = (b[1]! | (b[2]! << 8) | (b[3]! << 16) | (b[4]! << 24)) >>> 0
  if (dict !== 0xffffffff) {
    if (dict < 4096) return false
    const high = 2 ** Math.floor(Math.log2(dict))
    if (dict !== high && dict !== high + high / 2) return false
  }
  let unknown = true
  for (let i = 5; i < 13; i++) if (b[i] !== 0xff) unknown = false
  // Bytes 10-12 hold bits 40-63 and byte 9's top two bits 38-39 of the little-endian size.
  if (!unknown && (b[10] !== 0 || b[11] !== 0 || b[12] !== 0 || (b[9]! & 0xc0) !== 0)) return false
  return b.length < 14 || b[13] === 0
}

/**
 * Whether `head` (an input's first bytes) reads as text: valid UTF-8 (a character cut by the end of `head`
 * allowed), no NUL, and no control characters but tab, line feed, vertical tab, form feed, carriage return,
 * backspace and escape. A tar header always holds NULs (its padded fields), so text is never a header.
 *
 * @example
 * ```ts
 * looksLikeText(new TextEncoder().encode('hello world\n')) // true
 * ```
 */
export function looksLikeText (head: Uint8Array): boolean {
  if (head.length === 0) return false
  for (const c of head) {
    if (c < 0x20 && !(c >= 0x08 && c <= 0x0d) && c !== 0x1b) return false
    if (c === 0x7f) return false
  }
  // A multi-byte character cut by the end of `head` is not an error: drop up to 3 bytes of an unfinished one.
  let end = head.length
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const c = head[end - back] as number
    if ((c & 0xc0) === 0x80) continue
    if (c >= 0xc0 && back < (c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2)) end -= back
    break
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end))
    return true
  } catch {
    return false
  }
}
