/** manifestFromFile: the Node way to describe an archive on disk, streaming it with the digests on other cores. */
import { manifestFromTarball, type ManifestOptions, type ManifestResult } from '../manifest/create.js'
import { formatOf } from '../manifest/detect.js'
import { manifestFromZip } from '../manifest/zip.js'
import type { AnyEntry } from '../schema/types.js'
import { openArchiveFile, openRandomAccessFile } from './files.js'
import { SpoolBlocks } from './spool-blocks.js'
import { createWorkerDigester } from './worker-digester.js'

/**
 * Below this size the sha512 is computed on the main thread: starting a worker costs about 25 ms of CPU
 * and 30 ms before it answers, while sha512 of 16 MiB takes about 20 ms (0.8 GB/s).
 */
const WORKER_DIGEST_MIN_BYTES = 16 * 1024 * 1024

/**
 * Describes a tar (plain or compressed) or zip archive on disk. The format is decided by `formatOf`
 * (docs/spec.md §17.1): a valid tar header block at offset 0 is a tar; a zip local header or an empty
 * zip's end record at offset 0, or else (self-extracting and other prefixed zips, with or without bytes
 * after the end record) an end of central directory record that the zip reader finds and accepts, is a
 * zip, whose entries are then `ZipEntry` values; anything else is streamed to `manifestFromTarball`.
 */
export async function manifestFromFile (path: string, options: Omit<ManifestOptions, 'digester'> = {}): Promise<ManifestResult<AnyEntry>> {
  // --nar reads the tree's blocks back: a sink that cannot be read gets a spool on disk beside it.
  const spool = options.nar === true && options.narBlocks === undefined && typeof (options.blockstore as { get?: unknown } | undefined)?.get !== 'function'
    ? await SpoolBlocks.create()
    : undefined
  try {
    return await describeFile(path, spool === undefined ? options : { ...options, narBlocks: spool })
  } finally {
    await spool?.close()
  }
}

async function describeFile (path: string, options: Omit<ManifestOptions, 'digester'>): Promise<ManifestResult<AnyEntry>> {
  const file = await openRandomAccessFile(path)
  let zip: boolean
  try {
    zip = await formatOf(file) === 'zip'
  } catch (err) {
    await file.close()
    throw err
  }
  const digester = file.size >= WORKER_DIGEST_MIN_BYTES ? createWorkerDigester() : undefined
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
    await digester?.close()
  }
}
