/**
 * fetchArchive and the `fetch` command end to end on 127.0.0.1: archives added to a store on disk
 * (blockstore-fs + hash index) and served by `serve` (createMirrorServer: hashed mirror and trustless
 * gateway), fetched back by sha256 or sha512 through it as a gateway (with the index) or as a mirror;
 * helia's own @helia/unixfs reads the tree through the same gateway. Beside it, local servers with the
 * faults a fetch must get past (a closed port, a gateway that lies or lacks blocks, a mirror with another
 * body), and the arguments it must refuse.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { CID } from 'multiformats/cid'
import { fetchArchive, type FetchArchiveOptions } from '../../src/index.js'
import { openStore, type Store } from '../../src/node/store.js'
import { createMirrorServer, type MirrorServer } from '../../src/node/serve/server.js'
import { createWorkerStreamEncoders } from '../../src/node/worker-stream-encoders.js'
import { loadManifest } from '../../src/manifest/load.js'
import type { SourceFailure } from '../../src/errors.js'
import { gnuExtract, removeDir, tempDir } from '../helpers/archives.js'
import { fetchCorpus, type CorpusArchive } from '../helpers/fetch-corpus.js'
import { blockGateway, closedPortUrl, hashedMirror, type LocalServer } from '../helpers/http-sources.js'

let dir: string
let store: Store
let corpus: CorpusArchive[]
let index: CID
let serve: MirrorServer
/** The same `serve` as a trustless gateway (its origin) and as a hashed mirror. */
let gateway: { url: string }
let mirror: { url: string }
const servers: LocalServer[] = []

beforeAll(async () => {
  dir = tempDir('iam-fetch-')
  corpus = fetchCorpus(dir)
  store = await openStore(`${dir}/store`)
  for (const archive of corpus) await store.add(archive.path)
  index = store.indexRoot
  serve = createMirrorServer({ store })
  const { url } = await serve.listen()
  gateway = { url: new URL(url).origin }
  mirror = { url }
}, 600_000)

afterAll(async () => {
  await serve?.close()
  await Promise.all(servers.map(async s => { await s.close() }))
  await store?.close()
  removeDir(dir)
})

async function fetched (options: FetchArchiveOptions): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const part of fetchArchive(options)) parts.push(part)
  return Buffer.concat(parts)
}

async function failure (options: FetchArchiveOptions): Promise<{ code?: string, failures?: SourceFailure[] }> {
  try {
    await fetched(options)
  } catch (err) { return err as { code?: string } }
  throw new Error('expected the fetch to fail')
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

describe('fetchArchive', () => {
  it('through a gateway and the index: each archive (.tar.gz, .tar.xz, zip) by its sha256, byte for byte', async () => {
    for (const archive of corpus) {
      const out = await fetched({ sha256: archive.sha256, index, gateways: [gateway.url] })
      expect(sha256(out), archive.name).toBe(archive.sha256)
    }
  }, 300_000)

  it('by sha512 through the index, and from a mirror by sha256', async () => {
    const [gz] = corpus as [CorpusArchive]
    expect(sha256(await fetched({ sha512: gz.sha512, index, gateways: [gateway.url] }))).toBe(gz.sha256)
    for (const archive of corpus) expect(sha256(await fetched({ sha256: archive.sha256, mirrors: [mirror.url] }))).toBe(archive.sha256)
  }, 300_000)

  it('through a gateway with encoders: a compressed archive\'s members are encoded where they say (each .tar.gz and .tar.xz member: one stream)', async () => {
    const streamEncoders = createWorkerStreamEncoders()
    let streams = 0
    const counted = { encode: (...args: Parameters<typeof streamEncoders.encode>) => { streams++; return streamEncoders.encode(...args) } }
    try {
      const [gz, xz] = corpus as [CorpusArchive, CorpusArchive]
      for (const archive of [gz, xz]) expect(sha256(await fetched({ sha256: archive.sha256, index, gateways: [gateway.url], encoders: { streamEncoders: counted } }))).toBe(archive.sha256)
      expect(streams).toBe(2)
    } finally { await streamEncoders.close() }
  }, 300_000)

  it('a dead gateway and one that lies about the index root are skipped, each reported; the next gives the archive', async () => {
    const dead = await closedPortUrl()
    const liar = await blockGateway(store.blockstore, { lieAbout: cid => cid.equals(index) })
    servers.push(liar)
    const failures: SourceFailure[] = []
    const attempts: string[] = []
    const [, xz] = corpus as [CorpusArchive, CorpusArchive]
    const out = await fetched({ sha256: xz.sha256, index, gateways: [dead, liar.url, gateway.url], onFailure: f => failures.push(f), onAttempt: s => attempts.push(s.url) })
    expect(sha256(out)).toBe(xz.sha256)
    expect(attempts).toEqual([dead, liar.url, gateway.url])
    expect(failures.map(f => [f.kind, f.url, f.code])).toEqual([['gateway', dead, 'ERR_BLOCK_NOT_FOUND'], ['gateway', liar.url, 'ERR_BLOCK_HASH_MISMATCH']])
  }, 300_000)

  it('mirrors first, then gateways: a mirror without the archive falls through to the gateway', async () => {
    const empty = await hashedMirror(new Map())
    servers.push(empty)
    const [gz] = corpus as [CorpusArchive]
    const attempts: string[] = []
    const out = await fetched({ sha256: gz.sha256, mirrors: [empty.url], index, gateways: [gateway.url], onAttempt: s => attempts.push(`${s.kind} ${s.url}`) })
    expect(sha256(out)).toBe(gz.sha256)
    expect(attempts).toEqual([`mirror ${empty.url}`, `gateway ${gateway.url}`])
  }, 300_000)

  it('all sources bad: ERR_FETCH_FAILED listing each; a digest the index lacks: ERR_HASH_NOT_INDEXED, no other gateway asked', async () => {
    const dead = await closedPortUrl()
    const empty = await hashedMirror(new Map())
    servers.push(empty)
    const [gz] = corpus as [CorpusArchive]
    const all = await failure({ sha256: gz.sha256, mirrors: [empty.url, dead], gateways: [dead], index })
    expect(all.code).toBe('ERR_FETCH_FAILED')
    expect(all.failures?.map(f => [f.kind, f.code])).toEqual([['mirror', 'ERR_SOURCE_UNAVAILABLE'], ['mirror', 'ERR_SOURCE_UNAVAILABLE'], ['gateway', 'ERR_BLOCK_NOT_FOUND']])

    const other = await blockGateway(store.blockstore)
    servers.push(other)
    const absent = await failure({ sha256: '0'.repeat(64), index, gateways: [gateway.url, other.url] })
    expect(absent.code).toBe('ERR_HASH_NOT_INDEXED')
    expect(other.requests).toEqual([])
  }, 300_000)

  it('refuses malformed requests before asking anyone', async () => {
    const [gz] = corpus as [CorpusArchive]
    const watched = await hashedMirror(new Map())
    servers.push(watched)
    const code = (options: unknown): string | undefined => {
      try { fetchArchive(options as FetchArchiveOptions) } catch (err) { return (err as { code?: string }).code }
      return undefined
    }
    const url = watched.url
    expect(code({ sha256: gz.sha256.toUpperCase(), mirrors: [url] })).toBe('ERR_INVALID_HASH')
    expect(code({ sha256: gz.sha256.slice(1), mirrors: [url] })).toBe('ERR_INVALID_HASH')
    expect(code({ sha512: gz.sha256, mirrors: [url] })).toBe('ERR_INVALID_HASH')
    expect(code({ sha256: gz.sha256, sha512: gz.sha512, mirrors: [url] })).toBe('ERR_INVALID_ARGUMENT')
    expect(code({ sha256: gz.sha256 })).toBe('ERR_INVALID_ARGUMENT')
    expect(code({ sha256: gz.sha256, gateways: [url] })).toBe('ERR_INVALID_ARGUMENT')
    expect(code({ sha256: gz.sha256, mirrors: [url], index })).toBe('ERR_INVALID_ARGUMENT')
    expect(code({ sha256: gz.sha256, gateways: [`${url}/ipfs`], index })).toBe('ERR_INVALID_ARGUMENT')
    expect(code({ sha256: gz.sha256, gateways: [url], index: 'not-a-cid' })).toBe('ERR_INVALID_ARGUMENT')
    expect(code({ sha256: gz.sha256, mirrors: ['ftp://127.0.0.1/'] })).toBe('ERR_INVALID_ARGUMENT')
    expect(code({ sha256: gz.sha256, mirrors: [`${url}/?x=1`] })).toBe('ERR_INVALID_ARGUMENT')
    expect(watched.requests).toEqual([])
  })

  it('helia\'s own @helia/unixfs reads a file of the tree through the same gateway', async () => {
    const { unixfs } = await import('@helia/unixfs')
    const { createHeliaHTTP } = await import('@helia/http')
    const { trustlessGateway } = await import('@helia/block-brokers')
    const { httpGatewayRouting } = await import('@helia/routers')
    const [gz] = corpus as [CorpusArchive]
    const manifest = await loadManifest(await store.lookup('sha256', gz.sha256) as CID, store.blockstore)
    const helia = await createHeliaHTTP({
      blockBrokers: [trustlessGateway({ allowInsecure: true, allowLocal: true })],
      routers: [httpGatewayRouting({ gateways: [gateway.url] })]
    })
    try {
      // @helia/unixfs 8 and @helia/http 3 type CIDs from two copies of multiformats: the same at run time.
      const fs = unixfs(helia as unknown as Parameters<typeof unixfs>[0])
      const names: string[] = []
      for await (const entry of fs.ls(manifest.tree.root, { path: 'hello-2.10' })) names.push(entry.name)
      expect(names).toContain('COPYING')
      const parts: Uint8Array[] = []
      for await (const part of fs.cat(manifest.tree.root, { path: 'hello-2.10/COPYING' })) parts.push(part)
      const tree = gnuExtract(gz.bytes, ['-z'])
      try {
        expect(Buffer.concat(parts).equals(readFileSync(join(tree, 'hello-2.10/COPYING')))).toBe(true)
      } finally { removeDir(tree) }
    } finally { await helia.stop() }
  }, 300_000)
})

/** The CLI in a child process, awaited without blocking this process (its servers must keep answering). */
async function cli (...args: string[]): Promise<{ status: number | null, stdout: string, stderr: string }> {
  const root = join(import.meta.dirname, '../..')
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/node/cli.ts'), ...args], { cwd: root })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const status = await new Promise<number | null>(resolve => child.on('close', resolve))
  return { status, stdout, stderr }
}

describe('ipld-archive-manifest fetch', () => {
  it('-o OUT through a gateway and the index, and from a mirror: the exact archive; --json says from where', async () => {
    const [gz, , zip] = corpus as [CorpusArchive, CorpusArchive, CorpusArchive]
    const out = join(dir, 'cli-out')
    const viaGateway = await cli('fetch', '--sha256', gz.sha256, '--gateway', gateway.url, '--index', index.toString(), '-o', `${out}.tar.gz`)
    expect(viaGateway.status, viaGateway.stderr).toBe(0)
    expect(sha256(readFileSync(`${out}.tar.gz`))).toBe(gz.sha256)
    expect(viaGateway.stdout).toContain(`from gateway ${gateway.url}`)

    // A dead mirror, then one that answers 200 with another body (all of it written to the file before
    // its digest fails): the file is rewound and the archive written again from the good mirror.
    const dead = await closedPortUrl()
    const liar = await hashedMirror(new Map([[`sha512/${zip.sha512}`, zip.bytes]]), { replaceWith: new TextEncoder().encode('<html>moved</html>') })
    servers.push(liar)
    const viaMirror = await cli('fetch', '--sha512', zip.sha512, '--mirror', dead, '--mirror', liar.url, '--mirror', mirror.url, '-o', `${out}.zip`, '--json')
    expect(viaMirror.status, viaMirror.stderr).toBe(0)
    expect(sha256(readFileSync(`${out}.zip`))).toBe(zip.sha256)
    const report = JSON.parse(viaMirror.stdout)
    expect(report).toMatchObject({ size: zip.bytes.length, sha512: zip.sha512, source: { kind: 'mirror', url: mirror.url } })
    expect(report.failures).toEqual([
      expect.objectContaining({ kind: 'mirror', url: dead, code: 'ERR_SOURCE_UNAVAILABLE' }),
      expect.objectContaining({ kind: 'mirror', url: liar.url, code: 'ERR_DIGEST_MISMATCH' })
    ])
    expect(viaMirror.stderr).toContain(`note: mirror ${dead} failed (ERR_SOURCE_UNAVAILABLE`)
    expect(readdirSync(dir).filter(name => name.startsWith('.cli-out'))).toEqual([])
  }, 300_000)

  it('every source bad: exit 1, ERR_FETCH_FAILED (--json lists each), and no output file or leftover', async () => {
    const [gz] = corpus as [CorpusArchive]
    const dead = await closedPortUrl()
    const liar = await hashedMirror(new Map([[`sha256/${gz.sha256}`, gz.bytes]]), { replaceWith: gz.bytes.subarray(1) })
    servers.push(liar)
    // -o in a directory that does not exist: refused before any source is asked.
    const nowhere = await cli('fetch', '--sha256', gz.sha256, '--mirror', liar.url, '-o', join(dir, 'no-such-dir', 'x.tar.gz'))
    expect(nowhere.status).toBe(1)
    expect(nowhere.stderr).toMatch(/^error ERR_FILE_NOT_FOUND/m)
    expect(liar.requests).toEqual([])

    const out = join(dir, 'x.tar.gz')
    const failed = await cli('fetch', '--sha256', gz.sha256, '--mirror', liar.url, '--gateway', dead, '--index', index.toString(), '-o', out, '--json')
    expect(failed.status).toBe(1)
    expect(failed.stderr).toMatch(/^error ERR_FETCH_FAILED: every source failed/m)
    expect(JSON.parse(failed.stdout).error).toMatchObject({
      code: 'ERR_FETCH_FAILED',
      failures: [{ kind: 'mirror', url: liar.url, code: 'ERR_DIGEST_MISMATCH' }, { kind: 'gateway', url: dead, code: 'ERR_BLOCK_NOT_FOUND' }].map(f => expect.objectContaining(f))
    })
    expect(existsSync(out)).toBe(false)
    expect(readdirSync(dir).filter(name => name.includes('x.tar.gz'))).toEqual([])
  }, 300_000)

  it('malformed requests are usage errors (exit 2), a digest the index lacks is ERR_HASH_NOT_INDEXED (exit 1)', async () => {
    const [gz] = corpus as [CorpusArchive]
    const usage = async (...args: string[]): Promise<string> => {
      const r = await cli('fetch', ...args)
      expect(r.status, args.join(' ')).toBe(2)
      return r.stderr
    }
    expect(await usage('--sha256', gz.sha256.toUpperCase(), '--mirror', mirror.url)).toMatch(/^error ERR_USAGE: a sha256 digest is 64 lower-case hex digits/)
    expect(await usage('--sha256', 'abc', '--mirror', mirror.url)).toMatch(/^error ERR_USAGE/)
    expect(await usage('--sha256', gz.sha256)).toMatch(/^error ERR_USAGE: no mirror or gateway/)
    expect(await usage('--sha256', gz.sha256, '--gateway', gateway.url)).toMatch(/^error ERR_USAGE: gateways need the root CID/)
    expect(await usage('--sha256', gz.sha256, '--gateway', gateway.url, '--index', 'nope')).toMatch(/^error ERR_USAGE: index "nope" is not a CID/)
    const absent = await cli('fetch', '--sha256', 'f'.repeat(64), '--gateway', gateway.url, '--index', index.toString(), '-o', join(dir, 'absent'))
    expect(absent.status).toBe(1)
    expect(absent.stderr).toMatch(/^error ERR_HASH_NOT_INDEXED: index \S+ has no archive with sha256 f{64}/m)
  }, 300_000)
})
