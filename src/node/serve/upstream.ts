/**
 * Upstream gateways: blocks the store lacks are fetched from other trustless gateways, checked against
 * their CID and kept in the store, so the mirror is a cache in front of IPFS. The fetching is helia's own
 * (an @helia/http node: the trustless-gateway block broker over HTTP gateway routing, @helia/http 3, the
 * newest line that starts on Node 20), with the store as its blockstore: helia verifies each block's hash
 * before it puts it there, and tries the gateways in the order given. helia is imported when an upstream
 * is made, not when the server is loaded: it brings libp2p, which serving from the store never needs.
 */
import type { CID } from 'multiformats/cid'
import { getBlock, putBlock, type BlockSource } from '../../blocks.js'
import { ensurePromiseWithResolvers } from '../../fetch/with-resolvers.js'
import { storeHas, type MirrorStore } from './mirror-store.js'

export interface Upstream {
  /** The store's blocks, and any other block from the gateways (kept in the store once verified). */
  readonly source: BlockSource
  /** Stops the helia node (no request is made after this). */
  stop: () => Promise<void>
}

export interface UpstreamOptions {
  /** Gateway base URLs (`https://ipfs.example/`), tried in this order. */
  gateways: readonly string[]
  /** How long one block may take from all the gateways together. */
  timeoutMs: number
}

/**
 * A block source over `store` that asks `gateways` for what the store lacks.
 *
 * @example
 * ```ts
 * const upstream = await createUpstream(store, { gateways: ['https://trustless-gateway.link'], timeoutMs: 30_000 })
 * const bytes = await getBlock(upstream.source, cid)
 * ```
 */
export async function createUpstream (store: MirrorStore['blockstore'], options: UpstreamOptions): Promise<Upstream> {
  ensurePromiseWithResolvers()
  const [{ createHeliaHTTP }, { trustlessGateway }, { httpGatewayRouting }] = await Promise.all([
    import('@helia/http'), import('@helia/block-brokers'), import('@helia/routers')
  ])
  const helia = await createHeliaHTTP({
    // The helia blockstore shape over the store's: has, get as a generator of the one block, put.
    blockstore: heliaView(store) as never,
    // Gateways are given by the operator, so plain HTTP and private addresses are theirs to choose.
    blockBrokers: [trustlessGateway({ allowInsecure: true, allowLocal: true })],
    routers: [httpGatewayRouting({ gateways: [...options.gateways], shuffle: false })]
  })
  const source: BlockSource = {
    async * get (cid: CID) {
      for await (const chunk of helia.blockstore.get(cid, { signal: AbortSignal.timeout(options.timeoutMs) })) yield chunk
    }
  }
  return { source, stop: async () => { await helia.stop() } }
}

/** What helia's storage layer calls on its blockstore, over the store (any interface-blockstore version). */
function heliaView (store: MirrorStore['blockstore']): object {
  return {
    has: async (cid: CID): Promise<boolean> => await storeHas(store, cid),
    async * get (cid: CID): AsyncGenerator<Uint8Array> { yield await getBlock(store, cid) },
    async put (cid: CID, bytes: Uint8Array): Promise<CID> {
      await putBlock(store, cid, bytes)
      return cid
    }
  }
}
