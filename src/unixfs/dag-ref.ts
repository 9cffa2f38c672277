/**
 * References to stored UnixFS nodes, and the one way dag-pb nodes are stored: encode, hash with sha2-256,
 * name with the profile's CID version, put.
 */
import { encode, type PBNode } from '@ipld/dag-pb'
import type { CID } from 'multiformats/cid'
import type { BlockSink } from '../blocks.js'
import { blockCid } from '../digest/block-cid.js'
import { stored, andThen, type MaybePromise } from './maybe-async.js'
import type { Profile } from './profile.js'

/** dag-pb multicodec (0x70). */
export const DAG_PB_CODE = 0x70
/** raw multicodec (0x55). */
export const RAW_CODE = 0x55

/** A stored node, as a parent links to it. */
export interface NodeRef {
  readonly cid: CID
  /** Tsize: serialized bytes of the block plus all its descendants (a raw block: its length). */
  readonly dagSize: number
}

/** A stored UnixFS file (sub-)DAG: what a File node needs to link it. */
export interface DagRef extends NodeRef {
  /** Content bytes this node stands for (its `blocksizes` entry in a parent). */
  readonly fileSize: number
}

/**
 * Encodes a dag-pb node (already in canonical form: links sorted by name), stores it under the profile's
 * CID version and returns its CID and block length (a promise only when hashing or the store waits).
 */
export function putDagPb (node: PBNode, profile: Profile, sink: BlockSink): MaybePromise<{ cid: CID, blockSize: number }> {
  const block = encode(node)
  return andThen(blockCid(block, DAG_PB_CODE, profile.cidVersion), cid => {
    const done = { cid, blockSize: block.length }
    const put = stored(sink.put(cid, block))
    return put === undefined ? done : put.then(() => done)
  })
}
