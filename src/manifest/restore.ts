/**
 * restoreArchive: the original archive bytes from the blocks, verified. Every block is re-hashed as it is
 * read (getBlock), and the size and sha256 of the whole are compared with the manifest at the end; a
 * mismatch throws after the last chunk, so a consumer must treat the stream as good only once it ends.
 *
 * Where the bytes come from: `archive.root` when the manifest links the archive's bytes (every plain tar,
 * and compressed archives some member of which has no recipe); otherwise each compressed member is
 * rebuilt from the tar's blocks: its header, its recipe's encoder over its range of the tar, its trailer.
 */
import type { CID } from 'multiformats/cid'
import type { BlockSource } from '../blocks.js'
import { equalBytes } from '../blocks.js'
import { encoderFor } from '../compression/recipe/registry.js'
import { createDigest } from '../digest/incremental.js'
import { DigestMismatchError, InvalidManifestError } from '../errors.js'
import type { Manifest } from '../schema/types.js'
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
  const bytes = manifest.archive.root !== undefined ? readFile(manifest.archive.root, source) : rebuild(manifest, source)
  for await (const chunk of bytes) {
    if (chunk.length === 0) continue
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

/** A compressed archive from the tar's blocks and each member's recipe. */
async function * rebuild (manifest: Manifest, source: BlockSource): AsyncGenerator<Uint8Array> {
  const compression = manifest.compression
  if (compression === undefined) throw new InvalidManifestError('manifest links no archive bytes and has no compression recipes')
  for (const member of compression.members) {
    if (member.recipe === undefined) throw new InvalidManifestError(`member at offset ${member.offset} has no recipe and the archive's bytes are not linked`)
    yield member.header
    const encoder = encoderFor(member.recipe).create()
    if (member.tarSize > 0) {
      for await (const chunk of readFile(manifest.tar.root, source, { offset: member.tarOffset, length: member.tarSize })) {
        yield * encoder.write(chunk)
      }
    }
    yield * encoder.end()
    yield member.trailer
  }
  if (compression.trailing !== undefined) yield compression.trailing
}
