/** manifestFromFile: the Node way to describe an archive on disk, streaming it with the digests (and recipe races) on other cores. */
import { manifestFromTarball, type ManifestOptions, type ManifestResult } from '../manifest/create.js'
import { formatOf, type InputFormat } from '../manifest/detect.js'
import { manifestFromZip } from '../manifest/zip.js'
import type { AnyEntry } from '../schema/types.js'
import { openArchiveFile, openRandomAccessFile } from './files.js'
import { createWorkerDigester } from './worker-digester.js'
import { createWorkerRaces } from './worker-races.js'

/**
 * Compressed archives from this size on race their recipes on a worker thread: below it, starting one
 * (a Node isolate, the encoders' modules and wasm) costs about what the races do.
 */
const WORKER_RACES_MIN_BYTES = 128 * 1024
/**
 * Archives from this size on have their digests computed on worker threads: a smaller one is hashed here
 * in less time (1.4 ms a MB for both digests) than the workers take to start.
 */
const WORKER_DIGESTS_MIN_BYTES = 8 * 1024 * 1024

/**
 * Describes a tar (plain or compressed) or zip archive on disk. The format is decided by `formatOf`
 * (docs/spec.md §17.1): a valid tar header block at offset 0 is a tar; a zip local header or an empty
 * zip's end record at offset 0, or else (self-extracting and other prefixed zips, with or without bytes
 * after the end record) an end of central directory record that the zip reader finds and accepts, is a
 * zip, whose entries are then `ZipEntry` values; anything else is streamed to `manifestFromTarball`.
 */
export async function manifestFromFile (path: string, options: Omit<ManifestOptions, 'digester'> = {}): Promise<ManifestResult<AnyEntry>> {
  const file = await openRandomAccessFile(path)
  let format: InputFormat
  try {
    format = await formatOf(file)
  } catch (err) {
    await file.close()
    throw err
  }
  const zip = format === 'zip'
  const digester = file.size >= WORKER_DIGESTS_MIN_BYTES ? createWorkerDigester() : undefined
  // A compressed archive's recipe races run on another core, unless it is too small to repay a worker.
  const races = format !== 'tar' && !zip && file.size >= WORKER_RACES_MIN_BYTES && options.recipeRaces === undefined ? createWorkerRaces() : undefined
  try {
    if (zip) {
      const { reread: _, ...zipOptions } = options
      return await manifestFromZip(file, { ...zipOptions, ...(digester === undefined ? {} : { digester }) })
    }
    await file.close()
    const { chunks } = await openArchiveFile(path)
    // A second read, only if a compressed archive turns out to need its own blocks stored.
    const reread = async function * (): AsyncGenerator<Uint8Array> { yield * (await openArchiveFile(path)).chunks }
    return await manifestFromTarball(chunks, { ...options, reread, ...(digester === undefined ? {} : { digester }), ...(races === undefined ? {} : { recipeRaces: races }) })
  } finally {
    if (zip) await file.close()
    await digester?.close()
    await races?.close()
  }
}
