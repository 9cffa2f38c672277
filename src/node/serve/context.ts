/** What the request handlers share: the index, where blocks come from, the bounds and the settings. */
import type { CID } from 'multiformats/cid'
import type { BlockSource } from '../../blocks.js'
import type { RebuildEncoders } from '../../manifest/restore.js'
import type { NixCache } from './binary-cache.js'
import type { SendOptions } from './body.js'
import type { Limiter } from './limiter.js'
import type { HashAlgorithm } from '../../store/hash-hex.js'
import type { VerifiedArchives } from './verified-archives.js'

export interface ServeContext {
  /** The manifest of the archive with this digest (the store's index, or the index root the server was given). */
  readonly lookup: (algorithm: HashAlgorithm, hex: string) => Promise<CID | undefined>
  /** Blocks: the store's, then (with upstream gateways) theirs. */
  readonly source: BlockSource
  /** The store's blocks alone. */
  readonly local: BlockSource
  /** Whether the store itself holds a block (never asks upstream): for `Cache-Control: only-if-cached`. */
  readonly hasLocal: (cid: CID) => Promise<boolean>
  /** Held while a response rebuilds an archive or streams a CAR. */
  readonly streams: Limiter
  readonly verified: VerifiedArchives
  readonly send: SendOptions
  /** The Nix binary cache's index of the store's trees (binary-cache.ts). */
  readonly nix: NixCache
  /** Where rebuilt members are encoded (worker threads): bzip2 and threaded-xz blocks, and other members' streams. */
  readonly encoders: RebuildEncoders
}
