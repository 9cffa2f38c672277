/**
 * manifestFromFile and manifestFromStream: the Node ways to describe an archive on disk or one arriving
 * through a pipe, with the digests (and a compressed archive's recipe races) on other cores.
 */
import type { ManifestOptions, ManifestResult } from '../manifest/create.js'
import { formatFromHead, formatOf, HEAD_BYTES } from '../manifest/detect.js'
import type { RecipeRaces } from '../compression/recipe/races.js'
import type { createWorkerDigester } from './worker-digester.js'
import type { AnyEntry } from '../schema/types.js'
import { peekHead, type ByteSource } from '../source.js'
import { lendArchiveFile, openArchiveFile, openRandomAccessFile, readRegularFile, streamChunks } from './files.js'
import { isRegularFile } from './fs-errors.js'
import { ResourceStack } from './resource-stack.js'

/**
 * Compressed archives from this size on race their recipes on a worker thread: below it, starting one
 * (a Node isolate, the encoders' modules and wasm) costs about what the races do.
 */
const WORKER_RACES_MIN_BYTES = 128 * 1024
/**
 * Plain tars and zips from this size on have their digests computed on worker threads: a smaller one is
 * hashed here in less time (1.4 ms a MB for both digests) than the workers take to start. A compressed
 * tar's are always computed here (`digestsOnWorkers`).
 */
const WORKER_DIGESTS_MIN_BYTES = 8 * 1024 * 1024

/** manifestFromTarball's options, but the digester (these functions start their own on worker threads). */
export interface FileManifestOptions extends Omit<ManifestOptions, 'digester'> {
  /**
   * Verify an xz member in the threaded layout (`xz -T2`) two blocks at a time, once its race is down to
   * one candidate (createWorkerRaces' `xzBlocks`): about half the time on two cores, for a second xz
   * encoder's memory (~200 MB more at `-6`). Default false. Ignored when `recipeRaces` is given.
   */
  xzBlocks?: boolean
}

/**
 * Describes a tar (plain or compressed) or zip archive on disk. The format is decided by `formatOf`
 * (docs/spec.md §17.1): a valid tar header block at offset 0 is a tar; a zip local header or an empty
 * zip's end record at offset 0, or else (self-extracting and other prefixed zips, with or without bytes
 * after the end record) an end of central directory record that the zip reader finds and accepts, is a
 * zip, whose entries are then `ZipEntry` values; anything else is streamed to `manifestFromTarball`.
 * A path that is a pipe, FIFO or socket (`/dev/stdin` in a pipeline, `<(command)`) is read once, as
 * `manifestFromStream` reads it; its size is never taken from stat.
 */
export async function manifestFromFile (path: string, options: FileManifestOptions = {}): Promise<ManifestResult<AnyEntry>> {
  // --nar reads the tree's blocks back: a sink that cannot be read gets a spool on disk beside it.
  const spool = options.nar === true && options.narBlocks === undefined && typeof (options.blockstore as { get?: unknown } | undefined)?.get !== 'function'
    ? await (await import('./spool-blocks.js')).SpoolBlocks.create()
    : undefined
  try {
    return await describeFile(path, spool === undefined ? options : { ...options, narBlocks: spool })
  } finally {
    await spool?.close()
  }
}

async function describeFile (path: string, options: FileManifestOptions): Promise<ManifestResult<AnyEntry>> {
  if (!await isRegularFile(path)) return await manifestFromStream(streamChunks(path), options)
  // The file and the workers are closed on every way out, a start that fails included.
  return await ResourceStack.run(async resources => {
    const file = await resources.use(openRandomAccessFile(path))
    const format = await formatOf(file)
    const zip = format === 'zip'
    const digester = digestsOnWorkers(format) && file.size >= WORKER_DIGESTS_MIN_BYTES ? await resources.use(workerDigester()) : undefined
    // A compressed archive's recipe races run on another core, unless it is too small to repay a worker.
    const races = format !== 'tar' && !zip && file.size >= WORKER_RACES_MIN_BYTES && options.recipeRaces === undefined ? await resources.use(workerRaces(options.xzBlocks)) : undefined
    if (zip) {
      const { manifestFromZip } = await import('../manifest/zip.js')
      const { reread: _, ...zipOptions } = options
      return await manifestFromZip(file, { ...zipOptions, ...(digester === undefined ? {} : { digester }) })
    }
    await file.close()
    // A plain tar is read into the digester's slots, which its workers hash in place (a compressed one is
    // first read by a decompressor that may keep its chunks, so it is read into buffers of its own).
    // Each later open of the path must find the file whose format was found (FileChangedError).
    if (format === 'tar' && digester !== undefined) {
      const { chunks } = await lendArchiveFile(path, digester.pool, file.file)
      return await (await describer())(chunks, { ...options, digester, lentChunks: true })
    }
    const { chunks } = readRegularFile(path, file.file)
    // A second read, only if a compressed archive turns out to need its own blocks stored.
    const reread = async function * (): AsyncGenerator<Uint8Array> { yield * readRegularFile(path, file.file).chunks }
    return await (await describer())(chunks, { ...options, reread, ...(digester === undefined ? {} : { digester }), ...(races === undefined ? {} : { recipeRaces: races }) })
  })
}

/**
 * Describes an archive that can be read only once (stdin, a pipe), giving the manifest `manifestFromFile`
 * gives for the same bytes in a file. The first block decides (docs/spec.md §17.1): a tar is described as
 * it streams; a compressed tar too, with a copy kept in a temporary file for the second pass that only an
 * archive without a recipe needs; a zip, or bytes whose first block decides nothing (a zip may sit behind
 * a prefix), are copied to a temporary file first and described from there. Temporary files are removed
 * before this returns.
 */
export async function manifestFromStream (source: ByteSource, options: FileManifestOptions = {}): Promise<ManifestResult<AnyEntry>> {
  const { head, chunks, cancel } = await peekHead(source, HEAD_BYTES)
  // Released on every way out, the last taken first; the source too, when something stopped before its
  // end was read (a worker that did not start, say): a pipe is not left half read and open.
  return await ResourceStack.run(async resources => {
    resources.defer(cancel)
    const format = formatFromHead(head)
    if (format === 'tar') {
      const digester = await resources.use(workerDigester())
      return await (await describer())(chunks, { ...options, digester })
    }
    const { createSpool, spoolAll } = await import('./spool.js')
    if (format === undefined || format === 'zip') {
      const spool = await spoolAll(chunks)
      resources.defer(spool.remove)
      return await manifestFromFile(spool.path, options)
    }
    const spool = await createSpool()
    resources.defer(spool.remove)
    const races = options.recipeRaces === undefined ? await resources.use(workerRaces(options.xzBlocks)) : undefined
    const reread = async function * (): AsyncGenerator<Uint8Array> { yield * (await openArchiveFile(spool.path)).chunks }
    return await (await describer())(spool.copy(chunks), { ...options, reread, ...(races === undefined ? {} : { recipeRaces: races }) })
  })
}

/**
 * Whether an archive of this format has its digests computed on worker threads (when large enough). Not a
 * compressed tar's: its digests cover the compressed bytes, which cost this thread a fraction of what
 * decompressing them does (1.4 ms a MB against 7-30 ms a MB for gunzip, more for the others), while the
 * race worker keeps the other core busy; two more isolates and their slots (32 MiB) would add about 50 MB
 * to the peak memory (#16).
 */
function digestsOnWorkers (format: string | undefined): boolean {
  return format === 'tar' || format === 'zip'
}

/**
 * manifestFromTarball, imported once the workers have been started: most of the describer's code (its
 * IPLD codecs, the schema validator, the tree) then loads in this thread while they boot on the other
 * core, instead of before they are even started (#16).
 */
async function describer (): Promise<typeof import('../manifest/create.js').manifestFromTarball> {
  return (await import('../manifest/create.js')).manifestFromTarball
}

// The worker modules (and node:worker_threads) load only when a worker starts: a small archive needs none.
async function workerDigester (): Promise<ReturnType<typeof createWorkerDigester>> {
  return (await import('./worker-digester.js')).createWorkerDigester()
}

async function workerRaces (xzBlocks = false): Promise<RecipeRaces & { close(): Promise<void> }> {
  return (await import('./worker-races.js')).createWorkerRaces({ xzBlocks })
}
