/**
 * GET|HEAD /ipfs/<cid>: raw blocks and CARs by dag-scope, as ipfs/specs trustless-gateway.md asks, with
 * the answers for bad CIDs (400), absent blocks (404), unsupported Accept (406) and corrupt blocks.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CarBlockIterator } from '@ipld/car'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import { base36 } from 'multiformats/bases/base36'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { sha512 } from 'multiformats/hashes/sha2'
import { MemoryBlocks, walkBlocks } from '../../../src/index.js'
import { createMirrorServer, type MirrorServer } from '../../../src/node/index.js'
import { TreePathResolver } from '../../../src/unixfs/path-resolver.js'
import { packTar, patternBytes, removeDir, tempDir } from '../../helpers/archives.js'
import { tampered } from '../../helpers/blocks.js'
import { repoRoot } from '../../helpers/real-archives.js'
import { describeAll, mapStore, send, type Described } from './helpers.js'

const RAW = 'application/vnd.ipld.raw'
const CAR = 'application/vnd.ipld.car'

let dir: string
let blocks: MemoryBlocks
let hello: Described
let big: Described
let v0: Described
let server: MirrorServer
let base: string

beforeAll(async () => {
  dir = tempDir('iam-gateway-')
  // A file of three chunks (v1: 1 MiB each) and a directory of 5000 long names: a HAMT (over 256 KiB flat).
  const members: Parameters<typeof packTar>[0] = [[{ name: 'big/file.bin', size: 2_621_440 }, patternBytes(2_621_440, 7)]]
  for (let i = 0; i < 5000; i++) members.push([{ name: `big/many/${String(i).padStart(5, '0')}-${'n'.repeat(60)}`, size: 1 }, 'x'])
  writeFileSync(join(dir, 'big.tar'), await packTar(members))
  blocks = new MemoryBlocks()
  ;[hello, big] = await describeAll([join(repoRoot, 'test/fixtures/real/hello-2.10.tar'), join(dir, 'big.tar')], blocks) as [Described, Described]
  ;[v0] = await describeAll([join(repoRoot, 'test/fixtures/real/is-number-7.0.0.tar')], blocks, 'unixfs-v0-2015') as [Described]
  server = createMirrorServer({ store: mapStore(blocks, [hello, big, v0]) })
  base = (await server.listen()).url
}, 300_000)

afterAll(async () => {
  await server?.close()
  removeDir(dir)
})

async function resolve (tree: CID, path: string): Promise<CID> {
  const found = await new TreePathResolver(tree, blocks).resolve(new TextEncoder().encode(path))
  if (found === undefined) throw new Error(`no ${path}`)
  return found.cid
}

/** The CAR's roots and blocks, each block checked against its CID. */
async function readCar (body: Buffer): Promise<{ roots: CID[], cids: string[] }> {
  const reader = await CarBlockIterator.fromBytes(body)
  const cids: string[] = []
  for await (const { cid, bytes } of reader) {
    expect((await sha256.digest(bytes)).bytes).toEqual(cid.multihash.bytes)
    cids.push(cid.toString())
  }
  return { roots: await reader.getRoots(), cids }
}

async function walked (root: CID): Promise<string[]> {
  const out: string[] = []
  for await (const { cid } of walkBlocks(root, blocks)) out.push(cid.toString())
  return out
}

describe('trustless gateway: raw blocks', () => {
  it('serves a block for ?format=raw and for Accept, with the spec\'s headers', async () => {
    const cid = hello.tree
    for (const [target, headers] of [[`/ipfs/${cid}?format=raw`, {}], [`/ipfs/${cid}`, { Accept: RAW }]] as const) {
      const reply = await send(base, target, { headers })
      expect(reply.status).toBe(200)
      expect(reply.body.equals(blocks.get(cid))).toBe(true)
      expect(reply.headers).toMatchObject({
        'content-type': RAW,
        'content-length': String(blocks.get(cid).length),
        'x-content-type-options': 'nosniff',
        'cache-control': 'public, max-age=29030400, immutable',
        etag: `"${cid}.raw"`,
        'content-disposition': `attachment; filename="${cid}.bin"`
      })
    }
    expect((await send(base, `/ipfs/${cid}`, { headers: { Accept: RAW } })).headers['content-location']).toBe(`/ipfs/${cid}?format=raw`)
  })

  it('reads CIDs in base32, base36 and base58btc (CIDv0), and serves raw leaves', async () => {
    const leaf = await resolve(hello.tree, 'hello-2.10/COPYING')
    expect(leaf.code).toBe(raw.code)
    const v0root = v0.tree
    expect(v0root.version).toBe(0)
    for (const [text, cid] of [[leaf.toString(), leaf], [leaf.toString(base36), leaf], [v0root.toString(), v0root]] as const) {
      const reply = await send(base, `/ipfs/${text}?format=raw`)
      expect(reply.status, text).toBe(200)
      expect(reply.body.equals(blocks.get(cid))).toBe(true)
    }
  })

  it('answers HEAD with the headers only, and If-None-Match with 304', async () => {
    const head = await send(base, `/ipfs/${hello.manifest}?format=raw`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers['content-length']).toBe(String(blocks.get(hello.manifest).length))
    expect(head.body.length).toBe(0)
    const cached = await send(base, `/ipfs/${hello.manifest}?format=raw`, { headers: { 'If-None-Match': `"${hello.manifest}.raw"` } })
    expect(cached.status).toBe(304)
  })

  it('answers the bafkqaaa probe with an empty block and a CAR of no blocks', async () => {
    const block = await send(base, '/ipfs/bafkqaaa?format=raw')
    expect(block.status).toBe(200)
    expect(block.body.length).toBe(0)
    const car = await send(base, '/ipfs/bafkqaaa?format=car')
    expect(car.status).toBe(200)
    expect(await readCar(car.body)).toEqual({ roots: [CID.parse('bafkqaaa')], cids: [] })
    expect((await send(base, '/ipfs/bafkqaaa', { method: 'HEAD', headers: { Accept: RAW } })).status).toBe(200)
  })

  it('answers 404 for a block it does not have, 412 for it with only-if-cached, 404 for a hash it does not verify', async () => {
    const absent = CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode('absent')))
    expect((await send(base, `/ipfs/${absent}?format=raw`)).status).toBe(404)
    expect((await send(base, `/ipfs/${absent}?format=car`)).status).toBe(404)
    expect((await send(base, `/ipfs/${absent}?format=raw`, { method: 'HEAD' })).status).toBe(404)
    expect((await send(base, `/ipfs/${absent}?format=raw`, { headers: { 'Cache-Control': 'only-if-cached' } })).status).toBe(412)
    expect((await send(base, `/ipfs/${hello.tree}?format=raw`, { headers: { 'Cache-Control': 'only-if-cached' } })).status).toBe(200)
    const other = CID.createV1(raw.code, await sha512.digest(new TextEncoder().encode('absent')))
    expect((await send(base, `/ipfs/${other}?format=raw`)).status).toBe(404)
  })

  it('answers 400 for a bad CID, a path, or a request that names no verifiable format', async () => {
    const cid = hello.tree.toString()
    for (const [target, headers] of [
      ['/ipfs/notacid?format=raw', {}], [`/ipfs/${cid.slice(0, -2)}?format=raw`, {}], ['/ipfs/?format=raw', {}], ['/ipfs?format=raw', {}],
      [`/ipfs/${cid}!?format=raw`, {}], [`/ipfs/${cid}/hello-2.10?format=car`, {}], [`/ipfs/${cid}?format=tar`, {}],
      [`/ipfs/${cid}`, {}], [`/ipfs/${cid}`, { Accept: '*/*' }], [`/ipfs/${cid}?format=raw&format=car`, {}],
      [`/ipfs/${cid}?format=car&dag-scope=foo`, {}], [`/ipfs/${cid}?format=car&entity-bytes=0:10`, {}], [`/ipfs/${cid}?format=car&car-dups=y`, {}],
      [`/ipfs/../ipfs/${cid}?format=raw`, {}], [`/ipfs/%62${cid.slice(1)}?format=raw`, {}]
    ] as const) {
      const reply = await send(base, target, { headers })
      expect(reply.status, target).toBe(400)
    }
  })

  it('answers 406 when Accept names only types or CAR variants it does not write, and negotiates by q', async () => {
    const cid = hello.tree
    expect((await send(base, `/ipfs/${cid}`, { headers: { Accept: `text/html, ${CAR}; dups=y` } })).status).toBe(406)
    expect((await send(base, `/ipfs/${cid}`, { headers: { Accept: `${CAR}; version=2` } })).status).toBe(406)
    expect((await send(base, `/ipfs/${cid}`, { headers: { Accept: `${RAW};q=0` } })).status).toBe(406)
    const preferred = await send(base, `/ipfs/${cid}`, { headers: { Accept: `${CAR};q=0.5, ${RAW}` } })
    expect(preferred.headers['content-type']).toBe(RAW)
    const car = await send(base, `/ipfs/${cid}`, { headers: { Accept: `${CAR}; version=1; order=dfs; dups=n, ${RAW};q=0.1` } })
    expect(car.headers['content-type']).toBe(`${CAR}; version=1; order=dfs; dups=n`)
  })

  it('answers 500 for a corrupt block, never its bytes', async () => {
    const s = createMirrorServer({ store: mapStore(tampered(blocks, { flip: [hello.tree] }), []) })
    try {
      const reply = await send((await s.listen()).url, `/ipfs/${hello.tree}?format=raw`)
      expect(reply.status).toBe(500)
      expect(reply.body.toString()).toContain('ERR_BLOCK_HASH_MISMATCH')
    } finally { await s.close() }
  })
})

describe('trustless gateway: CARs by dag-scope', () => {
  it('dag-scope=all (the default): the whole DAG, depth first, each block once', async () => {
    for (const root of [hello.tree, hello.manifest, big.manifest]) {
      const reply = await send(base, `/ipfs/${root}?format=car`)
      expect(reply.status).toBe(200)
      expect(reply.headers['content-type']).toBe(`${CAR}; version=1; order=dfs; dups=n`)
      expect(reply.headers.etag).toBe(`"${root}.car.all.dfs.n"`)
      expect(await readCar(reply.body)).toEqual({ roots: [root], cids: await walked(root) })
    }
  })

  it('dag-scope=block: the root alone', async () => {
    const reply = await send(base, `/ipfs/${hello.tree}?format=car&dag-scope=block`)
    expect(await readCar(reply.body)).toEqual({ roots: [hello.tree], cids: [hello.tree.toString()] })
  })

  it('dag-scope=entity: a file whole, a directory or a dag-cbor block alone, a HAMT\'s shards without their entries', async () => {
    const file = await resolve(big.tree, 'big/file.bin')
    const fileCar = await readCar((await send(base, `/ipfs/${file}?format=car&dag-scope=entity`)).body)
    expect(fileCar.cids).toEqual(await walked(file))
    expect(fileCar.cids.length).toBe(4)
    for (const root of [hello.tree, hello.manifest]) {
      expect((await readCar((await send(base, `/ipfs/${root}?format=car&dag-scope=entity`)).body)).cids).toEqual([root.toString()])
    }
    const hamt = await resolve(big.tree, 'big/many')
    const shards = (await walked(hamt)).filter(c => {
      const cid = CID.parse(c)
      return cid.code === dagPb.code && UnixFS.unmarshal(dagPb.decode(blocks.get(cid)).Data as Uint8Array).type === 'hamt-sharded-directory'
    })
    expect(shards.length).toBeGreaterThan(1)
    expect((await readCar((await send(base, `/ipfs/${hamt}?format=car&dag-scope=entity`)).body)).cids).toEqual(shards)
  })

  it('HEAD of a CAR: 200 and its headers, no body', async () => {
    const head = await send(base, `/ipfs/${hello.tree}`, { method: 'HEAD', headers: { Accept: CAR } })
    expect(head.status).toBe(200)
    expect(head.headers['content-type']).toBe(`${CAR}; version=1; order=dfs; dups=n`)
    expect(head.body.length).toBe(0)
  })

  it('a corrupt block inside the DAG cuts the CAR short (the client sees an incomplete stream)', async () => {
    const leaf = await resolve(hello.tree, 'hello-2.10/configure')
    const s = createMirrorServer({ store: mapStore(tampered(blocks, { flip: [leaf] }), []) })
    try {
      const reply = await send((await s.listen()).url, `/ipfs/${hello.tree}?format=car`)
      expect(reply.status).toBe(200)
      expect(reply.complete).toBe(false)
    } finally { await s.close() }
  })
})
