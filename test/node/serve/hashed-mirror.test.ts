/**
 * GET|HEAD /sha256/<hex> and /sha512/<hex> as curl sees them: whole bodies and random ranges equal the
 * original bytes (plain tar, npm .tgz, .tar.bz2, .tar.xz, and a pigz .tar.gz whose own bytes are kept),
 * headers, conditional requests, and what a failed rebuild does to the connection (cut, never a complete
 * wrong body).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import type { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { MemoryBlocks, loadManifest } from '../../../src/index.js'
import { linkedArchiveFile } from '../../../src/manifest/restore.js'
import { TreePathResolver } from '../../../src/unixfs/path-resolver.js'
import { encodeManifest } from '../../../src/codec/manifest-codec.js'
import { createMirrorServer, type MirrorServer } from '../../../src/node/index.js'
import { tempDir, removeDir } from '../../helpers/archives.js'
import { tampered } from '../../helpers/blocks.js'
import { prng } from '../../helpers/corpus.js'
import { ensureRealArchives, repoRoot } from '../../helpers/real-archives.js'
import { describeAll, mapStore, send, type Described } from './helpers.js'

const execFileAsync = promisify(execFile)

let dir: string
let blocks: MemoryBlocks
let archives: Described[]
let server: MirrorServer
let base: string

beforeAll(async () => {
  const real = ensureRealArchives()
  dir = tempDir('iam-serve-')
  const xz = join(dir, 'tar-stream-3.1.7.tar.xz')
  execFileSync('sh', ['-c', `xz -6 -T1 -c "$1" > "$2"`, 'sh', join(repoRoot, 'test/fixtures/real/tar-stream-3.1.7.tar'), xz])
  // pigz writes deflate no recipe reproduces: the manifest links the file's own bytes, read by range directly.
  const pigz = join(dir, 'hello-2.10.tar.gz')
  execFileSync('sh', ['-c', `pigz -9 -c "$1" > "$2"`, 'sh', join(repoRoot, 'test/fixtures/real/hello-2.10.tar'), pigz])
  blocks = new MemoryBlocks()
  archives = await describeAll([
    join(repoRoot, 'test/fixtures/real/hello-2.10.tar'),
    join(real, 'multiformats-14.0.5.tgz'),
    join(real, 'zlib_1.2.13.dfsg.orig.tar.bz2'),
    xz,
    pigz
  ], blocks)
  expect(await linkedArchiveFile(await loadManifest((archives[4] as Described).manifest, blocks), blocks)).toBeDefined()
  server = createMirrorServer({ store: mapStore(blocks, archives) })
  base = (await server.listen()).url
}, 300_000)

afterAll(async () => {
  await server?.close()
  removeDir(dir)
})

/** curl, run asynchronously: the server answering it is in this process. */
async function curl (...args: string[]): Promise<Buffer> {
  const { stdout } = await execFileAsync('curl', ['-s', '-S', '-f', '--globoff', ...args], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 })
  return stdout
}

/** Seeded random single ranges of a body of `size` bytes, as curl's -r takes them, with the bytes each selects. */
function randomRanges (size: number, seed: number, n: number): Array<{ spec: string, start: number, end: number }> {
  const next = prng(seed)
  const out = []
  for (let i = 0; i < n; i++) {
    const a = Math.floor(next() * size)
    const b = Math.min(size - 1, a + Math.floor(next() * 300_000))
    if (i % 4 === 1) out.push({ spec: `${a}-`, start: a, end: size - 1 })
    else if (i % 4 === 2) { const k = 1 + Math.floor(next() * 5000); out.push({ spec: `-${k}`, start: Math.max(0, size - k), end: size - 1 }) } else out.push({ spec: `${a}-${b}`, start: a, end: b })
  }
  return out
}

/** curl -r of `n` seeded random ranges of each archive equals the bytes they select. */
async function expectRanges (seed: number, n: number): Promise<void> {
  for (const [i, a] of archives.entries()) {
    for (const r of randomRanges(a.bytes.length, seed + i, n)) {
      expect((await curl('-r', r.spec, `${base}sha256/${a.sha256}`)).equals(a.bytes.subarray(r.start, r.end + 1)), `${a.path} ${r.spec}`).toBe(true)
    }
  }
}

describe('hashed mirror: /sha256/<hex>, /sha512/<hex>', () => {
  it('serves ranges exactly before any whole body was served (each one checked by a whole rebuild)', async () => {
    await expectRanges(100, 2)
  }, 300_000)

  it('serves each archive whole, byte for byte, by sha256 and by sha512', async () => {
    for (const a of archives) {
      expect(createHash('sha256').update(await curl(`${base}sha256/${a.sha256}`)).digest('hex'), a.path).toBe(a.sha256)
      expect((await curl(`${base}sha512/${a.sha512}`)).equals(a.bytes), a.path).toBe(true)
    }
  }, 300_000)

  it('serves random ranges exactly once verified (skipping to their start)', async () => {
    await expectRanges(200, 8)
  }, 300_000)

  it('answers HEAD with the headers of the body and no body', async () => {
    const a = archives[1] as Described
    const head = await send(base, `/sha256/${a.sha256}`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.body.length).toBe(0)
    expect(head.headers).toMatchObject({
      'content-length': String(a.bytes.length),
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
      etag: `"${a.sha256}"`,
      'cache-control': 'public, max-age=29030400, immutable'
    })
  })

  it('answers ranges with 206 and Content-Range, unsatisfiable ones with 416, and ignores multiple ranges', async () => {
    const a = archives[0] as Described
    const size = a.bytes.length
    const part = await send(base, `/sha256/${a.sha256}`, { headers: { Range: 'bytes=512-1023' } })
    expect(part.status).toBe(206)
    expect(part.headers['content-range']).toBe(`bytes 512-1023/${size}`)
    expect(part.body.equals(a.bytes.subarray(512, 1024))).toBe(true)
    const beyond = await send(base, `/sha256/${a.sha256}`, { headers: { Range: `bytes=${size}-` } })
    expect(beyond.status).toBe(416)
    expect(beyond.headers['content-range']).toBe(`bytes */${size}`)
    const several = await send(base, `/sha256/${a.sha256}`, { headers: { Range: 'bytes=0-1,5-6' } })
    expect(several.status).toBe(200)
    expect(several.body.equals(a.bytes)).toBe(true)
  })

  it('answers If-None-Match with 304, and If-Range for another entity with the whole body', async () => {
    const a = archives[1] as Described
    const cached = await send(base, `/sha256/${a.sha256}`, { headers: { 'If-None-Match': `"${a.sha256}"` } })
    expect(cached.status).toBe(304)
    expect(cached.body.length).toBe(0)
    const stale = await send(base, `/sha256/${a.sha256}`, { headers: { Range: 'bytes=0-9', 'If-Range': '"other"' } })
    expect(stale.status).toBe(200)
    expect(stale.body.equals(a.bytes)).toBe(true)
  })

  it('answers 404 for a digest it does not index, 400 for any other spelling of a hashed-mirror URL, 414 and 405', async () => {
    const hex = (archives[0] as Described).sha256
    expect((await send(base, `/sha256/${'0'.repeat(64)}`)).status).toBe(404)
    expect((await send(base, `/sha1/${'0'.repeat(40)}`)).status).toBe(404)
    expect((await send(base, '/')).status).toBe(404)
    for (const target of [
      `/sha256/${hex.toUpperCase()}`, `/sha256/${hex.slice(1)}`, `/sha256/${hex}0`, `/sha256/${hex}/`, `/sha256/${hex}?x=1`,
      `//sha256/${hex}`, `/sha256//${hex}`, `/sha256/../sha256/${hex}`, `/./sha256/${hex}`, `/%73ha256/${hex}`,
      `/sha256/${hex.slice(0, 62)}%30%30`, `/sha256\\${hex}`, `http://127.0.0.1/sha256/${hex}`, `/sha512/${hex}`
    ]) {
      const reply = await send(base, target)
      expect(reply.status, target).toBe(400)
      expect(reply.body.toString(), target).toMatch(/^400 /)
    }
    expect((await send(base, `/sha256/${'a'.repeat(3000)}`)).status).toBe(414)
    const post = await send(base, `/sha256/${hex}`, { method: 'POST' })
    expect(post.status).toBe(405)
    expect(post.headers.allow).toBe('GET, HEAD')
  })
})

describe('hashed mirror: a rebuild that fails cuts the connection', () => {
  /** A server over `store` for one test. */
  async function withServer<T> (store: ReturnType<typeof mapStore>, run: (base: string) => Promise<T>): Promise<T> {
    const s = createMirrorServer({ store })
    try {
      return await run((await s.listen()).url)
    } finally {
      await s.close()
    }
  }

  it('a corrupted block in the middle of the archive: 200, then the body stops short', async () => {
    const a = archives[0] as Described
    const leaf = await middleLeaf(a)
    const store = mapStore(tampered(blocks, { flip: [leaf] }), [a])
    const reply = await withServer(store, async url => await send(url, `/sha256/${a.sha256}`))
    expect(reply.status).toBe(200)
    expect(reply.headers['content-length']).toBe(String(a.bytes.length))
    expect(reply.complete).toBe(false)
    expect(reply.body.length).toBeLessThan(a.bytes.length)
    expect(reply.body.equals(a.bytes.subarray(0, reply.body.length))).toBe(true)
  })

  it('a rebuild whose digest fails only at its end: every byte but the held-back last chunk, then the cut', async () => {
    // The same archive under a manifest that records another digest: each block is right, the whole is not.
    const a = archives[2] as Described
    const manifest = await loadManifest(a.manifest, blocks)
    const wrong = createHash('sha256').update('not this archive').digest()
    const forged = await encodeManifest({ ...manifest, archive: { ...manifest.archive, sha256: new Uint8Array(wrong) } })
    const store = new MemoryBlocks()
    for (const [cid, bytes] of blocks.entries()) store.put(cid, bytes)
    store.put(forged.cid, forged.bytes)
    const hex = wrong.toString('hex')
    const index = { blockstore: store, lookup: (_: string, h: string) => h === hex ? forged.cid : undefined }
    const s = createMirrorServer({ store: index })
    try {
      const url = (await s.listen()).url
      const variants: Array<Record<string, string>> = [{}, { Range: 'bytes=10-20' }, { Range: 'bytes=10-20' }]
      for (const headers of variants) {
        const reply = await send(url, `/sha256/${hex}`, { headers })
        expect(reply.status).toBe('Range' in headers ? 206 : 200)
        expect(reply.complete).toBe(false)
        expect(reply.body.length).toBeLessThan(Number(reply.headers['content-length']))
      }
    } finally {
      await s.close()
    }
  })
})

/** The block of hello-2.10's `configure` (one raw leaf of 450 KB, in the middle of the tar). */
async function middleLeaf (a: Described): Promise<CID> {
  const resolved = await new TreePathResolver(a.tree, blocks).resolve(new TextEncoder().encode('hello-2.10/configure'))
  if (resolved?.kind !== 'file' || resolved.cid.code !== raw.code) throw new Error('expected configure as one raw leaf')
  return resolved.cid
}
