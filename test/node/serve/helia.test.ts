/**
 * Real IPFS clients against the mirror: a helia node (@helia/http 3 with the trustless-gateway block
 * broker) reads the tree and a file from it, and a mirror with `upstream` fetches what it lacks from
 * another mirror through helia, keeps it, and refuses bytes that do not hash to their CID.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { trustlessGateway } from '@helia/block-brokers'
import { createHeliaHTTP } from '@helia/http'
import { httpGatewayRouting } from '@helia/routers'
import { unixfs } from '@helia/unixfs'
import { CID } from 'multiformats/cid'
import { MemoryBlocks, addToIndex, loadManifest } from '../../../src/index.js'
import { ensurePromiseWithResolvers } from '../../../src/fetch/with-resolvers.js'
import { createMirrorServer, type MirrorServer } from '../../../src/node/index.js'
import { gnuExtract, removeDir } from '../../helpers/archives.js'
import { ensureRealArchives, repoRoot } from '../../helpers/real-archives.js'
import { describeAll, mapStore, send, type Described } from './helpers.js'

let blocks: MemoryBlocks
let hello: Described
let isNumber: Described
let server: MirrorServer
let base: string

beforeAll(async () => {
  ensurePromiseWithResolvers()
  blocks = new MemoryBlocks()
  ;[hello, isNumber] = await describeAll([join(repoRoot, 'test/fixtures/real/hello-2.10.tar'), join(repoRoot, 'test/fixtures/real/is-number-7.0.0.tar')], blocks) as [Described, Described]
  server = createMirrorServer({ store: mapStore(blocks, [hello, isNumber]) })
  base = (await server.listen()).url
}, 120_000)

afterAll(async () => { await server?.close() })

async function bytesOf (chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const chunk of chunks) parts.push(chunk)
  return Buffer.concat(parts)
}

describe('helia reads from the mirror', () => {
  it('lists the tree and reads a file, every block over HTTP from the trustless gateway', async () => {
    const helia = await createHeliaHTTP({
      blockBrokers: [trustlessGateway({ allowInsecure: true, allowLocal: true })],
      routers: [httpGatewayRouting({ gateways: [base] })]
    })
    const unpacked = gnuExtract(hello.bytes)
    try {
      // @helia/unixfs 8 is typed against @helia/interface 7, @helia/http 3 against 6: the same blockstore calls at run time.
      const fs = unixfs(helia as unknown as Parameters<typeof unixfs>[0])
      const top: string[] = []
      for await (const entry of fs.ls(hello.tree)) top.push(entry.name)
      expect(top).toEqual(['hello-2.10'])
      const names: string[] = []
      for await (const entry of fs.ls(hello.tree, { path: 'hello-2.10' })) names.push(entry.name)
      expect(names).toEqual(readdirSync(join(unpacked, 'hello-2.10')).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))))
      const file = await bytesOf(fs.cat(hello.tree, { path: 'hello-2.10/src/hello.c' }))
      expect(file.equals(readFileSync(join(unpacked, 'hello-2.10/src/hello.c')))).toBe(true)
    } finally {
      await helia.stop()
      removeDir(unpacked)
    }
  }, 120_000)
})

describe('upstream: a mirror in front of another', () => {
  it('fetches the blocks it lacks, keeps them, and serves them once the upstream is gone', async () => {
    const kept = new MemoryBlocks()
    const near = createMirrorServer({ store: mapStore(kept, [hello]), upstream: [base] })
    const url = (await near.listen()).url
    try {
      const first = await send(url, `/sha256/${hello.sha256}`)
      expect(first.status).toBe(200)
      expect(first.body.equals(hello.bytes)).toBe(true)
      expect(kept.size).toBeGreaterThan(300)
      expect(kept.has(hello.manifest)).toBe(true)
    } finally { await near.close() }

    // The same store with an upstream that refuses connections: everything comes from the kept blocks.
    const dead = await refusingPort()
    const again = createMirrorServer({ store: mapStore(kept, [hello, isNumber]), upstream: [`http://127.0.0.1:${dead}/`] })
    const url2 = (await again.listen()).url
    try {
      const second = await send(url2, `/sha256/${hello.sha256}`)
      expect(second.body.equals(hello.bytes)).toBe(true)
      // What it never fetched it cannot serve now.
      expect((await send(url2, `/sha256/${isNumber.sha256}`)).status).toBe(404)
      expect((await send(url2, `/ipfs/${isNumber.tree}?format=raw`)).status).toBe(404)
    } finally { await again.close() }
  }, 120_000)

  it('serves another machine\'s index root: index, manifest and tree blocks all come from upstream', async () => {
    const root = await addToIndex(undefined, [hello.manifest, isNumber.manifest], blocks)
    const kept = new MemoryBlocks()
    // A store that indexes nothing itself: every digest is resolved through `index`, over the upstream.
    const near = createMirrorServer({ store: { blockstore: kept, lookup: () => undefined }, index: root, upstream: [base] })
    const url = (await near.listen()).url
    try {
      expect((await send(url, `/sha256/${isNumber.sha256}`)).body.equals(isNumber.bytes)).toBe(true)
      expect((await send(url, `/sha512/${hello.sha512}`)).body.equals(hello.bytes)).toBe(true)
      expect((await send(url, `/sha256/${'0'.repeat(64)}`)).status).toBe(404)
      expect(kept.has(root)).toBe(true)
    } finally { await near.close() }
  }, 120_000)

  it('never asks upstream for a rebuilt archive\'s own file DAG (a shortcut taken only when the store has it)', async () => {
    const [tgz] = await describeAll([join(ensureRealArchives(), 'multiformats-14.0.5.tgz')], blocks) as [Described]
    const manifest = await loadManifest(tgz.manifest, blocks)
    expect(manifest.archive.root).toBeUndefined()
    const fileCid = CID.decode(manifest.compression?.fileCid as Uint8Array)
    const asked: string[] = []
    const counting = { put: (cid: CID, bytes: Uint8Array) => blocks.put(cid, bytes), get: (cid: CID) => { asked.push(cid.toString()); return blocks.get(cid) } }
    const far = createMirrorServer({ store: { blockstore: counting, lookup: () => undefined } })
    const farUrl = (await far.listen()).url
    const near = createMirrorServer({ store: mapStore(new MemoryBlocks(), [tgz]), upstream: [farUrl] })
    const url = (await near.listen()).url
    try {
      for (const headers of [{}, { Range: 'bytes=100-200' }] as Array<Record<string, string>>) {
        const reply = await send(url, `/sha256/${tgz.sha256}`, { headers })
        expect(reply.complete).toBe(true)
      }
      expect(asked.length).toBeGreaterThan(0)
      expect(asked).not.toContain(fileCid.toString())
    } finally {
      await near.close()
      await far.close()
    }
  }, 120_000)

  it('refuses and does not keep a block whose bytes do not hash to its CID', async () => {
    const liar = await lyingGateway()
    const kept = new MemoryBlocks()
    const near = createMirrorServer({ store: mapStore(kept, []), upstream: [liar.url] })
    const url = (await near.listen()).url
    try {
      const reply = await send(url, `/ipfs/${hello.tree}?format=raw`)
      expect(reply.status).toBe(404)
      expect(liar.asked()).toBeGreaterThan(0)
      expect(kept.size).toBe(0)
    } finally {
      await near.close()
      await liar.close()
    }
  }, 120_000)
})

/** A port with nothing listening on it (bound, then closed). */
async function refusingPort (): Promise<number> {
  const s = createServer()
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve))
  const { port } = s.address() as AddressInfo
  await new Promise<void>(resolve => s.close(() => resolve()))
  return port
}

/** A "gateway" that answers every block request with bytes that are not the block. */
async function lyingGateway (): Promise<{ url: string, asked: () => number, close: () => Promise<void> }> {
  let asked = 0
  const s: Server = createServer((req, res) => {
    asked++
    res.writeHead(200, { 'Content-Type': 'application/vnd.ipld.raw' }).end('not the block you asked for')
  })
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve))
  const { port } = s.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/`, asked: () => asked, close: async () => { await new Promise<void>(resolve => s.close(() => resolve())) } }
}
