/**
 * The store on disk (src/node/store.ts), with its real blockstore-fs directory in a temporary directory:
 * what it adds is indexed and resolves by the exporter from the files on disk, it persists across
 * reopening, adding again changes nothing, concurrent adds all land, and a damaged store is a typed error.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exporter } from 'ipfs-unixfs-exporter'
import { CID } from 'multiformats/cid'
import { restoreArchive } from '../../src/index.js'
import { openStore, INDEX_ROOT_FILE, type Store } from '../../src/node/store.js'
import { manifestFromFile } from '../../src/node/manifest-file.js'
import { ensureRealArchives } from '../helpers/real-archives.js'
import { removeDir, tempDir } from '../helpers/archives.js'

const fixtures = join(import.meta.dirname, '../fixtures/real')
const emptyIndexV1 = 'bafybeieurnmmouplwjf65ig3wxklgzgx424wtg24l3dtksjern37kvn5oa'

let dir: string
let archives: string[]
beforeAll(() => {
  dir = tempDir('iam-store-')
  const real = ensureRealArchives()
  // A plain tar, a .tgz (npm, Node's zlib), a .tar.bz2, and a zip made by Info-ZIP from a real tar's files.
  const zipDir = join(dir, 'zip-src')
  mkdirSync(zipDir)
  execFileSync('tar', ['-xf', join(fixtures, 'is-number-7.0.0.tar'), '-C', zipDir])
  execFileSync('zip', ['-q', '-X', '-r', join(dir, 'is-number.zip'), '.'], { cwd: zipDir })
  archives = [join(fixtures, 'tar-stream-3.1.7.tar'), join(real, 'multiformats-14.0.5.tgz'), join(real, 'zlib_1.2.13.dfsg.orig.tar.bz2'), join(dir, 'is-number.zip')]
})
afterAll(() => { removeDir(dir) })

function digest (path: string, algorithm: 'sha256' | 'sha512'): string {
  return createHash(algorithm).update(readFileSync(path)).digest('hex')
}

/** Block files in the store's blockstore directory. */
function blockFiles (storeDir: string): string[] {
  return readdirSync(join(storeDir, 'blocks'), { recursive: true, encoding: 'utf8' }).filter(name => name.endsWith('.data')).sort()
}

async function bytesOf (chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const chunk of chunks) parts.push(chunk)
  return Buffer.concat(parts)
}

describe('openStore', () => {
  it('adds archives, each resolvable from the files on disk as /ipfs/<root>/sha256/<hex>; persists across reopening; adding again changes nothing', async () => {
    const storeDir = join(dir, 'a')
    let store: Store = await openStore(storeDir)
    expect(store.indexRoot.toString()).toBe(emptyIndexV1)
    expect(readFileSync(join(storeDir, INDEX_ROOT_FILE), 'utf8')).toBe(`${emptyIndexV1}\n`)
    const added = []
    for (const path of archives) added.push(await store.add(path))
    expect(added.map(a => [a.format, a.rebuild, a.added])).toEqual([
      ['tar', 'plain', true], ['tar+gzip', 'recipe', true], ['tar+bzip2', 'recipe', true], ['zip', 'recipe', true]
    ])
    const root = store.indexRoot
    expect(added[3]?.indexRoot.toString()).toBe(root.toString())
    expect(readFileSync(join(storeDir, INDEX_ROOT_FILE), 'utf8')).toBe(`${root}\n`)
    await store.close()

    store = await openStore(storeDir)
    expect(store.indexRoot.toString()).toBe(root.toString())
    for (const [i, path] of archives.entries()) {
      const result = added[i]!
      expect(result.sha256).toBe(digest(path, 'sha256'))
      expect(result.size).toBe(readFileSync(path).length)
      expect(result.sideBytes).toBeGreaterThan(0)
      for (const algorithm of ['sha256', 'sha512'] as const) {
        const hex = digest(path, algorithm)
        expect((await store.lookup(algorithm, hex))?.toString()).toBe(result.manifest.toString())
        // Any IPFS implementation over these blocks: the exporter reads blockstore-fs's files.
        const entry = await exporter(`/ipfs/${root}/${algorithm}/${hex}`, store.blockstore)
        expect(entry.cid.toString()).toBe(result.manifest.toString())
      }
      expect((await bytesOf(restoreArchive(result.manifest, store.blockstore))).equals(readFileSync(path))).toBe(true)
    }
    const listed = []
    for await (const entry of store.list()) listed.push(entry)
    expect(listed.length).toBe(2 * archives.length)

    const files = blockFiles(storeDir)
    for (const path of archives) {
      const again = await store.add(path)
      expect(again.added).toBe(false)
      expect(again.indexRoot.toString()).toBe(root.toString())
    }
    expect(store.indexRoot.toString()).toBe(root.toString())
    expect(blockFiles(storeDir)).toEqual(files)
    await store.close()
  }, 600_000)

  it('concurrent adds in one process all land: the root is the one sequential adds give', async () => {
    const sequential = await openStore(join(dir, 'seq'))
    for (const path of archives.slice(0, 3)) await sequential.add(path)
    const concurrent = await openStore(join(dir, 'conc'))
    const results = await Promise.all(archives.slice(0, 3).map(async path => await concurrent.add(path)))
    expect(concurrent.indexRoot.toString()).toBe(sequential.indexRoot.toString())
    for (const result of results) expect((await concurrent.lookup('sha512', result.sha512))?.toString()).toBe(result.manifest.toString())
    // Index updates requested at the same moment (no describing in between to space them out).
    const racing = await openStore(join(dir, 'race'))
    const manifests = await Promise.all(archives.slice(0, 3).map(async path => (await manifestFromFile(path, { blockstore: racing.blockstore })).cid))
    const roots = await Promise.all(manifests.map(async cid => await racing.index([cid])))
    expect(racing.indexRoot.toString()).toBe(sequential.indexRoot.toString())
    expect(roots.at(-1)?.toString()).toBe(sequential.indexRoot.toString())
    await racing.close()
    // And bytes in memory index the same way as the file.
    const fromBytes = await openStore(join(dir, 'bytes'))
    for (const path of archives.slice(0, 3)) await fromBytes.add(new Uint8Array(readFileSync(path)))
    expect(fromBytes.indexRoot.toString()).toBe(sequential.indexRoot.toString())
    await Promise.all([sequential.close(), concurrent.close(), fromBytes.close()])
  }, 600_000)

  it('adding under another profile re-describes the archive and points its digests at the new manifest', async () => {
    const store = await openStore(join(dir, 'profiles'))
    const v1 = await store.add(archives[0]!)
    const v0 = await store.add(archives[0]!, { profile: 'unixfs-v0-2015' })
    expect(v0.added).toBe(true)
    expect(v0.manifest.toString()).not.toBe(v1.manifest.toString())
    expect((await store.lookup('sha256', v1.sha256))?.toString()).toBe(v0.manifest.toString())
    await store.close()
    // A store made under v0-2015 keeps that profile: its index root is a CIDv0.
    const old = await openStore(join(dir, 'v0'), { profile: 'unixfs-v0-2015' })
    expect(old.indexRoot.version).toBe(0)
    await old.close()
    const reopened = await openStore(join(dir, 'v0'))
    expect(reopened.profile).toBe('unixfs-v0-2015')
    await reopened.close()
  }, 300_000)

  it('what is not an archive is a typed error and leaves the index as it was', async () => {
    const store = await openStore(join(dir, 'bad'))
    const root = store.indexRoot
    const text = join(dir, 'notes.txt')
    writeFileSync(text, 'just some text, not an archive\n'.repeat(40))
    await expect(store.add(text)).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_/) })
    await expect(store.add(join(dir, 'absent.tar'))).rejects.toMatchObject({ code: 'ERR_FILE_NOT_FOUND' })
    await expect(store.lookup('sha256', 'ABC')).rejects.toMatchObject({ code: 'ERR_INVALID_HASH' })
    expect(store.indexRoot.toString()).toBe(root.toString())
    await store.close()
  })

  it('a missing, corrupt or dangling index-root file is ERR_INVALID_STORE; nothing is started afresh over it', async () => {
    const storeDir = join(dir, 'damaged')
    const store = await openStore(storeDir)
    await store.add(archives[0]!)
    const root = store.indexRoot
    await store.close()
    const rootFile = join(storeDir, INDEX_ROOT_FILE)
    const cases: Array<[string, string | undefined]> = [
      ['absent', undefined],
      ['empty', ''],
      ['not a CID', 'hello\n'],
      ['two lines', `${root}\n${root}\n`],
      ['a dag-cbor CID', 'bafyreiaijja2ayvrcgqut43emmqzwifvmvorao3ejftr465ohv2b4cxbam\n'],
      ['a root the blocks do not hold', 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi\n']
    ]
    for (const [label, content] of cases) {
      rmSync(rootFile, { force: true })
      if (content !== undefined) writeFileSync(rootFile, content)
      await expect(openStore(storeDir), label).rejects.toMatchObject({ code: 'ERR_INVALID_STORE' })
    }
    writeFileSync(rootFile, `${root}\n`)
    const reopened = await openStore(storeDir)
    expect(reopened.indexRoot.toString()).toBe(root.toString())
    await reopened.close()
    await expect(openStore(join(dir, 'nowhere'), { create: false })).rejects.toMatchObject({ code: 'ERR_FILE_NOT_FOUND' })
    expect(CID.parse(emptyIndexV1).version).toBe(1)
  }, 300_000)
})
