/**
 * `GET|HEAD /sha256/<hex>` and `/sha512/<hex>`: an archive's exact bytes, rebuilt from the blocks, as
 * Nix's hashed mirrors (and tarballs.nixos.org) serve them. The index gives the manifest; the manifest
 * gives the size (Content-Length) before a byte is rebuilt. A whole body is checked against the archive's
 * digest as it streams and its last chunk released only once that holds (body.ts). A range is served:
 *  - from the archive's own UnixFS file when the store has it (only the range's blocks are read);
 *  - by skipping to its first byte (restoreArchiveRange: a plain tar skips whole entries, a compressed
 *    archive is still re-compressed from its start) once this server has verified a whole restore of it;
 *  - else by a whole restore, checked against the digest, of which only the range is sent, its last
 *    chunk held back until the check: the first range of a compressed archive costs a full rebuild.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { CID } from 'multiformats/cid'
import type { BlockSource } from '../../blocks.js'
import { loadManifest } from '../../manifest/load.js'
import { linkedArchiveFile, restoreArchive, restoreArchiveRange } from '../../manifest/restore.js'
import type { Manifest } from '../../schema/types.js'
import { sendBody } from './body.js'
import type { ServeContext } from './context.js'
import { HttpError } from './http-error.js'
import { IMMUTABLE, etagMatches } from './caching.js'
import { parseRange } from './range.js'
import type { Route } from './routes.js'

/** Answers a request for an archive by digest; throws an HttpError for any answer other than the bytes. */
export async function serveArchive (req: IncomingMessage, res: ServerResponse, route: Extract<Route, { kind: 'archive' }>, ctx: ServeContext, signal: AbortSignal): Promise<void> {
  const manifestCid = await ctx.lookup(route.algorithm, route.hex)
  if (manifestCid === undefined) throw new HttpError(404, `no archive with ${route.algorithm} ${route.hex} is indexed here`)
  const manifest = await loadManifest(manifestCid, ctx.source)
  const source = archiveSource(manifest, ctx)
  if (Buffer.from(manifest.archive[route.algorithm]).toString('hex') !== route.hex) {
    throw new HttpError(500, `the index gives manifest ${manifestCid} for ${route.algorithm} ${route.hex}, but it describes another archive`)
  }
  const size = manifest.archive.size
  // The digest is the archive's identity: a strong validator, the same for every range of it.
  const etag = `"${route.hex}"`
  const headers = {
    'Content-Type': 'application/octet-stream',
    'Accept-Ranges': 'bytes',
    ETag: etag,
    'Cache-Control': IMMUTABLE,
    'X-Content-Type-Options': 'nosniff'
  }
  if (etagMatches(req.headers['if-none-match'], etag)) {
    res.writeHead(304, headers).end()
    return
  }
  if (req.method === 'HEAD') {
    res.writeHead(200, { ...headers, 'Content-Length': String(size) }).end()
    return
  }
  // If-Range with anything but this ETag (a date, another entity) asks for the whole body (RFC 9110 §13.1.5).
  const ifRange = req.headers['if-range']
  const range = ifRange === undefined || ifRange === etag ? parseRange(req.headers.range, size) : { kind: 'whole' as const }
  if (range.kind === 'unsatisfiable') throw new HttpError(416, `the range is outside the archive's ${size} bytes`, { 'Content-Range': `bytes */${size}` })

  const release = await ctx.streams.acquire(signal)
  try {
    if (range.kind === 'whole') {
      res.writeHead(200, { ...headers, 'Content-Length': String(size) })
      await sendBody(res, checkedRange(manifestCid, source, 0, size - 1, ctx), ctx.send)
      return
    }
    const { start, end } = range
    const skip = ctx.verified.has(manifestCid) || await linkedArchiveFile(manifest, source) !== undefined
    res.writeHead(206, { ...headers, 'Content-Length': String(end - start + 1), 'Content-Range': `bytes ${start}-${end}/${size}` })
    const bytes = skip
      ? restoreArchiveRange(manifest, source, { offset: start, length: end - start + 1 }, ctx.encoders)
      : checkedRange(manifestCid, source, start, end, ctx)
    await sendBody(res, bytes, ctx.send)
  } finally {
    release()
  }
}

/**
 * The blocks one archive is read from. A rebuilt archive's own file DAG (`fileCid`) is a shortcut taken
 * when the store happens to hold it; it is looked for in the store alone, never upstream, where it is
 * usually absent and asking for it could cost an upstream timeout on every request.
 */
function archiveSource (manifest: Manifest, ctx: ServeContext): BlockSource {
  const bytes = manifest.archive.root === undefined ? manifest.compression?.fileCid ?? manifest.zip?.fileCid : undefined
  if (bytes === undefined) return ctx.source
  const own = CID.decode(bytes)
  return { get: (cid: CID) => cid.equals(own) ? ctx.local.get(cid) : ctx.source.get(cid) }
}

/**
 * Bytes `start` to `end` (inclusive) of a whole restore, which runs to the archive's end so that its
 * digest is checked (restoreArchive throws after its last chunk otherwise); a verified restore is recorded.
 */
async function * checkedRange (manifest: CID, source: BlockSource, start: number, end: number, ctx: ServeContext): AsyncGenerator<Uint8Array> {
  let position = 0
  for await (const chunk of restoreArchive(manifest, source, ctx.encoders)) {
    const next = position + chunk.length
    if (next > start && position <= end) yield chunk.subarray(Math.max(start - position, 0), Math.min(end + 1 - position, chunk.length))
    position = next
  }
  ctx.verified.add(manifest)
}
