/**
 * restoreArchive: the original archive bytes from the blocks, verified. Every block is re-hashed as it is
 * read (getBlock), and the size and sha256 of the whole are compared with the manifest at the end; a
 * mismatch throws after the last chunk, so a consumer must treat the stream as good only once it ends.
 */
import type { CID } from 'multiformats/cid'
import type { BlockSource } from '../blocks.js'
import { equalBytes } from '../blocks.js'
import { createDigest } from '../digest/incremental.js'
import { DigestMismatchError } from '../errors.js'
import { readFile } from '../unixfs/file-reader.js'
import { loadManifest } from './load.js'

/**
 * @example
 * ```ts
 * const out = createWriteStream('hello-2.12.tar')
 * for await (const chunk of restoreArchive(manifestCid, blockstore)) out.write(chunk)
 * ```
 */
export async function * restoreArchive (manifestCid: CID, source: BlockSource): AsyncGenerator<Uint8Array> {
  const manifest = await loadManifest(manifestCid, source)
  const hash = createDigest('sha256')
  let size = 0
  for await (const chunk of readFile(manifest.archive.root, source)) {
    hash.update(chunk)
    size += chunk.length
    if (size > manifest.archive.size) break
    yield chunk
  }
  if (size !== manifest.archive.size) {
    throw new DigestMismatchError(`restored archive has ${size > manifest.archive.size ? 'more than' : 'only'} ${size} bytes; the manifest records ${manifest.archive.size}`,
      { expected: manifest.archive.size, actual: size })
  }
  if (!equalBytes(hash.digest(), manifest.archive.sha256)) {
    throw new DigestMismatchError('restored archive does not have the sha256 the manifest records')
  }
}
