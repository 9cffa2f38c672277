/**
 * The blocks of a CAR response, by `dag-scope` (ipfs/specs trustless-gateway.md): `block` is the root
 * alone; `entity` is what it takes to read a UnixFS file whole or to list a UnixFS directory (a HAMT's
 * shard blocks, not its entries), and the root alone for anything else; `all` is the whole DAG. Blocks
 * come depth first in link order, each once (order=dfs, dups=n). Identity CIDs are never sent: their
 * bytes are in the CID (the spec forbids them in CARs).
 */
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'
import type { BlockSource } from '../../blocks.js'
import { walkBlocks, type Block } from '../../codec/car.js'
import { linksOf } from '../../codec/links.js'
import { HttpError } from './http-error.js'

export type DagScope = 'block' | 'entity' | 'all'

/** `dag-scope` (default `all`); `entity-bytes` is refused rather than ignored, so no client gets more than it asked for. */
export function parseScope (params: URLSearchParams): DagScope {
  if (params.has('entity-bytes')) throw new HttpError(400, 'entity-bytes is not served by this gateway: ask for dag-scope=entity, or for raw blocks')
  const scope = params.get('dag-scope') ?? 'all'
  if (scope !== 'block' && scope !== 'entity' && scope !== 'all') throw new HttpError(400, `dag-scope=${scope}: expected block, entity or all`)
  return scope
}

/** Whether `cid` is an identity CID (its bytes are its digest; no block to fetch or send). */
export function isIdentity (cid: CID): boolean {
  return cid.multihash.code === identity.code
}

/** The blocks of the CAR for `root` in `scope`, verified as read; the root itself is fetched first. */
export function scopeBlocks (root: CID, scope: DagScope, source: BlockSource): AsyncGenerator<Block> {
  const follow = scope === 'block' ? none : scope === 'entity' ? entityLinks : linksOf
  return walkBlocks(root, source, (cid, bytes) => [...follow(cid, bytes)].filter(link => !isIdentity(link)))
}

function * none (): Generator<CID> {}

/**
 * The links an `entity` walk takes from a block: all of a UnixFS file's (its chunks), a HAMT shard's
 * links to its sub-shards (named by the hex prefix alone), nothing from anything else.
 */
function * entityLinks (cid: CID, bytes: Uint8Array): Generator<CID> {
  if (cid.code !== dagPb.code) return
  const node = dagPb.decode(bytes)
  if (node.Data === undefined) return
  const unixfs = UnixFS.unmarshal(node.Data)
  if (unixfs.type === 'file' || unixfs.type === 'raw') {
    for (const link of node.Links) yield link.Hash
  } else if (unixfs.type === 'hamt-sharded-directory' && unixfs.fanout !== undefined) {
    const prefix = (Number(unixfs.fanout) - 1).toString(16).length
    for (const link of node.Links) if (link.Name?.length === prefix) yield link.Hash
  }
}
