/**
 * An archive from a trustless gateway's blocks: a helia node that retrieves from that gateway alone
 * (helia-node.ts) resolves the requested digest to a manifest, and restoreArchive rebuilds the archive
 * from the manifest's blocks. Every block is hashed by helia as it arrives and again by getBlock when it
 * is read, and restoreArchive checks the archive's size and sha256 at its end.
 */
import type { CID } from 'multiformats/cid'
import { BlockHashMismatchError, BlockNotFoundError, SourceUnavailableError } from '../errors.js'
import { type RebuildEncoders, restoreArchive } from '../manifest/restore.js'
import type { BlockSource } from '../blocks.js'
import type { BlockCache } from './block-cache.js'
import type { Source } from './failover.js'
import { startGatewayNode } from './helia-node.js'

export interface GatewayOptions {
  cache: BlockCache
  /** Longest wait for one block, in milliseconds. */
  timeoutMs: number
  signal?: AbortSignal
  /** Where compressed members are encoded (restoreArchive's options). */
  encoders?: RebuildEncoders
}

/** Finds the manifest of the requested archive through the gateway's blocks (throws when there is none). */
export type ManifestResolver = (blocks: BlockSource) => Promise<CID>

export function gatewaySource (gateway: string, resolve: ManifestResolver, options: GatewayOptions): Source {
  return { kind: 'gateway', url: gateway, open: () => gatewayBytes(gateway, resolve, options), isSourceFault }
}

async function * gatewayBytes (gateway: string, resolve: ManifestResolver, options: GatewayOptions): AsyncGenerator<Uint8Array> {
  const node = await startGatewayNode(gateway, options)
  try {
    const manifest = await resolve(node.blocks)
    yield * restoreArchive(manifest, node.blocks, options.encoders)
  } finally {
    await node.stop()
  }
}

/**
 * A gateway is at fault when it does not give a valid block (missing, unreachable, or wrong bytes, which
 * helia discards). Everything else follows from the verified blocks themselves (the index has no such
 * hash, a manifest that does not restore): every gateway would give the same, so it ends the fetch.
 */
function isSourceFault (err: unknown): boolean {
  return err instanceof BlockNotFoundError || err instanceof BlockHashMismatchError || err instanceof SourceUnavailableError
}
