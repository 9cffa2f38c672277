/**
 * Leaves of a UnixFS file DAG, made exactly as ipfs-unixfs-importer's buffer importer makes them
 * (dag-builder/buffer-importer.js): a raw block (CIDv1, codec 0x55) when the profile has raw leaves,
 * otherwise a dag-pb node holding UnixFS {Type=File, Data=chunk, filesize} under the profile's CID version.
 */
import { encode } from '@ipld/dag-pb'
import { putBlock, type BlockSink } from '../blocks.js'
import { blockCid } from '../digest/block-cid.js'
import { DAG_PB_CODE, RAW_CODE, type DagRef } from './dag-ref.js'
import type { Profile } from './profile.js'
import { encodeUnixFSData } from './unixfs-data.js'

/** A leaf block and the reference a parent uses for it. */
export interface EncodedLeaf {
  readonly ref: DagRef
  readonly block: Uint8Array
}

/**
 * Encodes one chunk as a leaf of the profile. A raw leaf's block is `bytes` itself (not copied), so the
 * caller must not modify `bytes` while the block is in use.
 */
export async function encodeLeaf (bytes: Uint8Array, profile: Profile): Promise<EncodedLeaf> {
  if (profile.rawLeaves) {
    // Raw leaves are always CIDv1: CIDv0 can only name dag-pb (the importer forces cidVersion 1 here too).
    const cid = await blockCid(bytes, RAW_CODE, 1)
    return { ref: { cid, fileSize: bytes.length, dagSize: bytes.length }, block: bytes }
  }
  const block = encode({ Data: encodeUnixFSData({ type: 'file', data: bytes }), Links: [] })
  const cid = await blockCid(block, DAG_PB_CODE, profile.cidVersion)
  return { ref: { cid, fileSize: bytes.length, dagSize: block.length }, block }
}

/** Encodes one chunk as a leaf of the profile, stores it, and returns its reference. */
export async function putLeaf (bytes: Uint8Array, profile: Profile, sink: BlockSink): Promise<DagRef> {
  const { ref, block } = await encodeLeaf(bytes, profile)
  await putBlock(sink, ref.cid, block)
  return ref
}
