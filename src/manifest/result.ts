/** The options and result of describing an archive, and the last step every description shares. */
import { CID } from 'multiformats/cid'
import { putBlock, type BlockSink, type BlockSource, type Blockstore } from '../blocks.js'
import { encodeManifest } from '../codec/manifest-codec.js'
import type { RecipeRaces } from '../compression/recipe/races.js'
import type { ArchiveDigester } from '../digest/incremental.js'
import type { Limits } from '../limits.js'
import type { AnyEntry, Entry, Manifest, Tar } from '../schema/types.js'
import type { ByteSource } from '../source.js'
import type { ProfileName } from '../unixfs/profile.js'
import type { DescribedTar } from './tar-describer.js'
import { withNarHashes } from './tree-nar.js'

export interface ManifestOptions {
  /** IPIP-499 profile for every UnixFS DAG (default `unixfs-v1-2025`). */
  profile?: ProfileName
  /** Receives every block of the manifest, the archive DAG, the content DAGs and the tree. Default: none kept. */
  blockstore?: BlockSink
  /** Overrides of the named resource limits (see limits.ts). */
  limits?: Partial<Limits>
  /** Called as input is consumed, with the number of archive bytes read so far. */
  onProgress?: (bytesRead: number) => void
  /**
   * Computes the archive's sha256 and sha512. Default: in this thread. On Node, `createWorkerDigester()`
   * from `ipld-archive-manifest/node` computes them on other cores, which roughly halves the time for
   * large archives (the digests cost more than chunk hashing).
   */
  digester?: ArchiveDigester
  /**
   * For compressed archives: where each member's recipe race runs. Default: in this thread, as the
   * archive is read. On Node, manifestFromFile runs them on a worker thread (`createWorkerRaces()` from
   * `ipld-archive-manifest/node`), beside the decompression and the description of the tar.
   */
  recipeRaces?: RecipeRaces
  /**
   * For compressed archives: reads the same archive bytes again. When given, the compressed file's own
   * blocks are stored only when some member has no recipe (in a second pass); without it they are stored
   * during the only pass, in case they are needed. `manifestFromFile` passes it.
   */
  reread?: () => ByteSource
  /**
   * Also record the NAR hash (sha256 and size) of the tree and of the stripped tree (`tree.nar`,
   * `tree.strippedNar`): what Nix's fetchzip pins with `hash`. The tree's blocks are read back for it:
   * from `blockstore` when it has `get`, else from `narBlocks`.
   */
  nar?: boolean
  /** With `nar`, where a copy of the blocks is kept when `blockstore` cannot be read (default: in memory). */
  narBlocks?: Blockstore
  /**
   * The source reuses a chunk's memory once the next chunk is asked for (Node's manifestFromFile reads a
   * large tar into a few shared buffers that way): what outlives its chunk (a file's incomplete chunk, a
   * header, padding, a raw leaf kept by `blockstore`) is then copied. Default: chunks are never reused.
   */
  lentChunks?: boolean
}

export interface ManifestResult<E extends AnyEntry = Entry> {
  /** CID of the manifest's root block (dag-cbor). */
  cid: CID
  /**
   * CID of a UnixFS file whose bytes are the archive's exact bytes: for a tar, its segment DAG; for a
   * compressed archive, the file as `ipfs add` chunks it, whose blocks are stored only when some member
   * has no recipe (otherwise the archive is rebuilt from the tar: see restoreArchive).
   */
  archiveCid: CID
  /** CID of the unpacked tree, and of the tree with its single top-level directory stripped, if any. */
  treeCid: CID
  strippedTreeCid?: CID
  manifest: Manifest
  /** The entries, as the manifest's pages hold them (a tar's decoded from its records when first read). */
  entries: E[]
  counts: {
    entries: number
    archiveBytes: number
    /**
     * Tar bytes kept as segment leaves: headers, padding, end blocks, trailing bytes, non-file data. For a
     * zip: the bytes not rebuilt from content (headers, central directory, end records, spans, data kept verbatim).
     */
    segmentBytes: number
    /**
     * Tar bytes linked as member files' content DAGs (segmentBytes + contentBytes = the tar's size). For a
     * zip: the zip bytes that are content (stored entries) or rebuilt from content by a recipe
     * (segmentBytes + contentBytes = the zip's size).
     */
    contentBytes: number
    /** The part of contentBytes that the tree holds too (deduplicated with the unpacked tree; zip: `zip.treeContentBytes`). */
    treeContentBytes: number
  }
}

/** Records the NAR hashes when asked (`narSource` given), stores the root block and assembles the result. */
export async function finishManifest (manifest: Manifest, described: DescribedTar, sink: BlockSink, narSource?: BlockSource): Promise<ManifestResult> {
  if (narSource !== undefined) manifest.tree = await withNarHashes(manifest.tree, described.entries(), narSource)
  const block = await encodeManifest(manifest)
  await putBlock(sink, block.cid, block.bytes)
  const result = {
    cid: block.cid,
    archiveCid: manifest.archive.root ?? CID.decode(manifest.compression?.fileCid ?? (manifest.tar as Tar).view),
    treeCid: manifest.tree.root,
    ...(manifest.tree.stripped === undefined ? {} : { strippedTreeCid: manifest.tree.stripped }),
    manifest,
    entries: [] as Entry[],
    counts: {
      entries: described.entryCount,
      archiveBytes: manifest.archive.size,
      segmentBytes: described.segmentBytes,
      contentBytes: described.contentBytes,
      treeContentBytes: described.treeContentBytes
    }
  }
  // The entries are decoded from the records when first read: holding them as objects during a
  // description would cost hundreds of bytes per entry.
  let entries: Entry[] | undefined
  Object.defineProperty(result, 'entries', { enumerable: true, get: () => (entries ??= [...described.entries()]) })
  return result
}

