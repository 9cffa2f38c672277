/**
 * What a stored manifest costs and how its archive comes back, in the terms `add`'s table reports: the
 * side data of its own blocks, and whether the compressed bytes are rebuilt by recipes or kept verbatim.
 */
import type { CID } from 'multiformats/cid'
import { getBlock, type BlockSource } from '../blocks.js'
import { decodeManifest } from '../codec/manifest-codec.js'
import { loadZipEntries } from '../manifest/load.js'
import type { ArchiveFormat, Manifest } from '../schema/types.js'

/** zip's method number for deflate (APPNOTE 4.4.5). */
const DEFLATE = 8

/**
 * How an archive's bytes come back: `plain` nothing to rebuild (a plain tar, a zip of stored entries);
 * `recipe` every compressed part re-encoded from the tree by a recipe; `verbatim` some compressed part has
 * no recipe, so its compressed bytes are kept as they are (the archive's own blocks, or a zip entry's data).
 */
export type RebuildKind = 'plain' | 'recipe' | 'verbatim'

export interface ArchiveStats {
  readonly format: ArchiveFormat
  /** The archive's bytes (compressed, as given). */
  readonly size: number
  /** Bytes of the manifest's own dag-cbor blocks: its root and its entry pages (the records). */
  readonly sideBytes: number
  readonly rebuild: RebuildKind
}

/** Reads the manifest `cid` (root and pages) from `blocks` and reports on it; a zip's entries are read too. */
export async function archiveStats (cid: CID, blocks: BlockSource): Promise<ArchiveStats & { manifest: Manifest }> {
  const root = await getBlock(blocks, cid)
  const manifest = decodeManifest(root)
  let sideBytes = root.length
  for (const page of manifest.entries) sideBytes += (await getBlock(blocks, page)).length
  return { manifest, format: manifest.archive.format, size: manifest.archive.size, sideBytes, rebuild: await rebuildKind(manifest, blocks) }
}

async function rebuildKind (manifest: Manifest, blocks: BlockSource): Promise<RebuildKind> {
  if (manifest.archive.root !== undefined) return 'verbatim'
  if (manifest.compression !== undefined) return 'recipe'
  if (manifest.archive.format !== 'zip') return 'plain'
  let deflated = false
  for await (const entry of loadZipEntries(manifest, blocks)) {
    if (entry.method !== DEFLATE) continue
    if (entry.recipe === undefined) return 'verbatim'
    deflated = true
  }
  return deflated ? 'recipe' : 'plain'
}
