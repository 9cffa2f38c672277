/**
 * What the mirror serves from: blocks, and an index from an archive's digest to its manifest. A store
 * opened from disk (`openStore`) is one; so is a MemoryBlocks beside a Map, which is how the tests start.
 */
import type { CID } from 'multiformats/cid'
import type { Blockstore } from '../../blocks.js'

/** The digests an archive is indexed by, as Nix's hashed mirrors name them (`/<algorithm>/<hex>`). */
export type ArchiveHashAlgorithm = 'sha256' | 'sha512'

/** Hex digits of each algorithm's digest. */
export const HEX_DIGITS: Readonly<Record<ArchiveHashAlgorithm, number>> = Object.freeze({ sha256: 64, sha512: 128 })

export interface MirrorStore {
  /**
   * Where blocks are read and, with upstream gateways, where the blocks fetched from them are kept.
   * `has` (interface-blockstore's) is used when present, to ask without reading.
   */
  readonly blockstore: Blockstore & { has?: (cid: CID) => boolean | Promise<boolean> }
  /** The manifest CID of the archive with this digest (lower-case hex), or undefined if none is indexed. */
  lookup: (algorithm: ArchiveHashAlgorithm, hex: string) => CID | undefined | Promise<CID | undefined>
}
