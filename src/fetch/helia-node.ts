/**
 * A helia node that retrieves blocks over HTTP from one trustless gateway and nowhere else: @helia/http
 * 3.1.1 (`createHeliaHTTP`) with the trustless-gateway block broker of @helia/block-brokers 5 and the
 * gateway as its only router (`httpGatewayRouting` of @helia/routers 5). That is the newest helia HTTP line
 * that starts on Node 20 (helia 7 / @helia/http 4 need Node 22). helia hashes every block it retrieves and
 * rejects one that does not match its CID; blocks go into the given cache, not into a store that keeps all.
 *
 * The helia packages are imported when the first node is made, not when this library is loaded: they
 * bring libp2p with them, which describing or restoring archives never needs.
 */
import type { CID } from 'multiformats/cid'
import type { BlockSource } from '../blocks.js'
import { BlockHashMismatchError, BlockNotFoundError } from '../errors.js'
import type { BlockCache } from './block-cache.js'
import { ensurePromiseWithResolvers } from './with-resolvers.js'

/** A started node, seen as a block source, and how to stop it. */
export interface GatewayNode {
  blocks: BlockSource
  stop: () => Promise<void>
}

export interface GatewayNodeOptions {
  cache: BlockCache
  /** Longest wait for one block, in milliseconds. */
  timeoutMs: number
  signal?: AbortSignal
}

export async function startGatewayNode (gateway: string, options: GatewayNodeOptions): Promise<GatewayNode> {
  ensurePromiseWithResolvers()
  const [{ createHeliaHTTP }, { trustlessGateway }, { httpGatewayRouting }] = await Promise.all([
    import('@helia/http'), import('@helia/block-brokers'), import('@helia/routers')
  ])
  const helia = await createHeliaHTTP({
    blockstore: options.cache,
    blockBrokers: [trustlessGateway({
      // The gateways are the caller's choice: plain HTTP and local addresses included (helia refuses both
      // by default, for gateways found through public routing).
      allowInsecure: true,
      allowLocal: true,
      transformRequestInit: (init) => ({ ...init, signal: anySignal([init.signal, AbortSignal.timeout(options.timeoutMs)]) })
    })],
    // The one gateway is the only provider of every block: no delegated routing, no libp2p peers.
    routers: [httpGatewayRouting({ gateways: [gateway] })]
  })
  return {
    blocks: { get: (cid: CID) => explained(gateway, cid, helia.blockstore, options.signal) },
    stop: async () => { await helia.stop() }
  }
}

interface ProgressEvent { type: string }
interface HeliaBlockstore { get: (cid: CID, options: { signal?: AbortSignal, onProgress?: (event: ProgressEvent) => void }) => AsyncIterable<Uint8Array> | Iterable<Uint8Array> }

/**
 * A block from helia, or a typed error that says what the gateway did. helia reports every failure as
 * "failed to load block"; its progress events tell a gateway that sent bytes (which helia then rejected:
 * they do not hash to the CID) from one that sent none (unreachable, an error status, no answer in time).
 */
async function * explained (gateway: string, cid: CID, blockstore: HeliaBlockstore, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  let received = false
  const onProgress = (event: ProgressEvent): void => { if (event.type === 'helia:block-broker:receive-block') received = true }
  try {
    yield * blockstore.get(cid, { onProgress, ...(signal === undefined ? {} : { signal }) })
  } catch (err) {
    const details = { cid: cid.toString(), url: gateway }
    throw received
      ? new BlockHashMismatchError(`${gateway} served bytes for ${cid} that do not hash to it`, details, { cause: err })
      : new BlockNotFoundError(`${gateway} gave no block ${cid}`, details, { cause: err })
  }
}

function anySignal (signals: Array<AbortSignal | null | undefined>): AbortSignal {
  return AbortSignal.any(signals.filter((s): s is AbortSignal => s != null))
}
