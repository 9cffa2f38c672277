/**
 * restoreArchive: the original archive bytes from the blocks, verified. Every block is re-hashed as it is
 * read (getBlock), and the size and sha256 of the whole are compared with the manifest at the end; a
 * mismatch throws after the last chunk, so a consumer must treat the stream as good only once it ends.
 *
 * Where the bytes come from: `archive.root` when the manifest links the archive's bytes (archives some
 * part of which has no recipe); else the archive file's own blocks when the blockstore happens to hold
 * them; otherwise they are rebuilt: a tar stream from its entries and the tree (tar-stream.ts), each
 * compressed member from that stream (its header, its recipe's encoder over its range of the tar, its
 * trailer), or a zip from its entries and the tree (zip-stream.ts).
 */
import { CID } from 'multiformats/cid'
import { equalBytes, getBlock, type BlockSource } from '../blocks.js'
import type { BlockEncoders } from '../compression/recipe/blocks.js'
import type { Recipe } from '../compression/recipe/encoder.js'
import { encoderFor } from '../compression/recipe/registry.js'
import type { StreamEncoders } from '../compression/recipe/stream-encoders.js'
import { createDigest } from '../digest/incremental.js'
import { BlockNotFoundError, DigestMismatchError, InvalidManifestError } from '../errors.js'
import type { Manifest } from '../schema/types.js'
import { readFile } from '../unixfs/file-reader.js'
import { loadManifest } from './load.js'
import { tarBytes } from './tar-stream.js'
import { zipBytes } from './zip-stream.js'
import { filesTree, type TreeFiles } from './files-tree.js'
import { blockTree, type TreeContents } from './tree-contents.js'

export interface RestoreOptions {
  /**
   * Read the tree's files from here rather than from the blocks (an unpacked copy of the tree: on Node,
   * `directoryFiles(dir)`), so that the blockstore needs only the manifest and its side data. Each file
   * is checked as it is read (files-tree.ts), and the archive's sha256 at the end as always.
   */
  files?: TreeFiles
  /** With `files`: they are the stripped tree's (the single top-level directory's contents). */
  strip?: boolean
  /**
   * Where the pieces of a compressed member whose format has independent blocks (bzip2, xz's threaded
   * layout) are encoded, several at once: on Node, `createWorkerBlockEncoders()` (worker threads). Without
   * it each member is encoded in this thread, in one piece.
   */
  blockEncoders?: BlockEncoders
  /**
   * Where a compressed member with no independent blocks (gzip, single-block xz, zstd) is encoded: on
   * Node, `createWorkerStreamEncoders()` (a worker thread, beside this thread's reading of the blocks and
   * assembling of the tar). Without it the member is encoded in this thread.
   */
  streamEncoders?: StreamEncoders
}

/** Where a rebuild's encoders run (RestoreOptions): both optional. */
export type RebuildEncoders = Pick<RestoreOptions, 'blockEncoders' | 'streamEncoders'>

/**
 * @example
 * ```ts
 * const out = createWriteStream('hello-2.12.tar')
 * for await (const chunk of restoreArchive(manifestCid, blockstore)) out.write(chunk)
 * // from an unpacked tree (a Nix store path) and a CAR of the manifest and its side data:
 * for await (const chunk of restoreArchive(manifestCid, car, { files: directoryFiles('/nix/store/…-source'), strip: true })) …
 * ```
 */
export async function * restoreArchive (manifestCid: CID, source: BlockSource, options: RestoreOptions = {}): AsyncGenerator<Uint8Array> {
  const manifest = await loadManifest(manifestCid, source)
  const hash = createDigest('sha256')
  let size = 0
  const tree = options.files === undefined ? blockTree(manifest.tree.root, source) : await filesTree(manifest, source, options.files, { strip: options.strip === true })
  const own = await linkedArchiveFile(manifest, source)
  const bytes = own !== undefined
    ? readFile(own, source)
    : manifest.archive.format === 'zip'
      ? zipBytes(manifest, source, tree)
      : manifest.archive.format === 'tar' ? tarBytes(manifest, source, undefined, tree) : rebuild(manifest, source, tree, options)
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

/**
 * Bytes `offset` to `offset + length` of the archive (clamped to its size), from the blocks, each block
 * checked against its CID but the whole NOT checked against the archive's digest (a range cannot be):
 * use it for an archive whose full restore has been verified before, or whose bytes are a linked file.
 * Cost: a linked file (linkedArchiveFile) reads only the blocks of the range; a plain tar skips to the
 * entry holding `offset` (entry records are read, file blocks before it are not); a compressed archive
 * or a zip is rebuilt from its first byte and the bytes before `offset` are dropped.
 *
 * @example
 * ```ts
 * for await (const chunk of restoreArchiveRange(manifest, blockstore, { offset: 512, length: 512 })) out.write(chunk)
 * ```
 */
export async function * restoreArchiveRange (manifest: Manifest, source: BlockSource, range: { offset: number, length: number }, options: RebuildEncoders = {}): AsyncGenerator<Uint8Array> {
  if (range.length <= 0) return
  const own = await linkedArchiveFile(manifest, source)
  if (own !== undefined) { yield * readFile(own, source, range); return }
  if (manifest.archive.format === 'tar') { yield * tarBytes(manifest, source, range); return }
  const end = range.offset + range.length
  const bytes = manifest.archive.format === 'zip' ? zipBytes(manifest, source) : rebuild(manifest, source, blockTree(manifest.tree.root, source), options, end)
  let position = 0
  for await (const chunk of bytes) {
    const next = position + chunk.length
    if (next > range.offset) yield chunk.subarray(Math.max(range.offset - position, 0), Math.min(end - position, chunk.length))
    position = next
    if (position >= end) return
  }
}

/**
 * The archive's bytes as a UnixFS file when the blockstore has one: `archive.root` when the manifest links
 * them, else the archive file's own DAG (`compression.fileCid`, `zip.fileCid`) when the blockstore holds
 * its root anyway (someone added the file itself). Reading it costs no rebuild, and any range of it can
 * be read alone.
 */
export async function linkedArchiveFile (manifest: Manifest, source: BlockSource): Promise<CID | undefined> {
  if (manifest.archive.root !== undefined) return manifest.archive.root
  const bytes = manifest.compression?.fileCid ?? manifest.zip?.fileCid
  if (bytes === undefined) return undefined
  const cid = CID.decode(bytes)
  try {
    await getBlock(source, cid)
    return cid
  } catch (err) {
    if (err instanceof BlockNotFoundError) return undefined
    throw err
  }
}

/**
 * A compressed archive from the tar stream and each member's recipe. `stopAt`: the consumer stops reading
 * at that archive offset (a range).
 */
async function * rebuild (manifest: Manifest, source: BlockSource, tree: TreeContents, { blockEncoders, streamEncoders }: RebuildEncoders, stopAt = Infinity): AsyncGenerator<Uint8Array> {
  const compression = manifest.compression
  if (compression === undefined || manifest.tar === undefined) throw new InvalidManifestError('manifest links no archive bytes and has no compression recipes')
  const tar = tarBytes(manifest, source, undefined, tree)[Symbol.asyncIterator]()
  let rest: Uint8Array = new Uint8Array(0)
  // The member's range of the tar: what is left of the last chunk, then further chunks.
  async function * range (member: { offset: number, tarSize: number }): AsyncGenerator<Uint8Array> {
    for (let left = member.tarSize; left > 0;) {
      if (rest.length === 0) {
        const next = await tar.next()
        if (next.done === true) throw new InvalidManifestError('the tar stream ends before the compressed members do', { offset: member.offset })
        rest = next.value
        continue
      }
      const n = Math.min(left, rest.length)
      yield rest.subarray(0, n)
      rest = rest.subarray(n)
      left -= n
    }
  }
  // Given up early (a consumer that stops reading), the tar stream is given up with it: it may hold a file
  // of the tree open (restore --from-dir), and is read through `tar`, which no for-await ends here.
  try {
    for (const member of compression.members) {
      if (member.recipe === undefined) throw new InvalidManifestError(`member at offset ${member.offset} has no recipe and the archive's bytes are not linked`)
      yield member.header
      // Loaded for compressed members only: restoring a plain tar loads no codec code (#16, start-up).
      const blocks = blockEncoders === undefined ? undefined : await import('../compression/recipe/blocks.js')
      const layout = blocks?.blockLayoutOf(member.recipe)
      // A gzip body's parse on the block encoders' threads, its blocks written here (whole members only, as below).
      const segmented = layout === undefined && blocks !== undefined && blockEncoders !== undefined && member.offset + member.size <= stopAt
        ? blocks.deflateInSegments(member.recipe, member.tarSize, range(member), blockEncoders)
        : undefined
      yield * (layout !== undefined && blocks !== undefined && blockEncoders !== undefined
        ? blocks.encodeInBlocks(member.recipe, layout, range(member), blockEncoders)
        : segmented !== undefined
          ? segmented
        // A member the range ends inside is encoded here: a stream stopped midway costs its worker (its
        // encoder's state cannot be reused) and the input in flight, more than a range's prefix is worth.
        : streamEncoders !== undefined && member.offset + member.size <= stopAt
          ? streamEncoders.encode(member.recipe, member.tarSize, range(member))
          : encodeWhole(member.recipe, member.tarSize, range(member)))
      yield member.trailer
    }
    if (compression.trailing !== undefined) yield compression.trailing
  } finally {
    await tar.return(undefined)
  }
}

/** A member's body from one encoder, in this thread. */
async function * encodeWhole (recipe: Recipe, tarSize: number, input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const encoder = (await encoderFor(recipe, tarSize)).create()
  try {
    for await (const bytes of input) yield * encoder.write(bytes)
    yield * encoder.end()
  } finally {
    // Its wasm instance goes back to the pool (a server rebuilds one archive after another).
    encoder.dispose?.()
  }
}
