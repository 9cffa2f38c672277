/** manifestFromFile: the Node way to describe an archive on disk, streaming it with the digests on other cores. */
import { classifyBlock } from '../archive/tar/checksum.js'
import { detectCompression, DETECT_BYTES } from '../compression/container/detect.js'
import { manifestFromTarball, type ManifestOptions, type ManifestResult } from '../manifest/create.js'
import { looksLikeZip, manifestFromZip } from '../manifest/zip.js'
import type { AnyEntry } from '../schema/types.js'
import { openArchiveFile, openRandomAccessFile } from './files.js'
import { createWorkerDigester } from './worker-digester.js'

/**
 * Describes a tar (plain or compressed) or zip archive on disk. A zip is recognised by a local header or
 * end record at offset 0, or (self-extracting and prefixed zips) by an end-of-central-directory record in
 * the file's last 64 KiB when the file is neither compressed nor a tar; its entries are then `ZipEntry`
 * values.
 */
export async function manifestFromFile (path: string, options: Omit<ManifestOptions, 'digester'> = {}): Promise<ManifestResult<AnyEntry>> {
  const file = await openRandomAccessFile(path)
  let zip: boolean
  try {
    zip = await isZipFile(file)
  } catch (err) {
    await file.close()
    throw err
  }
  const digester = createWorkerDigester()
  try {
    if (zip) {
      const { reread: _, ...zipOptions } = options
      return await manifestFromZip(file, { ...zipOptions, digester })
    }
    await file.close()
    const { chunks } = await openArchiveFile(path)
    // A second read, only if a compressed archive turns out to need its own blocks stored.
    const reread = async function * (): AsyncGenerator<Uint8Array> { yield * (await openArchiveFile(path)).chunks }
    return await manifestFromTarball(chunks, { ...options, digester, reread })
  } finally {
    if (zip) await file.close()
    await digester.close()
  }
}

const EOCD_MAX_DISTANCE = 22 + 65535

async function isZipFile (file: { size: number, read: (offset: number, length: number) => Promise<Uint8Array> }): Promise<boolean> {
  const head = await file.read(0, Math.min(512, file.size))
  if (looksLikeZip(head)) return true
  if (detectCompression(head.subarray(0, DETECT_BYTES)) !== undefined) return false
  if (head.length === 512 && classifyBlock(head, 0) === 'valid') return false
  if (file.size < 22) return false
  const tailLength = Math.min(file.size, EOCD_MAX_DISTANCE)
  const tail = await file.read(file.size - tailLength, tailLength)
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 0x05 && tail[i + 3] === 0x06) {
      // The comment length must reach exactly the end of the file.
      const commentLength = (tail[i + 20] as number) | ((tail[i + 21] as number) << 8)
      if (i + 22 + commentLength === tail.length) return true
    }
  }
  return false
}
