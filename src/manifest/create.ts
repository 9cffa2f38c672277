/**
 * manifestFromTarball: archive bytes → (decompression, when the bytes say so) → the tar pipeline →
 * manifest → blocks. One pass over the input: the digests, the tar reader, each file's DAG builder and the
 * archive DAG all consume the same chunks as they arrive, so memory is bounded by the profile's chunk size
 * plus the entry list, whatever the archive's size.
 */
import { discardBlocks } from '../blocks.js'
import { detectCompression, DETECT_BYTES, type CompressionFormat } from '../compression/container/detect.js'
import { classifyBlock } from '../archive/tar/checksum.js'
import { ArchiveDigests } from '../digest/incremental.js'
import { resolveLimits } from '../limits.js'
import { MANIFEST_VERSION, type Manifest } from '../schema/types.js'
import { toChunks, type ByteSource } from '../source.js'
import { getProfile } from '../unixfs/profile.js'
import { describeCompressed } from './compressed.js'
import { finishManifest, type ManifestOptions, type ManifestResult } from './result.js'
import { assertSameSize } from './size-check.js'
import { TarDescriber } from './tar-describer.js'
import { looksLikeZip } from './zip.js'
import { UnsupportedFormatError } from '../errors.js'

export type { ManifestOptions, ManifestResult } from './result.js'

/**
 * Describes an existing tar archive. The archive is read once, as a stream.
 *
 * @example
 * ```ts
 * import { manifestFromTarball, restoreArchive, MemoryBlocks } from 'ipld-archive-manifest'
 * const blocks = new MemoryBlocks()
 * const result = await manifestFromTarball(tarBytes, { blockstore: blocks })
 * console.log(result.cid.toString(), result.archiveCid.toString(), result.treeCid.toString())
 * for await (const chunk of restoreArchive(result.cid, blocks)) process.stdout.write(chunk)
 * ```
 */
export async function manifestFromTarball (source: ByteSource, options: ManifestOptions = {}): Promise<ManifestResult> {
  const profile = getProfile(options.profile)
  const { format, chunks } = await detectFormat(toChunks(source))
  if (format !== undefined) return await describeCompressed(format, chunks, profile, options)

  const sink = options.blockstore ?? discardBlocks
  const limits = resolveLimits(options.limits)
  const digests = options.digester ?? new ArchiveDigests()
  const tar = new TarDescriber(profile, sink, limits)

  let bytesRead = 0
  for await (const chunk of chunks) {
    const pending = digests.update(chunk)
    if (pending !== undefined) await pending
    await tar.push(chunk)
    bytesRead += chunk.length
    options.onProgress?.(bytesRead)
  }
  const described = await tar.end()
  const { size, sha256, sha512 } = await digests.finish()
  // The archive is restored from archive.root and checked against `size`: both must be the bytes read.
  assertSameSize('the archive DAG', described.root.fileSize, bytesRead)
  assertSameSize('the digested archive', size, bytesRead)
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    profile: profile.name,
    archive: { format: 'tar', size, sha256, sha512, root: described.root.cid },
    tar: described.tarFields(size, sha256),
    entryCount: described.entries.length,
    entries: described.pages,
    tree: described.tree
  }
  return await finishManifest(manifest, described, sink)
}

/** The compression format named by the first bytes (none for a plain tar), and all the chunks again. */
async function detectFormat (source: AsyncIterable<Uint8Array>): Promise<{ format?: CompressionFormat, chunks: AsyncIterable<Uint8Array> }> {
  const iterator = source[Symbol.asyncIterator]()
  const head: Uint8Array[] = []
  let length = 0
  let done = false
  // A whole first block: a tar whose first name happens to begin with a compressor's magic is still a
  // tar when that block is a valid tar header (its checksum matches).
  while (length < 512) {
    const next = await iterator.next()
    if (next.done === true) { done = true; break }
    head.push(next.value)
    length += next.value.length
  }
  const first = new Uint8Array(Math.min(length, 512))
  let at = 0
  for (const chunk of head) {
    if (at === first.length) break
    const n = Math.min(chunk.length, first.length - at)
    first.set(chunk.subarray(0, n), at)
    at += n
  }
  const chunks = (async function * (): AsyncGenerator<Uint8Array> {
    yield * head
    if (done) return
    while (true) {
      const next = await iterator.next()
      if (next.done === true) return
      yield next.value
    }
  })()
  if (looksLikeZip(first) && !(first.length === 512 && classifyBlock(first, 0) === 'valid')) {
    throw new UnsupportedFormatError('this is a zip archive: describe it with manifestFromZip (or manifestFromFile, which detects it)', { offset: 0 })
  }
  const format = detectCompression(first.subarray(0, DETECT_BYTES))
  if (format === undefined || (first.length === 512 && classifyBlock(first, 0) === 'valid')) return { chunks }
  return { format, chunks }
}

