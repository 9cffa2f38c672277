/**
 * What the mirror serves from: blocks, and an index from an archive's digest to its manifest. A store
 * opened from disk (`openStore`, src/node/store.ts) is one; so is a MemoryBlocks beside a Map, which is how the tests start.
 */
import type { CID } from 'multiformats/cid'
import { getBlock, type Blockstore } from '../../blocks.js'
import type { HashAlgorithm } from '../../store/hash-hex.js'
import type { IndexEntry } from '../../store/hash-index.js'

export interface MirrorStore {
  /**
   * Where blocks are read and, with upstream gateways, where the blocks fetched from them are kept.
   * `has` (interface-blockstore's) is used when present, to ask without reading.
   */
  readonly blockstore: Blockstore & { has?: (cid: CID) => boolean | Promise<boolean> }
  /** The manifest CID of the archive with this digest (lower-case hex), or undefined if none is indexed. */
  lookup: (algorithm: HashAlgorithm, hex: string) => CID | undefined | Promise<CID | undefined>
  /** The indexed archives (a store's `list`): the Nix binary cache serves their trees (binary-cache.ts). */
  list?: (algorithm?: HashAlgorithm) => AsyncIterable<IndexEntry>
}

/** Whether the store itself holds `cid` (never asks upstream): its `has`, else a read that succeeds. */
export async function storeHas (blockstore: MirrorStore['blockstore'], cid: CID): Promise<boolean> {
  if (blockstore.has !== undefined) return await blockstore.has(cid)
  try {
    await getBlock(blockstore, cid)
    return true
  } catch {
    return false
  }
}
