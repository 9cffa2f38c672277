/**
 * manifestFromTarball: archive bytes → (decompression, when the bytes say so) → the tar pipeline →
 * manifest → blocks. One pass over the input: the digests, the tar reader, each file's DAG builder and the
 * archive DAG all consume the same chunks as they arrive, so memory is bounded by the profile's chunk size
 * plus the entry list, whatever the archive's size.
 */
import { copyBytes } from '../archive/tar/bytes.js'
import { bytesSource } from '../archive/zip/source.js'
import type { CompressionFormat } from '../compression/container/detect.js'
import { ArchiveDigests } from '../digest/incremental.js'
import { resolveLimits } from '../limits.js'
import { MANIFEST_VERSION, type Manifest } from '../schema/types.js'
import { peekHead, type ByteSource } from '../source.js'
import { getProfile } from '../unixfs/profile.js'
import { describerBlocks } from './tree-nar.js'
import { finishManifest, type ManifestOptions, type ManifestResult } from './result.js'
import { assertSameSize } from './size-check.js'
import { TarDescriber } from './tar-describer.js'
import { formatFromHead, formatOf, HEAD_BYTES } from './detect.js'
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
  const { format, chunks } = await detectFormat(source)
  // Loaded for compressed input only: a plain tar needs none of the decoders and recipes (CLI start-up, #16).
  // The decompressors may hold input chunks longer: lent ones are copied for them.
  if (format !== undefined) return await (await import('./compressed.js')).describeCompressed(format, options.lentChunks === true ? copies(chunks) : chunks, profile, options)

  const { sink, narSource } = describerBlocks(options)
  const limits = resolveLimits(options.limits)
  const digests = options.digester ?? new ArchiveDigests()
  const tar = new TarDescriber(profile, sink, limits, options.lentChunks === true)

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
  // The tar is rebuilt piece by piece (its view is those pieces) and checked against `size`: both must be the bytes read.
  assertSameSize('the tar view', described.view.fileSize, bytesRead)
  assertSameSize('the digested archive', size, bytesRead)
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    profile: profile.name,
    archive: { format: 'tar', size, sha256, sha512 },
    tar: described.tarFields(size, sha256),
    entryCount: described.entryCount,
    entries: described.pages,
    tree: described.tree
  }
  return await finishManifest(manifest, described, sink, narSource)
}

async function * copies (chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) yield copyBytes(chunk)
}

/**
 * The compression format the input is in (none for a plain tar), and all the chunks again. The rule is
 * src/manifest/detect.ts's: the first bytes, and for bytes in memory also the end, where a zip behind a
 * prefix shows; a stream that starts with a prefix cannot be recognised as a zip without reading it to its
 * end, so it is read as a tar (and fails as one). A zip is refused with a pointer to manifestFromZip.
 */
async function detectFormat (source: ByteSource): Promise<{ format?: CompressionFormat, chunks: AsyncIterable<Uint8Array> }> {
  // A whole first block: a tar whose first name happens to begin with a magic is still a tar.
  const { head, chunks, cancel } = await peekHead(source, HEAD_BYTES)
  let format = formatFromHead(head)
  if (format === undefined && source instanceof Uint8Array) format = await formatOf(bytesSource(source))
  if (format === 'zip') {
    await cancel()
    throw new UnsupportedFormatError('this is a zip archive: describe it with manifestFromZip (or manifestFromFile, which detects it)', { offset: 0, format: 'zip' })
  }
  return format === undefined || format === 'tar' ? { chunks } : { format, chunks }
}
