/**
 * Leaves of a UnixFS file DAG, made exactly as ipfs-unixfs-importer's buffer importer makes them
 * (dag-builder/buffer-importer.js): a raw block (CIDv1, codec 0x55) when the profile has raw leaves,
 * otherwise a dag-pb node holding UnixFS {Type=File, Data=chunk, filesize} under the profile's CID version.
 */
import { encode } from '@ipld/dag-pb'
import type { BlockSink } from '../blocks.js'
import { blockCid } from '../digest/block-cid.js'
import { DAG_PB_CODE, RAW_CODE, type DagRef } from './dag-ref.js'
import { stored, andThen, type MaybePromise } from './maybe-async.js'
import type { Profile } from './profile.js'
import { encodeUnixFSData } from './unixfs-data.js'

/** A leaf block and the reference a parent uses for it. */
export interface EncodedLeaf {
  readonly ref: DagRef
  readonly block: Uint8Array
}

/**
 * Encodes one chunk as a leaf of the profile (a promise only where hashing is asynchronous). A raw leaf's
 * block is `bytes` itself (not copied), so the caller must not modify `bytes` while the block is in use.
 */
export function encodeLeaf (bytes: Uint8Array, profile: Profile): MaybePromise<EncodedLeaf> {
  if (profile.rawLeaves) {
    // Raw leaves are always CIDv1: CIDv0 can only name dag-pb (the importer forces cidVersion 1 here too).
    return andThen(blockCid(bytes, RAW_CODE, 1), cid => ({ ref: { cid, fileSize: bytes.length, dagSize: bytes.length }, block: bytes }))
  }
  const block = encode({ Data: encodeUnixFSData({ type: 'file', data: bytes }), Links: [] })
  return andThen(blockCid(block, DAG_PB_CODE, profile.cidVersion), cid => ({ ref: { cid, fileSize: bytes.length, dagSize: block.length }, block }))
}

/** Encodes one chunk as a leaf of the profile, stores it, and returns its reference (a promise only when something waits). */
export function putLeaf (bytes: Uint8Array, profile: Profile, sink: BlockSink): MaybePromise<DagRef> {
  return andThen(encodeLeaf(bytes, profile), ({ ref, block }) => {
    const put = stored(sink.put(ref.cid, block))
    return put === undefined ? ref : put.then(() => ref)
  })
}
