/**
 * Real archives from real producers (GNU tar release tarballs, node-tar npm packages, dpkg-deb data tars):
 * committed small ones in test/fixtures/real, larger ones fetched by test/setup/fetch-real.sh.
 * Each must restore byte for byte, give the importer's tree CID for GNU tar's extraction, and extract to
 * the same tree as GNU tar (nix-store --dump identical).
 */
import { describe, it, expect, beforeAll } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { manifestFromTarball, restoreArchive } from '../src/index.js'
import { extractTree } from '../src/node/extract.js'
import { gnuExtract, narOf, removeDir, tempDir } from './helpers/archives.js'
import { ensureRealArchives } from './helpers/real-archives.js'
import { hasSymlinks, importerTree, walkedTree } from './helpers/trees.js'

const root = join(import.meta.dirname, '..')
const committed = join(root, 'test/fixtures/real')
const fetched = join(root, '.cache/real')

beforeAll(() => { ensureRealArchives() }, 660_000)

const archives = [
  ...readdirSync(committed).filter(f => f.endsWith('.tar')).map(f => join(committed, f)),
  ...['sed_4.9.orig.tar', 'make-dfsg_4.3.orig.tar', 'pcre2_10.42.orig.tar', 'zlib_1.2.13.dfsg.orig.tar',
    'hello-deb-data.tar', 'typescript-5.9.3.tar', 'multiformats-14.0.5.tar', 'fflate-0.8.3.tar'].map(f => join(fetched, f))
]

describe.each(archives.map(a => [a.slice(root.length + 1), a]))('%s', (_name, path) => {
  it.each(['unixfs-v1-2025', 'unixfs-v0-2015'] as const)('%s: restores, matches the importer, extracts like GNU tar', async (profile) => {
    const tar = new Uint8Array(readFileSync(path))
    const store = new MemoryBlockstore()
    const result = await manifestFromTarball(tar, { profile, blockstore: store })
    const hash = createHash('sha256')
    let size = 0
    for await (const chunk of restoreArchive(result.cid, store)) { hash.update(chunk); size += chunk.length }
    expect(size).toBe(tar.length)
    expect(hash.digest('hex')).toBe(createHash('sha256').update(tar).digest('hex'))
    expect(result.entries.filter(e => e.excluded !== undefined)).toEqual([])

    const theirs = gnuExtract(tar)
    const ours = tempDir('iam-real-')
    try {
      const expected = hasSymlinks(theirs) ? await walkedTree(theirs, profile) : (await importerTree(theirs, profile)).cid
      expect(result.treeCid.toString()).toBe(expected.toString())
      if (profile === 'unixfs-v1-2025') {
        await extractTree(result.cid, store, join(ours, 'x'))
        expect(createHash('sha256').update(narOf(join(ours, 'x'))).digest('hex')).toBe(createHash('sha256').update(narOf(theirs)).digest('hex'))
      }
    } finally { removeDir(theirs); removeDir(ours) }
    // The share of the archive that is not deduplicated with the tree (headers, padding, end blocks).
    expect(result.counts.segmentBytes / result.counts.archiveBytes).toBeLessThan(0.5)
  })
})
