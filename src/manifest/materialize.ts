/**
 * materializeView: writes the blocks of a tar's view into a blockstore, so that any IPFS node or gateway
 * serves the uncompressed tar byte for byte from its CID (`tar.view`); for a zip, the zip file's own DAG
 * (`zip.fileCid`). The view is fully determined by the
 * manifest and the tree (§8.3): raw segments for header bytes, padding, non-file data and the end, and each
 * regular file's own content DAG, linked as it is. It is rebuilt here and its root checked against the
 * CID the manifest records.
 */
import { decode as decodePb } from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { getBlock, type Blockstore, type BlockSource } from '../blocks.js'
import { DigestMismatchError, InvalidManifestError } from '../errors.js'
import type { DagRef } from '../unixfs/dag-ref.js'
import { DAG_PB_CODE, RAW_CODE } from '../unixfs/dag-ref.js'
import { readFile } from '../unixfs/file-reader.js'
import { getProfile } from '../unixfs/profile.js'
import { UnixFS } from 'ipfs-unixfs'
import { ArchiveDagWriter } from './archive-dag.js'
import { loadManifest } from './load.js'
import { tarPieces } from './tar-stream.js'
import { blockTree } from './tree-contents.js'
import { displayName } from './names.js'
import { zipBytes } from './zip-stream.js'
import { FileDagBuilder } from '../unixfs/file-builder.js'
import type { Manifest, Zip } from '../schema/types.js'

/**
 * Stores the view's blocks (the tree's own blocks are linked, not copied) and returns its CID, which
 * equals the manifest's `tar.view` (a zip: `zip.fileCid`, whose blocks are all stored).
 *
 * @example
 * ```ts
 * const view = await materializeView(manifestCid, blockstore)
 * // now `ipfs cat <view>` (or a gateway's /ipfs/<view>) gives the tar
 * ```
 */
export async function materializeView (manifestCid: CID, store: Blockstore): Promise<CID> {
  const manifest = await loadManifest(manifestCid, store)
  if (manifest.zip !== undefined) return await materializeZip(manifest, store)
  if (manifest.tar === undefined) throw new InvalidManifestError('this manifest describes no tar stream, so it has no view')
  const expected = CID.decode(manifest.tar.view)
  const writer = new ArchiveDagWriter(getProfile(manifest.profile), store)
  const tree = blockTree(manifest.tree.root, store)
  for await (const piece of tarPieces(manifest, store)) {
    if (piece.kind === 'bytes') {
      await writer.addSegmentBytes(piece.bytes)
    } else if (piece.kind === 'tree-file' || piece.regular) {
      const cid = piece.kind === 'file' ? piece.cid : (await tree.file(piece.path, piece, { offset: piece.entry.entry.headerOffset, entry: displayName(piece.entry.entry.path) })).cid as CID
      const ref = await fileRef(cid, store)
      if (ref.fileSize !== piece.size) throw new DigestMismatchError(`the content of an entry has ${ref.fileSize} bytes where the entry records ${piece.size}`)
      await writer.addContent(ref)
    } else {
      for await (const chunk of readFile(piece.cid, store)) await writer.addSegmentBytes(chunk)
    }
  }
  const { root } = await writer.finish()
  if (!root.cid.equals(expected)) throw new DigestMismatchError(`the view rebuilt as ${root.cid}, the manifest records ${expected}`)
  return root.cid
}

/**
 * A zip's view is the zip file as `ipfs add` chunks it (`zip.fileCid`, §18.5): its bytes rebuilt from the
 * entries and the tree, imported under the manifest's profile.
 */
async function materializeZip (manifest: Manifest, store: Blockstore): Promise<CID> {
  const expected = CID.decode((manifest.zip as Zip).fileCid)
  const builder = new FileDagBuilder(getProfile(manifest.profile), store)
  for await (const chunk of zipBytes(manifest, store)) await builder.write(chunk)
  const { cid } = await builder.finish()
  if (!cid.equals(expected)) throw new DigestMismatchError(`the zip rebuilt as ${cid}, the manifest records ${expected}`)
  return cid
}

/** How a File node links an existing file DAG: its CID, content size and whole serialized size (Tsize). */
async function fileRef (cid: CID, source: BlockSource): Promise<DagRef> {
  const block = await getBlock(source, cid)
  if (cid.code === RAW_CODE) return { cid, fileSize: block.length, dagSize: block.length }
  if (cid.code !== DAG_PB_CODE) throw new InvalidManifestError(`content ${cid} is neither raw nor dag-pb`)
  const node = decodePb(block)
  const unixfs = UnixFS.unmarshal(node.Data ?? new Uint8Array(0))
  let dagSize = block.length
  for (const link of node.Links) dagSize += link.Tsize ?? 0
  return { cid, fileSize: Number(unixfs.fileSize()), dagSize }
}
