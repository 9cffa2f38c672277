/**
 * `GET|HEAD /ipfs/<cid>`: the trustless subset of the IPFS HTTP gateway (ipfs/specs
 * src/http-gateways/trustless-gateway.md), what helia's trustless-gateway block broker and other HTTP
 * retrieval clients use: a raw block (`application/vnd.ipld.raw`, `?format=raw`) or a CAR stream
 * (`application/vnd.ipld.car`, `?format=car`, with `dag-scope`). Every block is re-hashed before it is
 * sent, so a corrupt store gives a 500 or a cut CAR, never a block that does not match its CID. The probe
 * `bafkqaaa` (the empty identity CID) answers 200 with an empty block or a CAR of no blocks.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import * as dagCbor from '@ipld/dag-cbor'
import * as dagPb from '@ipld/dag-pb'
import * as raw from 'multiformats/codecs/raw'
import { getBlock } from '../../blocks.js'
import { writeCar } from '../../codec/car.js'
import { UnsupportedCidError } from '../../errors.js'
import { sendStreamed } from './body.js'
import { IMMUTABLE, etagMatches } from './caching.js'
import type { ServeContext } from './context.js'
import { isIdentity, parseScope, scopeBlocks } from './dag-scope.js'
import { HttpError } from './http-error.js'
import { CAR_CONTENT_TYPE, RAW_TYPE, negotiate } from './negotiate.js'
import type { Route } from './routes.js'

/** Codecs whose links a `dag-scope=all` walk can follow. */
const WALKED_CODECS = new Set([raw.code, dagPb.code, dagCbor.code])

/** Answers a trustless-gateway request; throws an HttpError for any answer other than the block or CAR. */
export async function serveIpfs (req: IncomingMessage, res: ServerResponse, route: Extract<Route, { kind: 'ipfs' }>, ctx: ServeContext, signal: AbortSignal): Promise<void> {
  const { cid, params } = route
  const format = negotiate(params, req.headers.accept)
  const scope = format === 'car' ? parseScope(params) : 'block'
  if (format === 'car' && scope === 'all' && !WALKED_CODECS.has(cid.code)) {
    throw new HttpError(501, `dag-scope=all of codec 0x${cid.code.toString(16)} is not served: this gateway walks raw, dag-pb and dag-cbor`)
  }
  const id = cid.toString()
  const identity = isIdentity(cid)

  if (!identity && /(^|,)\s*only-if-cached\s*(,|$)/i.test(req.headers['cache-control'] ?? '') && !await ctx.hasLocal(cid)) {
    throw new HttpError(412, `block ${id} is not in this gateway's store (only-if-cached)`)
  }
  // The root decides between 404 and 200 before anything is sent (the spec's rule for both formats).
  const block = identity ? cid.multihash.digest : await rootBlock(ctx, cid)

  const etag = format === 'raw' ? `"${id}.raw"` : `"${id}.car.${scope}.dfs.n"`
  const headers: Record<string, string> = {
    'Cache-Control': IMMUTABLE,
    'X-Content-Type-Options': 'nosniff',
    Vary: 'Accept',
    ETag: etag,
    'X-Ipfs-Path': `/ipfs/${id}`,
    'X-Ipfs-Roots': id,
    'Content-Type': format === 'raw' ? RAW_TYPE : CAR_CONTENT_TYPE,
    'Content-Disposition': `attachment; filename="${id}.${format === 'raw' ? 'bin' : 'car'}"`
  }
  if (!params.has('format')) {
    // The URL that names this response alone, for caches that ignore Vary (trustless-gateway.md "Content-Location").
    const explicit = new URLSearchParams(params)
    explicit.set('format', format)
    headers['Content-Location'] = `/ipfs/${id}?${explicit.toString()}`
  }
  if (etagMatches(req.headers['if-none-match'], etag)) {
    res.writeHead(304, headers).end()
    return
  }
  if (format === 'raw') {
    res.writeHead(200, { ...headers, 'Content-Length': String(block.length) })
    res.end(req.method === 'HEAD' ? undefined : block)
    return
  }
  await sendStreamed(req, res, headers, () => writeCar([cid], identity ? noBlocks() : scopeBlocks(cid, scope, ctx.source)), ctx.streams, ctx.send, signal)
}

/** The root block, verified; a CID whose hash this gateway does not verify is one it cannot hold (404). */
async function rootBlock (ctx: ServeContext, cid: Extract<Route, { kind: 'ipfs' }>['cid']): Promise<Uint8Array> {
  try {
    return await getBlock(ctx.source, cid)
  } catch (err) {
    if (err instanceof UnsupportedCidError) throw new HttpError(404, `${err.message}: this gateway holds no such block`)
    throw err
  }
}

async function * noBlocks (): AsyncGenerator<never> {}
