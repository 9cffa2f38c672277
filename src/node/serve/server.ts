/**
 * The mirror: one HTTP server for Nix's hashed-mirror layout (`/sha256/<hex>`, `/sha512/<hex>`,
 * hashed-mirror.ts) and a trustless gateway (`/ipfs/<cid>`, trustless-gateway.ts), over a store of blocks
 * and its index (mirror-store.ts), optionally in front of upstream gateways (upstream.ts). This file is
 * the request's path through it: method, bounds (limiter.ts), route (routes.ts), handler, and the answer
 * for whatever went wrong (http-error.ts); and the server's life: listen on loopback unless told
 * otherwise, close gracefully.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { CID } from 'multiformats/cid'
import type { BlockSource } from '../../blocks.js'
import { defaultServeLimits, type ServeLimits } from '../../limits.js'
import { listIndex, lookupHash } from '../../store/hash-index.js'
import type { NixSigningKey } from '../nix-signing-key.js'
import { NixCache, serveNixCache } from './binary-cache.js'
import { ClientGoneError } from './body.js'
import type { ServeContext } from './context.js'
import { serveArchive } from './hashed-mirror.js'
import { HttpError, httpErrorOf } from './http-error.js'
import { Limiter } from './limiter.js'
import { storeHas, type MirrorStore } from './mirror-store.js'
import { parseTarget } from './routes.js'
import { serveIpfs } from './trustless-gateway.js'
import { createUpstream, type Upstream } from './upstream.js'
import { VerifiedArchives } from './verified-archives.js'
import { createWorkerRebuildEncoders } from '../worker-rebuild-encoders.js'

export interface MirrorServerOptions {
  /** The blocks and the index of archive digests to manifests. */
  store: MirrorStore
  /** Address to bind; loopback unless set (`0.0.0.0` or `::` to serve other machines). */
  host?: string
  /** Port to bind; 0 (the default) picks a free one, which `address()` then reports. */
  port?: number
  /** Trustless gateways to fetch missing blocks from (verified, then kept in the store), tried in order. */
  upstream?: readonly string[]
  /**
   * A hash-index root to resolve digests through instead of `store.lookup`: its blocks are read like any
   * other (the store's, then the upstream gateways'), so a mirror can serve another machine's index.
   */
  index?: CID
  /** Overrides of defaultServeLimits. */
  limits?: Partial<ServeLimits>
  /** Signs the Nix binary cache's narinfos (binary-cache.ts); `readNixSigningKey` reads a key file. */
  nixSigningKey?: NixSigningKey
  /** Told of each failure of the server's own (a 5xx answer, a body cut short), one line each: for a log. */
  onError?: (message: string) => void
}

export interface MirrorAddress {
  host: string
  port: number
  /** `http://host:port/`: what Nix's `hashed-mirrors` and a client's gateway list take. */
  url: string
}

export interface MirrorServer {
  /** Starts listening (and the upstream client, if any); resolves with the bound address. */
  listen: () => Promise<MirrorAddress>
  /**
   * Stops accepting connections, lets responses in progress finish (up to `closeTimeoutMs`, then cuts
   * them), and stops the upstream client. Safe to call more than once.
   */
  close: () => Promise<void>
  /** The bound address, once listening. */
  address: () => MirrorAddress | undefined
}

/**
 * A mirror server over `options.store`.
 *
 * @example
 * ```ts
 * const server = createMirrorServer({ store: { blockstore, lookup: (algorithm, hex) => index.get(hex) } })
 * const { url } = await server.listen()   // http://127.0.0.1:PORT/
 * // curl ${url}sha256/<hex>  → the archive; nix-build --option hashed-mirrors ${url} …
 * await server.close()
 * ```
 */
export function createMirrorServer (options: MirrorServerOptions): MirrorServer {
  const limits: ServeLimits = Object.freeze({ ...defaultServeLimits, ...options.limits })
  const requests = new Limiter(limits.maxRequests, 0)
  const report = options.onError ?? (() => {})
  const blockstore = options.store.blockstore
  let upstream: Upstream | undefined
  let context: ServeContext | undefined
  // Shared by every rebuild; their threads start with the first block or stream a rebuild hands them.
  const rebuild = createWorkerRebuildEncoders()
  let bound: MirrorAddress | undefined
  let closing: Promise<void> | undefined
  const inFlight = new Set<ServerResponse>()

  const server = createServer((req, res) => { void handle(req, res) })

  async function handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The client's going away aborts a wait for a slot and stops the body's source (body.ts).
    const gone = new AbortController()
    res.once('close', () => gone.abort(new ClientGoneError()))
    inFlight.add(res)
    res.once('close', () => {
      inFlight.delete(res)
      if (closing !== undefined) server.closeIdleConnections()
    })
    req.resume()
    let release: (() => void) | undefined
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${req.method} is not served; use GET or HEAD`, { Allow: 'GET, HEAD' })
      if (context === undefined) throw new HttpError(503, 'the server is starting')
      release = await requests.acquire(gone.signal)
      const route = parseTarget(req.url ?? '')
      if (route.kind === 'archive') await serveArchive(req, res, route, context, gone.signal)
      else if (route.kind === 'nix') await serveNixCache(req, res, route, context, gone.signal)
      else await serveIpfs(req, res, route, context, gone.signal)
    } catch (err) {
      answerFailure(req, res, err)
    } finally {
      release?.()
    }
  }

  function answerFailure (req: IncomingMessage, res: ServerResponse, err: unknown): void {
    if (err instanceof ClientGoneError) return
    if (res.headersSent) {
      // The status line is out: the only honest signal left is a broken connection (body.ts did it).
      res.destroy()
      report(`${req.method} ${req.url}: response cut short: ${describe(err)}`)
      return
    }
    if (res.destroyed) return
    const answer = httpErrorOf(err)
    if (answer.status >= 500 && answer.status !== 503) report(`${req.method} ${req.url}: ${answer.status} ${describe(err)}`)
    const body = `${answer.status} ${answer.message}\n`
    res.writeHead(answer.status, {
      ...answer.headers,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff'
    })
    res.end(req.method === 'HEAD' ? undefined : body)
  }

  /** Serves from `source` (the store, or the store and upstream) once bound: the address. */
  async function listenOver (source: BlockSource): Promise<MirrorAddress> {
    const index = options.index
    context = {
      lookup: index === undefined
        ? async (algorithm, hex) => await options.store.lookup(algorithm, hex)
        : async (algorithm, hex) => await lookupHash(index, source, algorithm, hex),
      source,
      local: blockstore,
      hasLocal: async (cid: CID) => await storeHas(blockstore, cid),
      streams: new Limiter(limits.maxStreams, limits.maxQueuedStreams),
      verified: new VerifiedArchives(limits.verifiedArchives),
      send: { drainTimeoutMs: limits.drainTimeoutMs },
      encoders: rebuild.encoders,
      nix: new NixCache(index === undefined ? options.store : { list: algorithm => listIndex(index, source, algorithm) }, source, {
        refreshMs: limits.nixCacheRefreshMs,
        onError: report,
        ...(options.nixSigningKey === undefined ? {} : { signingKey: options.nixSigningKey })
      })
    }
    const host = options.host ?? '127.0.0.1'
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    const { port } = server.address() as AddressInfo
    return { host, port, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/` }
  }

  return {
    async listen () {
      if (bound !== undefined) return bound
      if (options.upstream !== undefined && options.upstream.length > 0) {
        upstream = await createUpstream(blockstore, { gateways: options.upstream, timeoutMs: limits.upstreamTimeoutMs })
      }
      try {
        bound = await listenOver(upstream?.source ?? blockstore)
      } catch (err) {
        // A port in use or a limit refused: the upstream client started for this listen stops with it,
        // rather than live on unused (a later listen starts one afresh).
        const started = upstream
        upstream = undefined
        context = undefined
        await started?.stop()
        throw err
      }
      return bound
    },

    async close () {
      closing ??= (async () => {
        const closed = new Promise<void>(resolve => server.close(() => resolve()))
        server.closeIdleConnections()
        // Responses in progress may finish; after closeTimeoutMs their connections are cut.
        const cut = setTimeout(() => server.closeAllConnections(), limits.closeTimeoutMs)
        cut.unref()
        if (server.listening || inFlight.size > 0) await closed
        clearTimeout(cut)
        await upstream?.stop()
        await rebuild.close()
      })()
      await closing
    },

    address: () => bound
  }
}

function describe (err: unknown): string {
  if (err instanceof Error) return `${(err as { code?: string }).code ?? err.name}: ${err.message}`
  return String(err)
}
