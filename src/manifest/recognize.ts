/**
 * Whether some bytes are an archive this library describes, told by their content alone (a file's name
 * says nothing): what `add DIR` uses to pick the archives out of a directory of anything. Pure.
 */
import { classifyBlock } from '../archive/tar/checksum.js'
import { readExact } from '../archive/zip/source.js'
import type { RandomAccessSource } from '../archive/zip/types.js'
import { decompress } from '../compression/decompress/index.js'
import { ArchiveManifestError } from '../errors.js'
import type { ArchiveFormat } from '../schema/types.js'
import { formatFromHead, formatOf, HEAD_BYTES } from './detect.js'

/** Compressed bytes read at most to find the first tar header inside (bzip2's largest block is 900 kB). */
const SNIFF_COMPRESSED_BYTES = 2 * 1024 * 1024
const SNIFF_READ_BYTES = 64 * 1024

/**
 * The archive format of `source`, or undefined when it is not one: a tar (its first header block's
 * checksum holds), a zip (formatOf's rule), or gzip, bzip2, xz or zstd whose decompressed bytes begin
 * with a tar header. Compressed data that fails to decompress before a header shows is reported as the
 * compressed tar it claims to be, so that describing it gives the error.
 *
 * @example
 * ```ts
 * await recognizeArchive(bytesSource(bytes)) // 'tar+gzip', 'zip', … or undefined for a README
 * ```
 */
export async function recognizeArchive (source: RandomAccessSource): Promise<ArchiveFormat | undefined> {
  const format = formatFromHead(await readExact(source, 0, Math.min(HEAD_BYTES, source.size)))
  if (format === 'tar' || format === 'zip') return format
  if (format === undefined) return await formatOf(source) === 'zip' ? 'zip' : undefined
  return await startsWithTarHeader(source) ? `tar+${format}` : undefined
}

/** Whether the decompressed bytes begin with a valid tar header block (or cannot be decompressed that far). */
async function startsWithTarHeader (source: RandomAccessSource): Promise<boolean> {
  const head = new Uint8Array(HEAD_BYTES)
  let filled = 0
  const limit = Math.min(source.size, SNIFF_COMPRESSED_BYTES)
  async function * input (): AsyncGenerator<Uint8Array> {
    for (let at = 0; at < limit; at += SNIFF_READ_BYTES) yield await readExact(source, at, Math.min(SNIFF_READ_BYTES, limit - at))
  }
  try {
    for await (const event of decompress(input())) {
      if (event.kind !== 'data') continue
      const n = Math.min(event.bytes.length, HEAD_BYTES - filled)
      head.set(event.bytes.subarray(0, n), filled)
      filled += n
      if (filled === HEAD_BYTES) break
    }
  } catch (err) {
    if (!(err instanceof ArchiveManifestError)) throw err
    // Corrupt, or cut short by the sniffing limit: whether it is a tar is for the describer to say.
    return filled < HEAD_BYTES
  }
  return filled === HEAD_BYTES ? classifyBlock(head, 0) === 'valid' : false
}
