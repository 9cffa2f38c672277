/**
 * Which describer an input goes to: the tar pipeline (plain, or decompressed first) or the zip one. One
 * rule, applied to the first bytes for a stream and, when the bytes can be read from the end too, to the
 * end as the zip reader reads it (docs/spec.md §17.1). Pure.
 */
import { classifyBlock } from '../archive/tar/checksum.js'
import { findEndRecord, END_SEARCH_BYTES, readEndRecords } from '../archive/zip/end-records.js'
import { u32 } from '../archive/zip/bytes.js'
import { SIG_CENTRAL_HEADER } from '../archive/zip/constants.js'
import { readExact } from '../archive/zip/source.js'
import type { RandomAccessSource } from '../archive/zip/types.js'
import { detectCompression, DETECT_BYTES, type CompressionFormat } from '../compression/container/detect.js'
import { ArchiveManifestError } from '../errors.js'

/** `'tar'`: read as a tar stream (whose reader names other formats it fails on); a codec: a tar inside it. */
export type InputFormat = 'tar' | 'zip' | CompressionFormat

/** How many leading bytes `formatFromHead` looks at: one tar header block. */
export const HEAD_BYTES = 512

/**
 * The format the first bytes decide, in this order: a tar header block whose checksum matches (so a tar
 * whose first name begins with a magic is still a tar); a zip local header or an empty zip's end record;
 * a compressor's magic. Undefined when they decide nothing: then only the end of the input can show a zip
 * behind a prefix (`formatOf`), and a stream is read as a tar.
 */
export function formatFromHead (head: Uint8Array): InputFormat | undefined {
  if (head.length >= HEAD_BYTES && classifyBlock(head.subarray(0, HEAD_BYTES), 0) === 'valid') return 'tar'
  if (startsLikeZip(head)) return 'zip'
  return detectCompression(head.subarray(0, DETECT_BYTES))
}

/**
 * The whole rule, for input that can be read anywhere: `formatFromHead`, else `'zip'` when the zip reader
 * finds an end of central directory record at the end (after trailing bytes or not) that it accepts and
 * whose central directory begins with a directory header or is empty (a zip behind a prefix: a
 * self-extractor's stub, a script, any bytes), else `'tar'`. The end record is found exactly as
 * `readZipLayout` finds it; the further checks keep a stray `PK 05 06` inside other data from calling that
 * data a zip.
 *
 * @example
 * ```ts
 * const format = await formatOf(bytesSource(bytes)) // 'zip' for a zip behind a stub
 * ```
 */
export async function formatOf (source: RandomAccessSource): Promise<InputFormat> {
  const head = await readExact(source, 0, Math.min(HEAD_BYTES, source.size))
  return formatFromHead(head) ?? (await hasZipEnd(source) ? 'zip' : 'tar')
}

/** The zip signatures a file may start with: a local header, or the end record of an empty zip. */
function startsLikeZip (head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b &&
    ((head[2] === 0x03 && head[3] === 0x04) || (head[2] === 0x05 && head[3] === 0x06))
}

async function hasZipEnd (source: RandomAccessSource): Promise<boolean> {
  const tailLength = Math.min(source.size, END_SEARCH_BYTES)
  const tail = await readExact(source, source.size - tailLength, tailLength)
  // The cheap scan first: most inputs that get here have no signature at all.
  if (findEndRecord(tail, source.size - tailLength, source.size) < 0) return false
  try {
    const end = await readEndRecords(source)
    if (end.cdSize === 0) return end.entryCount === 0
    if (end.cdOffset + 4 > source.size) return false
    return u32(await readExact(source, end.cdOffset, 4), 0) === SIG_CENTRAL_HEADER
  } catch (err) {
    // End records the reader rejects: a stray signature in other data, not a zip to report errors on.
    if (err instanceof ArchiveManifestError) return false
    throw err
  }
}
