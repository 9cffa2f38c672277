/**
 * The core promise, tested against real peers: for tars written by GNU tar (every format) and bsdtar,
 * under both profiles, the manifest's
 *   - archive CID reads back (ipfs-unixfs-exporter, @helia/unixfs) as the original bytes, whole and in ranges;
 *   - tree CID equals ipfs-unixfs-importer's `add -r` of GNU tar's extraction;
 *   - content blocks are a subset of the importer's blocks (dedup), the rest being small segments.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { exporter } from 'ipfs-unixfs-exporter'
import { unixfs } from '@helia/unixfs'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { createHash } from 'node:crypto'
import { manifestFromTarball, materializeView, restoreArchive, type ManifestResult } from '../../src/index.js'
import { walkBlocks } from '../../src/codec/car.js'
import { TreePathResolver } from '../../src/unixfs/path-resolver.js'
import { profiles, type ProfileName } from '../../src/unixfs/profile.js'
import { gnuTar, bsdtar, gnuExtract, gnuFormats, bsdtarFormats, patternBytes, writeTree, removeDir, type TreeSpec } from '../helpers/archives.js'
import { importerTree, walkedTree, hasSymlinks } from '../helpers/trees.js'

const profileNames = Object.keys(profiles) as ProfileName[]

async function concat (chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const c of chunks) parts.push(c)
  return new Uint8Array(Buffer.concat(parts))
}

/** A store that keeps blocks for the peers (MemoryBlockstore is what helia and the exporter use). */
async function describe1 (tar: Uint8Array, profile: ProfileName): Promise<{ result: ManifestResult, store: MemoryBlockstore }> {
  const store = new MemoryBlockstore()
  const result = await manifestFromTarball(tar, { profile, blockstore: store })
  return { result, store }
}

// Files around the chunk and block boundaries of both profiles, long names, nesting, empty things.
const spec: TreeSpec = {
  dirs: ['top/empty-dir', 'top/nested/deeper/deepest'],
  files: {
    'top/empty.txt': '',
    'top/one.txt': 'x',
    'top/hello.txt': 'hello\n',
    'top/block-511.bin': patternBytes(511, 2),
    'top/block-512.bin': patternBytes(512, 3),
    'top/block-513.bin': patternBytes(513, 4),
    'top/v0-chunk-plus-one.bin': patternBytes(262145, 5),
    'top/v1-two-chunks.bin': patternBytes(1048576 + 70000, 6),
    'top/nested/deeper/deepest/file.c': 'int main(void) { return 0; }\n',
    [`top/nested/${'long-name-'.repeat(12)}.txt`]: 'over 100 bytes of name',
    [`top/${'d'.repeat(90)}/${'e'.repeat(90)}/${'f'.repeat(90)}.txt`]: 'over 255 bytes of path',
    'top/unicode-ünïcødé-名前.txt': 'utf-8 name',
    'top/script.sh': '#!/bin/sh\necho hi\n'
  },
  executable: ['top/script.sh']
}

let work: string
beforeAll(() => { work = writeTree(spec) })
afterAll(() => { removeDir(work) })

const cases: Array<[string, () => Uint8Array]> = [
  ...gnuFormats.filter(f => f !== 'v7' && f !== 'ustar').map(f => [`GNU tar --format=${f}`, () => gnuTar(work, ['top'], f)] as [string, () => Uint8Array]),
  // ustar cannot hold the 90+90+90-byte path split at a '/' that fits its prefix; v7 has 100-byte names only.
  ['GNU tar --format=ustar (short paths)', () => gnuTar(work, ['top'], 'ustar', [`--exclude=${'d'.repeat(90)}`, `--exclude=${'long-name-'.repeat(12)}.txt`])],
  ['GNU tar --format=v7 (short paths)', () => gnuTar(work, ['top'], 'v7', [`--exclude=${'d'.repeat(90)}`, `--exclude=${'long-name-'.repeat(12)}.txt`, '--exclude=unicode-ünïcødé-名前.txt'])],
  ...bsdtarFormats.filter(f => f !== 'v7' && f !== 'ustar').map(f => [`bsdtar --format ${f}`, () => bsdtar(work, ['top'], f)] as [string, () => Uint8Array])
]

describe.each(profileNames)('profile %s', (profile) => {
  it.each(cases)('%s: restores byte for byte, tree equals the importer on GNU tar\'s extraction', async (_name, make) => {
    const tar = make()
    const { result, store } = await describe1(tar, profile)

    // Restored from the manifest and the tree's blocks alone: the view is not materialized yet.
    expect(await store.has(result.archiveCid)).toBe(false)
    const restored = await concat(restoreArchive(result.cid, store))
    expect(Buffer.compare(Buffer.from(restored), Buffer.from(tar))).toBe(0)
    expect(Buffer.from(result.manifest.archive.sha256).toString('hex')).toBe(createHash('sha256').update(tar).digest('hex'))
    expect(Buffer.from(result.manifest.archive.sha512).toString('hex')).toBe(createHash('sha512').update(tar).digest('hex'))

    // The archive CID (the view, once materialized) through the reference exporter.
    expect((await materializeView(result.cid, store)).toString()).toBe(result.archiveCid.toString())
    const entry = await exporter(result.archiveCid, store)
    if (entry.type !== 'file' && entry.type !== 'raw') throw new Error(`archive CID exports as ${entry.type}`)
    expect(Buffer.compare(Buffer.from(await concat(entry.content())), Buffer.from(tar))).toBe(0)

    const extracted = gnuExtract(tar)
    try {
      expect(hasSymlinks(extracted)).toBe(false)
      const oracle = await importerTree(extracted, profile)
      expect(result.treeCid.toString()).toBe(oracle.cid.toString())
      // A single top-level directory: the stripped tree is that directory's CID in the importer's tree.
      const top = await exporter(`${oracle.cid}/top`, oracle.store)
      expect(result.strippedTreeCid?.toString()).toBe(top.cid.toString())
      // Dedup: every block reachable from the archive root is either a segment/archive node of ours or a
      // block of the importer's tree.
      const segmentish = new Set<string>()
      let segmentBytes = 0
      for await (const { cid, bytes } of walkBlocks(result.archiveCid, store)) {
        if (!oracle.cids.has(cid.toString())) { segmentish.add(cid.toString()); segmentBytes += bytes.length }
      }
      // What is not shared: the segments (headers, padding, end blocks) plus the archive's File nodes.
      expect(segmentBytes).toBeLessThan(result.counts.segmentBytes + 8 * 1024)
      expect(result.counts.segmentBytes + result.counts.contentBytes).toBe(tar.length)
      expect(result.counts.treeContentBytes).toBe(result.counts.contentBytes)
    } finally {
      removeDir(extracted)
    }
  })

  it('archive CID supports byte ranges through the exporter and @helia/unixfs cat', async () => {
    const tar = gnuTar(work, ['top'], 'pax')
    const { result, store } = await describe1(tar, profile)
    await materializeView(result.cid, store)
    const fs = unixfs({ blockstore: store } as any)
    let seed = 7
    const rand = (n: number): number => { seed = (Math.imul(seed, 48271) + 11) >>> 0; return seed % n }
    const entry = await exporter(result.archiveCid, store)
    if (entry.type !== 'file') throw new Error(`archive CID exports as ${entry.type}`)
    for (let i = 0; i < 25; i++) {
      const offset = rand(tar.length)
      const length = 1 + rand(Math.min(3_000_000, tar.length - offset))
      const want = Buffer.from(tar.subarray(offset, offset + length))
      expect(Buffer.compare(Buffer.from(await concat(entry.content({ offset, length }))), want)).toBe(0)
      expect(Buffer.compare(Buffer.from(await concat(fs.cat(result.archiveCid, { offset, length }))), want)).toBe(0)
    }
  })
})

describe('trees the importer cannot make', () => {
  it.each(profileNames)('symlinks and hardlinks (%s): tree equals a walk of GNU tar\'s extraction', async (profile) => {
    const dir = writeTree({
      files: { 'pkg/a.txt': 'aaa', 'pkg/sub/b.txt': 'bbb' },
      symlinks: { 'pkg/link-to-a': 'a.txt', 'pkg/sub/up': '../a.txt', 'pkg/dangling': 'nowhere' },
      hardlinks: { 'pkg/hard-a': 'pkg/a.txt' }
    })
    try {
      for (const format of ['gnu', 'pax', 'ustar'] as const) {
        const tar = gnuTar(dir, ['pkg'], format)
        const { result, store } = await describe1(tar, profile)
        const extracted = gnuExtract(tar)
        try {
          expect(result.treeCid.toString()).toBe((await walkedTree(extracted, profile)).toString())
        } finally { removeDir(extracted) }
        const hard = result.entries.find(e => e.path === 'pkg/hard-a')
        expect(hard?.type).toBe('hardlink')
        // In the tree the hardlink is a copy of its target: the same file DAG at both paths.
        const tree = new TreePathResolver(result.treeCid, store)
        const at = async (path: string): Promise<string | undefined> => (await tree.resolve(new TextEncoder().encode(path)))?.cid.toString()
        expect(await at('pkg/hard-a')).toBe(await at('pkg/a.txt'))
        expect(await at('pkg/a.txt')).toBeDefined()
      }
    } finally { removeDir(dir) }
  })

  it('the walk oracle agrees with the importer where both apply', async () => {
    for (const profile of profileNames) {
      expect((await walkedTree(work, profile)).toString()).toBe((await importerTree(work, profile)).cid.toString())
    }
  })
})
