/** The CLI as a user runs it: a real process, real files, exit codes and the stable --json summary. */
import { TreePathResolver } from '../src/unixfs/path-resolver.js'
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import * as dagPb from '@ipld/dag-pb'
import type { CID } from 'multiformats/cid'
import { MemoryBlocks, manifestFromTarball, type Entry, type ManifestResult } from '../src/index.js'
import { encodeManifest } from '../src/codec/manifest-codec.js'
import { narOf, removeDir, tempDir, gnuExtract } from './helpers/archives.js'
import { tampered, writeCarFile } from './helpers/blocks.js'

const root = join(import.meta.dirname, '..')
const example = join(root, 'test/fixtures/real/hello-2.10.tar')

function cli (...args: string[]): { status: number | null, stdout: string, stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/node/cli.ts'), ...args], { encoding: 'utf8', cwd: root })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

let dir: string
beforeAll(() => { dir = tempDir('iam-cli-') })
afterAll(() => { removeDir(dir) })

describe('ipld-archive-manifest CLI', () => {
  it('create --car --json, then verify, restore, extract --strip and inspect --json on the same CAR', () => {
    const car = join(dir, 'hello.car')
    const created = cli('create', example, '--car', car, '--json')
    expect(created.status, created.stderr).toBe(0)
    const summary = JSON.parse(created.stdout)
    expect(Object.keys(summary)).toEqual(['manifest', 'profile', 'archive', 'tree', 'strippedTree', 'entryCount', 'entries'])
    expect(summary.archive.sha256).toBe(createHash('sha256').update(readFileSync(example)).digest('hex'))
    expect(summary.entryCount).toBe(315)
    // An in-tree file's content is the tree's file at its path: its record names none.
    expect(summary.entries[1]).toEqual({ path: 'hello-2.10/COPYING', type: 'file', size: 35147, content: null })

    expect(cli('verify', car).stdout).toContain(`ok: manifest ${summary.manifest}`)
    const out = join(dir, 'restored.tar')
    expect(cli('restore', car, '-o', out).status).toBe(0)
    expect(readFileSync(out).equals(readFileSync(example))).toBe(true)

    const x = join(dir, 'x')
    expect(cli('extract', car, x, '--strip').status).toBe(0)
    const theirs = gnuExtract(new Uint8Array(readFileSync(example)))
    try {
      expect(narOf(x).equals(narOf(join(theirs, 'hello-2.10')))).toBe(true)
    } finally { removeDir(theirs) }

    const inspected = JSON.parse(cli('inspect', car, '--json').stdout)
    expect(inspected).toEqual(summary)
  }, 60_000)

  it('a .tar.gz: the summary says how it is rebuilt, and shares are of the tar', () => {
    const gz = join(dir, 'hello-2.10.tar.gz')
    writeFileSync(gz, execFileSync('gzip', ['-n', '-9', '-c', example]))
    const r = cli('create', gz)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('(tar+gzip, ')
    expect(r.stdout).toContain('rebuild   from the tar by recipe: gnu-gzip 9 (1 member)')
    expect(r.stdout).toContain('shared with the tree: 92.67% of the tar\'s bytes')
  })

  it('the v0 profile gives CIDv0 trees', () => {
    const r = cli('create', example, '--profile', 'unixfs-v0-2015', '--json')
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).tree).toMatch(/^Qm/)
  })

  it('typed errors exit 1 with their code; usage errors exit 2', () => {
    const bad = join(dir, 'bad.tar')
    writeFileSync(bad, Buffer.concat([readFileSync(example).subarray(0, 700)]))
    const r = cli('create', bad)
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^error ERR_TRUNCATED_ARCHIVE: .*offset 700/m)
    expect(cli('create', example, '--profile', 'nope').stderr).toMatch(/ERR_UNKNOWN_PROFILE/)
    expect(cli('frobnicate').status).toBe(2)
    expect(cli('create').status).toBe(2)
    expect(cli('create', example, '--no-such-flag').status).toBe(2)
  })
})

describe('CLI: damaged CARs are reported, and failed output leaves nothing behind', () => {
  let result: ManifestResult<Entry>
  let blocks: MemoryBlocks
  /** The second leaf of hello-2.10/configure (449,922 bytes: two leaves under v0-2015). */
  let leaf: CID
  /** A fresh directory to hold one command's output, so that leftovers beside it show. */
  const place = (name: string): string => { const p = join(dir, name); mkdirSync(p); return p }

  beforeAll(async () => {
    blocks = new MemoryBlocks()
    result = await manifestFromTarball(new Uint8Array(readFileSync(example)), { blockstore: blocks, profile: 'unixfs-v0-2015' })
    const configure = (await new TreePathResolver(result.treeCid, blocks).resolve(new TextEncoder().encode('hello-2.10/configure')))!.cid
    leaf = (dagPb.decode(blocks.get(configure)).Links[1] as dagPb.PBLink).Hash
  })

  it('verify lists every missing or corrupt block (text and --json) and exits 1', async () => {
    const m = result.manifest
    const car = join(place('verify'), 'damaged.car')
    await writeCarFile(car, result.cid, tampered(blocks, { drop: [m.tree.root], flip: [m.tree.stripped as CID] }))
    const text = cli('verify', car)
    expect(text.status).toBe(1)
    expect(text.stdout).toBe([
      `missing ${m.tree.root} (ERR_BLOCK_NOT_FOUND): tree`,
      `corrupt ${m.tree.stripped} (ERR_BLOCK_HASH_MISMATCH): stripped tree`
    ].join('\n') + '\n')
    expect(text.stderr).toMatch(/^error ERR_VERIFY_FAILED: 2 of the \d+ blocks manifest \S+ reaches are missing, corrupt or undecodable$/m)
    const json = cli('verify', car, '--json')
    expect(json.status).toBe(1)
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      manifest: result.cid.toString(),
      error: { code: 'ERR_VERIFY_FAILED' },
      problems: [
        { cid: m.tree.root.toString(), code: 'ERR_BLOCK_NOT_FOUND', where: ['tree'] },
        { cid: m.tree.stripped?.toString(), code: 'ERR_BLOCK_HASH_MISMATCH', where: ['stripped tree'] }
      ]
    })

    const intact = join(dir, 'verify', 'intact.car')
    await writeCarFile(intact, result.cid, blocks)
    expect(JSON.parse(cli('verify', intact, '--json').stdout)).toEqual({
      ok: true, manifest: result.cid.toString(), blocks: blocks.size, entries: 315, archiveBytes: 3338240, problems: []
    })
  }, 60_000)

  it('restore -o: a restore that fails its final digest check leaves OUT absent, or as it was', async () => {
    // The manifest records a wrong sha256: every block is sound, so the whole archive is written first.
    const m = result.manifest
    const wrong = await encodeManifest({ ...m, archive: { ...m.archive, sha256: new Uint8Array(32) }, tar: { ...m.tar!, sha256: new Uint8Array(32) } })
    const store = tampered(blocks, {})
    store.put(wrong.cid, wrong.bytes)
    const where = place('restore')
    const car = join(dir, 'wrong-digest.car')
    await writeCarFile(car, wrong.cid, store)
    const out = join(where, 'hello.tar')
    const r = cli('restore', car, '-o', out)
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^error ERR_DIGEST_MISMATCH: /m)
    expect(existsSync(out)).toBe(false)
    expect(readdirSync(where)).toEqual([])

    writeFileSync(out, 'an earlier file')
    expect(cli('restore', car, '-o', out).status).toBe(1)
    expect(readFileSync(out, 'utf8')).toBe('an earlier file')
    expect(readdirSync(where)).toEqual(['hello.tar'])
  }, 60_000)

  it('extract: a block missing midway leaves no DIR and nothing beside it', async () => {
    const where = place('extract')
    const car = join(dir, 'missing-leaf.car')
    await writeCarFile(car, result.cid, tampered(blocks, { drop: [leaf] }))
    const r = cli('extract', car, join(where, 'x'))
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^error ERR_BLOCK_NOT_FOUND: /m)
    expect(readdirSync(where)).toEqual([])
  }, 60_000)
})
