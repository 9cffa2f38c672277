/**
 * Memory per entry (issue #13): the entry list (format 2's records) and the tree are kept compactly, so that
 * maxEntries entries fit in about a gigabyte. Measured by describing 100,000 empty files (bench/entry-memory.ts,
 * the `npm run bench` measurement) in a process whose old space is capped at 64 MB, some 670 bytes per
 * entry: the entries held as objects took two to four times that, and the process ran out of heap.
 */
import { describe, it, expect } from 'vitest'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { ByteArena } from '../../src/byte-arena.js'
import { zipSync } from 'fflate'
import { MemoryBlocks, loadEntries, manifestFromTarball, manifestFromZip, type ManifestResult } from '../../src/index.js'
import type { AnyEntry } from '../../src/schema/types.js'
import { packTar } from '../helpers/archives.js'

const root = join(import.meta.dirname, '../..')

function describeUnderCap (kind: 'tar' | 'zip', entries: number, oldSpaceMB: number): { status: number | null, stdout: string, stderr: string } {
  const r = spawnSync(process.execPath, [`--max-old-space-size=${oldSpaceMB}`, '--expose-gc', '--import', 'tsx', join(root, 'bench/entry-memory.ts'), kind, String(entries)],
    { encoding: 'utf8', cwd: root, maxBuffer: 1 << 24 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.slice(-2000) }
}

/** `result.entries` equals the entries the pages hold, and is decoded once. */
async function expectDecodedOnce (result: ManifestResult<AnyEntry>, blocks: MemoryBlocks): Promise<void> {
  const fromPages = []
  for await (const e of loadEntries(result.manifest, blocks)) fromPages.push(e)
  expect(result.entries).toEqual(fromPages)
  expect(result.entries).toBe(result.entries)
}

describe('memory per entry', () => {
  // A zip's reader keeps the central directory as columns and the description keeps its records encoded
  // (about 5.9 KB of peak RSS an entry when both were objects: the zip ran out of heap here).
  for (const kind of ['tar', 'zip'] as const) {
    it(`describes 100,000 entries (${kind}) with 64 MB of old space`, () => {
      const r = describeUnderCap(kind, 100_000, 64)
      expect(r.status, r.stderr).toBe(0)
      expect(JSON.parse(r.stdout.trim().split('\n').pop() as string)).toMatchObject({ kind, entries: 100_000 })
    })
  }

  it('entries are kept encoded: `entries` decodes them from the records when first read, shadowing included', async () => {
    const tar = await packTar([
      [{ name: 'p/a.txt' }, 'first'],
      [{ name: 'p/b.txt' }, 'b'],
      [{ name: 'p/a.txt' }, 'second']
    ])
    const blocks = new MemoryBlocks()
    const result = await manifestFromTarball(tar, { blockstore: blocks })
    await expectDecodedOnce(result, blocks)
    expect(result.entries.map(e => e.excluded)).toEqual(['shadowed', undefined, undefined])
  })

  it('a zip\'s entries are kept encoded too: `entries` decodes them from the records when first read', async () => {
    const zip = zipSync({ 'p/a.txt': new TextEncoder().encode('a'.repeat(300)), 'p/b.txt': [new Uint8Array(0), { level: 0 }] })
    const blocks = new MemoryBlocks()
    const result = await manifestFromZip(zip, { blockstore: blocks })
    await expectDecodedOnce(result, blocks)
    expect(result.entries.map(e => e.path)).toEqual(['p/a.txt', 'p/b.txt'])
  })
})

describe('ByteArena', () => {
  it('gives back every string, empty ones and ones that fill a buffer included', () => {
    const arena = new ByteArena()
    const strings: Uint8Array[] = []
    let seed = 7
    const next = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n }
    for (let i = 0; i < 3000; i++) {
      const length = i % 97 === 0 ? 0 : i % 501 === 0 ? 300_000 + next(700_000) : next(200)
      const s = new Uint8Array(length).map(() => next(256))
      strings.push(s)
      expect(arena.add(s)).toBe(i)
    }
    expect(arena.add(new Uint8Array(1024 * 1024))).toBe(3000)
    expect(arena.length).toBe(3001)
    strings.forEach((s, i) => { expect(Buffer.from(arena.get(i)).equals(Buffer.from(s)), `string ${i}`).toBe(true) })
    expect(arena.get(3000).length).toBe(1024 * 1024)
    expect(() => arena.add(new Uint8Array(1024 * 1024 + 1))).toThrow(/over/)
  })
})
