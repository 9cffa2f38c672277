/**
 * More zip producers at the manifest level (issue #4's list): Info-ZIP at every level, `git archive
 * --format=zip`, @zip.js/zip.js, and a zip64 archive of more than 65,535 entries. Each restores byte for
 * byte from the manifest's own DAG, and the recipes found are reported.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BlobReader, BlobWriter, TextReader, ZipWriter } from '@zip.js/zip.js'
import { MemoryBlocks, exportCar, importCar, restoreArchive } from '../../src/index.js'
import { manifestFromZip } from '../../src/manifest/zip.js'
import type { ZipEntry } from '../../src/schema/types.js'
import { importerTree } from '../helpers/trees.js'
import { patternBytes } from '../helpers/archives.js'

let root: string
let tree: string
const found: string[] = []

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'zip-producers-'))
  tree = join(root, 'tree')
  mkdirSync(join(tree, 'pkg/src'), { recursive: true })
  writeFileSync(join(tree, 'pkg/README.md'), '# a package\n'.repeat(200))
  writeFileSync(join(tree, 'pkg/src/main.c'), 'int main(void) { return 0; }\n'.repeat(500))
  writeFileSync(join(tree, 'pkg/src/data.bin'), patternBytes(70_000, 5))
})
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
  console.log(`zip recipes by producer:\n${found.join('\n')}`)
})

async function collect (it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const c of it) parts.push(c)
  return Buffer.concat(parts)
}

/** Describes, restores from a CAR of the manifest's DAG alone, and reports the recipes. */
async function check (name: string, bytes: Uint8Array): Promise<ZipEntry[]> {
  const blocks = new MemoryBlocks()
  const result = await manifestFromZip(bytes, { blockstore: blocks })
  const fromCar = new MemoryBlocks()
  await importCar(await collect(exportCar(result.cid, blocks)), fromCar)
  expect((await collect(restoreArchive(result.cid, fromCar))).equals(Buffer.from(bytes))).toBe(true)
  const deflated = result.entries.filter(e => e.method === 8)
  const rebuilt = deflated.filter(e => e.recipe !== undefined)
  const recipes = [...new Set(rebuilt.map(e => `${e.recipe?.encoder} ${e.recipe?.params.level}`))].join(', ')
  found.push(`  ${name}: ${rebuilt.length}/${deflated.length} deflated entries rebuilt (${recipes || 'none'})`)
  return result.entries
}

describe('zip producers', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9])('Info-ZIP zip -%i: every deflated entry has a recipe; tree as unzip extracts it', async (level) => {
    const path = join(root, `l${level}.zip`)
    execFileSync('zip', ['-q', '-r', `-${level}`, path, 'pkg'], { cwd: tree })
    const bytes = new Uint8Array(readFileSync(path))
    const entries = await check(`zip -${level}`, bytes)
    expect(entries.filter(e => e.method === 8).every(e => e.recipe?.encoder === 'gnu-gzip')).toBe(true)
    const x = mkdtempSync(join(root, 'x-'))
    execFileSync('unzip', ['-q', path, '-d', x])
    const blocks = new MemoryBlocks()
    const result = await manifestFromZip(bytes, { blockstore: blocks })
    expect(result.treeCid.toString()).toBe((await importerTree(x, 'unixfs-v1-2025')).cid.toString())
  })

  it('git archive --format=zip', async () => {
    const repo = join(root, 'repo')
    mkdirSync(repo)
    const git = (...args: string[]): Buffer => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: repo, maxBuffer: 1 << 28 })
    git('init', '-q')
    execFileSync('cp', ['-r', join(tree, 'pkg'), repo])
    git('add', '.')
    git('commit', '-q', '-m', 'c')
    const entries = await check('git archive --format=zip', new Uint8Array(git('archive', '--format=zip', 'HEAD')))
    expect(entries.filter(e => e.method === 8).every(e => e.recipe !== undefined)).toBe(true)
  })

  it('@zip.js/zip.js (its own deflate through the platform\'s CompressionStream)', async () => {
    const writer = new ZipWriter(new BlobWriter('application/zip'))
    await writer.add('pkg/README.md', new TextReader(readFileSync(join(tree, 'pkg/README.md'), 'utf8')))
    await writer.add('pkg/src/data.bin', new BlobReader(new Blob([readFileSync(join(tree, 'pkg/src/data.bin'))])))
    const bytes = new Uint8Array(await (await writer.close()).arrayBuffer())
    await check('@zip.js/zip.js', bytes)
  })

  it('zip64: more than 65,535 entries (Python\'s zipfile)', async () => {
    const path = join(root, 'many.zip')
    execFileSync('python3', ['-c', `
import zipfile
with zipfile.ZipFile(${JSON.stringify(path)}, 'w', zipfile.ZIP_STORED) as z:
    for i in range(66000):
        z.writestr(zipfile.ZipInfo(f'd/{i:05d}.txt', (2020, 1, 1, 0, 0, 0)), str(i))
`])
    const entries = await check('python zipfile, 66,000 stored entries', new Uint8Array(readFileSync(path)))
    expect(entries.length).toBe(66000)
  })
})
