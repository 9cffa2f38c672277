/**
 * Gateways and mirrors on 127.0.0.1 for the fetch tests, with the faults the client must survive: a
 * trustless gateway that serves raw blocks (some of them wrong, if asked), a hashed mirror that serves
 * files (wrong, cut short, or not at all, if asked), a port where nothing listens, and a server that
 * accepts requests and never answers. Every server listens on port 0 and is closed by the test.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { CID } from 'multiformats/cid'
import { getBlock, type BlockSource } from '../../src/blocks.js'

export interface LocalServer {
  url: string
  /** Paths (with query) asked for, in order. */
  requests: string[]
  close: () => Promise<void>
}

export async function listen (handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>): Promise<LocalServer> {
  const requests: string[] = []
  const server: Server = createServer((req, res) => { requests.push(req.url ?? ''); void handler(req, res) })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => { resolve() }))
    }
  }
}

export interface GatewayFaults {
  /** Blocks served with one byte changed (same CID): a gateway that lies. */
  lieAbout?: (cid: CID) => boolean
  /** Blocks answered with 404 as if absent. */
  lacks?: (cid: CID) => boolean
}

/** A trustless gateway over `blocks` (any block source): `GET /ipfs/<cid>?format=raw` → the block. */
export async function blockGateway (blocks: BlockSource, faults: GatewayFaults = {}): Promise<LocalServer> {
  return await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const match = /^\/ipfs\/([^/]+)$/.exec(url.pathname)
    let cid: CID | undefined
    try { cid = match === null ? undefined : CID.parse(match[1] as string) } catch {}
    if (cid === undefined) { res.writeHead(400).end(); return }
    let bytes = faults.lacks?.(cid) === true ? undefined : await getBlock(blocks, cid).catch(() => undefined)
    if (bytes === undefined) { res.writeHead(404).end(); return }
    if (faults.lieAbout?.(cid) === true) {
      bytes = bytes.slice()
      bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0x40
    }
    res.writeHead(200, { 'content-type': 'application/vnd.ipld.raw', 'content-length': bytes.length }).end(bytes)
  })
}

export interface MirrorFaults {
  /** Serve these bytes instead of the file's. */
  replaceWith?: Uint8Array
  /** Send this many bytes of the body, then drop the connection. */
  cutAfter?: number
}

/** A hashed mirror: `GET /<algorithm>/<hex>` → the file whose digest that is, from `files` (keys `sha256/<hex>`). */
export async function hashedMirror (files: Map<string, Uint8Array>, faults: MirrorFaults = {}): Promise<LocalServer> {
  return await listen((req, res) => {
    const file = files.get((req.url ?? '').replace(/^\/+/, ''))
    if (file === undefined) { res.writeHead(404).end(); return }
    const body = faults.replaceWith ?? file
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length })
    if (faults.cutAfter === undefined) { res.end(body); return }
    res.write(body.subarray(0, faults.cutAfter), () => { res.destroy() })
  })
}

/** A server that takes requests and never answers them. */
export async function silentServer (): Promise<LocalServer> {
  return await listen(() => {})
}

/**
 * The URL of a port on 127.0.0.1 where nothing listens: port 2, below the ephemeral range, so no server a
 * test starts later (port 0: an ephemeral port) can be given it, as a port bound and closed again could be,
 * and not on fetch's list of blocked ports (1 is). Checked: a connection there must be refused.
 */
export async function closedPortUrl (): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    const socket = connect(2, '127.0.0.1')
    socket.once('connect', () => { socket.destroy(); reject(new Error('something listens on 127.0.0.1:2; the tests need it closed')) })
    socket.once('error', (err: NodeJS.ErrnoException) => { if (err.code === 'ECONNREFUSED') resolve(); else reject(err) })
  })
  return 'http://127.0.0.1:2'
}
