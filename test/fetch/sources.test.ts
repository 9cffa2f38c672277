/**
 * The two kinds of source against servers on 127.0.0.1: a hashed mirror (plain GET, digest checked while
 * streaming) and a trustless gateway read by a helia node (every block hash-checked), each with the
 * faults the client must get past: a closed port, a 404, a body cut short, a server that never answers,
 * a gateway that lies about a block or lacks one.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CID } from 'multiformats/cid'
import { MemoryBlocks, manifestFromTarball } from '../../src/index.js'
import { BlockCache } from '../../src/fetch/block-cache.js'
import { firstGoodSource, type Source } from '../../src/fetch/failover.js'
import { gatewaySource } from '../../src/fetch/gateway-source.js'
import { mirrorSource, mirrorUrl } from '../../src/fetch/mirror-source.js'
import { FetchFailedError, type SourceFailure } from '../../src/errors.js'
import { blockGateway, closedPortUrl, hashedMirror, silentServer, type LocalServer } from '../helpers/http-sources.js'

const archive = new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/real/hello-2.10.tar')))
const hex = createHash('sha256').update(archive).digest('hex')
const expected = { algorithm: 'sha256' as const, digest: new Uint8Array(createHash('sha256').update(archive).digest()) }

let blocks: MemoryBlocks
let manifest: CID
const servers: LocalServer[] = []
async function started (server: Promise<LocalServer>): Promise<LocalServer> {
  const s = await server
  servers.push(s)
  return s
}

beforeAll(async () => {
  blocks = new MemoryBlocks()
  manifest = (await manifestFromTarball(archive, { blockstore: blocks })).cid
})
afterAll(async () => { await Promise.all(servers.map(async s => { await s.close() })) })

async function fetchFrom (sources: Source[], failures: SourceFailure[] = []): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of firstGoodSource(sources, expected, { onFailure: f => failures.push(f) })) parts.push(part)
  return new Uint8Array(Buffer.concat(parts))
}

/** Byte equality without the test runner's element-by-element diff (slow on megabytes). */
const same = (bytes: Uint8Array): boolean => Buffer.from(bytes).equals(archive)

const mirror = (url: string, timeoutMs = 60_000): Source => mirrorSource(url, 'sha256', hex, { timeoutMs })

describe('hashed mirrors', () => {
  it('the URL keeps the mirror\'s path and adds <algorithm>/<hex>', () => {
    expect(mirrorUrl('http://127.0.0.1:8080', 'sha256', 'ab')).toBe('http://127.0.0.1:8080/sha256/ab')
    expect(mirrorUrl('https://host/tarballs/', 'sha512', 'cd')).toBe('https://host/tarballs/sha512/cd')
  })

  it('closed port, 404 and a body cut short are each skipped; the archive comes whole from the last', async () => {
    const files = new Map([[`sha256/${hex}`, archive]])
    const dead = await closedPortUrl()
    const empty = await started(hashedMirror(new Map()))
    const cut = await started(hashedMirror(files, { cutAfter: 1_000_000 }))
    const good = await started(hashedMirror(files))
    const failures: SourceFailure[] = []
    const out = await fetchFrom([mirror(dead), mirror(empty.url), mirror(cut.url), mirror(good.url)], failures)
    expect(same(out)).toBe(true)
    expect(failures.map(f => [f.url, f.code])).toEqual([[dead, 'ERR_SOURCE_UNAVAILABLE'], [empty.url, 'ERR_SOURCE_UNAVAILABLE'], [cut.url, 'ERR_SOURCE_UNAVAILABLE']])
    expect(failures[0]?.message).toContain('ECONNREFUSED')
    expect(failures[1]?.message).toContain('404')
    expect(good.requests).toEqual([`/sha256/${hex}`])
  }, 300_000)

  it('a mirror that serves another body in full is that mirror\'s failure when it is the only one', async () => {
    const liar = await started(hashedMirror(new Map([[`sha256/${hex}`, archive]]), { replaceWith: archive.subarray(1) }))
    const err = await fetchFrom([mirror(liar.url)]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FetchFailedError)
    expect((err as FetchFailedError).failures.map(f => f.code)).toEqual(['ERR_DIGEST_MISMATCH'])
  })

  it('a server that accepts the request and never answers is given up on after the timeout', async () => {
    const silent = await started(silentServer())
    const good = await started(hashedMirror(new Map([[`sha256/${hex}`, archive]])))
    const failures: SourceFailure[] = []
    expect(same(await fetchFrom([mirror(silent.url, 300), mirror(good.url)], failures))).toBe(true)
    expect(failures).toEqual([expect.objectContaining({ url: silent.url, code: 'ERR_SOURCE_UNAVAILABLE', message: expect.stringContaining('no answer within 300 ms') })])
  }, 300_000)
})

describe('trustless gateways through helia', () => {
  const gateway = (url: string, cache = new BlockCache()): Source => gatewaySource(url, async () => manifest, { cache, timeoutMs: 60_000 })

  it('rebuilds the archive from a gateway\'s blocks, each fetched as a raw block, and asks nothing of anyone else', async () => {
    const gw = await started(blockGateway(blocks))
    // helia's defaults include public routers and gateways: every request must go to the given gateway.
    const asked: string[] = []
    const original = globalThis.fetch
    globalThis.fetch = async (input, init) => {
      asked.push(input instanceof Request ? input.url : input.toString())
      return await original(input, init)
    }
    // A small cache, to see that helia keeps its blocks there (and not in a store that keeps them all).
    const cache = new BlockCache(1 << 20)
    try {
      expect(same(await fetchFrom([gateway(gw.url, cache)]))).toBe(true)
    } finally { globalThis.fetch = original }
    expect(cache.bytes).toBeGreaterThan(0)
    expect(cache.bytes).toBeLessThanOrEqual(1 << 20)
    expect(gw.requests.length).toBeGreaterThan(0)
    expect(gw.requests.every(r => /^\/ipfs\/[a-z0-9]+\?format=raw$/.test(r))).toBe(true)
    expect(asked.length).toBe(gw.requests.length)
    expect(asked.every(u => u.startsWith(`${gw.url}/ipfs/`))).toBe(true)
  }, 300_000)

  it('a dead gateway, one that lies about a block and one that lacks one are skipped; the second half comes from the next', async () => {
    const dead = await closedPortUrl()
    // Blocks of the archive's tree: the liar and the lacking one fail partway through the archive.
    const someBlock = [...blocks.entries()].map(([cid]) => cid).find(cid => cid.code === 0x55) as CID
    const liar = await started(blockGateway(blocks, { lieAbout: cid => cid.equals(someBlock) }))
    const lacking = await started(blockGateway(blocks, { lacks: cid => cid.equals(someBlock) }))
    const good = await started(blockGateway(blocks))
    const failures: SourceFailure[] = []
    const cache = new BlockCache()
    const out = await fetchFrom([gateway(dead, cache), gateway(liar.url, cache), gateway(lacking.url, cache), gateway(good.url, cache)], failures)
    expect(same(out)).toBe(true)
    expect(failures.map(f => [f.url, f.code])).toEqual([[dead, 'ERR_BLOCK_NOT_FOUND'], [liar.url, 'ERR_BLOCK_HASH_MISMATCH'], [lacking.url, 'ERR_BLOCK_NOT_FOUND']])
    expect(failures[0]?.message).toContain('fetch failed')
    expect(failures[1]?.message).toContain(`served bytes for ${someBlock} that do not hash to it`)
    expect(failures[2]?.message).toContain('404')
    expect(liar.requests).toContain(`/ipfs/${someBlock}?format=raw`)
    expect(good.requests).toContain(`/ipfs/${someBlock}?format=raw`)
  }, 300_000)
})
