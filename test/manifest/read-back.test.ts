/** Reading a manifest back: CAR round trip, verification, tampering, and safe extraction. */
import { TreePathResolver } from '../../src/unixfs/path-resolver.js'
import { describe, it, expect } from 'vitest'
import * as dagCbor from '@ipld/dag-cbor'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { mkdirSync, writeFileSync, readFileSync, readlinkSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { MemoryBlocks, manifestFromTarball, restoreArchive, exportCar, importCar, verifyManifest, loadManifest } from '../../src/index.js'
import { extractTree } from '../../src/node/extract.js'
import { encodeManifest } from '../../src/codec/manifest-codec.js'
import type { Manifest } from '../../src/schema/types.js'
import { gnuTar, gnuExtract, narOf, removeDir, tempDir, writeTree, patternBytes, packTar } from '../helpers/archives.js'

async function collect (chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const c of chunks) parts.push(c)
  return Buffer.concat(parts)
}

const sample = writeTree({
  files: { 'pkg/README': 'read me\n', 'pkg/bin/run': '#!/bin/sh\n', 'pkg/data.bin': patternBytes(3_000_000, 9), 'pkg/empty': '' },
  dirs: ['pkg/empty-dir'],
  symlinks: { 'pkg/latest': 'README', 'pkg/bin/up': '../README' },
  executable: ['pkg/bin/run']
})
const tar = gnuTar(sample, ['pkg'], 'gnu')

describe('CAR', () => {
  it('exports every block under one root and imports into a fresh store that restores and verifies', async () => {
    const blocks = new MemoryBlocks()
    const result = await manifestFromTarball(tar, { blockstore: blocks, profile: 'unixfs-v0-2015' })
    const car = await collect(exportCar(result.cid, blocks))
    const again = await collect(exportCar(result.cid, blocks))
    expect(Buffer.compare(car, again)).toBe(0)
    const fresh = new MemoryBlocks()
    const root = await importCar(car, fresh)
    expect(root.toString()).toBe(result.cid.toString())
    expect(Buffer.compare(await collect(restoreArchive(root, fresh)), Buffer.from(tar))).toBe(0)
    const report = await verifyManifest(root, fresh)
    expect(report.entries).toBe(result.entries.length)
  })

  it('rejects a CAR with a block that does not match its CID', async () => {
    const blocks = new MemoryBlocks()
    const result = await manifestFromTarball(tar, { blockstore: blocks })
    const car = await collect(exportCar(result.cid, blocks))
    const needle = Buffer.from('read me\n')
    const at = car.indexOf(needle)
    car[at] = 'R'.charCodeAt(0)
    await expect(importCar(car, new MemoryBlocks())).rejects.toMatchObject({ code: 'ERR_BLOCK_HASH_MISMATCH' })
  })
})

describe('verification catches what is wrong', () => {
  it('a tampered content block', async () => {
    const blocks = new MemoryBlocks()
    const result = await manifestFromTarball(tar, { blockstore: blocks })
    const cid = (await new TreePathResolver(result.treeCid, blocks).resolve(new TextEncoder().encode('pkg/README')))!.cid
    blocks.put(cid, new TextEncoder().encode('READ ME\n'))
    await expect(verifyManifest(result.cid, blocks)).rejects.toMatchObject({
      code: 'ERR_VERIFY_FAILED',
      problems: [{ cid: cid.toString(), code: 'ERR_BLOCK_HASH_MISMATCH', where: ['tree/pkg/README'] }]
    })
  })

  it('a missing block', async () => {
    const full = new MemoryBlocks()
    const result = await manifestFromTarball(tar, { blockstore: full })
    const partial = new MemoryBlocks()
    const missing = (await new TreePathResolver(result.treeCid, full).resolve(new TextEncoder().encode('pkg/README')))!.cid.toString()
    for (const [cid, bytes] of full.entries()) if (cid.toString() !== missing) partial.put(cid, bytes)
    await expect(collect(restoreArchive(result.cid, partial))).rejects.toMatchObject({ code: 'ERR_BLOCK_NOT_FOUND' })
  })

  it('a well-formed manifest whose claims are false (wrong digest, wrong tree)', async () => {
    const blocks = new MemoryBlocks()
    const result = await manifestFromTarball(tar, { blockstore: blocks })
    const m = await loadManifest(result.cid, blocks)
    const wrongDigest: Manifest = { ...m, archive: { ...m.archive, sha256: new Uint8Array(32) }, tar: { ...m.tar!, sha256: new Uint8Array(32) } }
    const b1 = await encodeManifest(wrongDigest); blocks.put(b1.cid, b1.bytes)
    await expect(collect(restoreArchive(b1.cid, blocks))).rejects.toMatchObject({ code: 'ERR_DIGEST_MISMATCH' })
    const wrongTree: Manifest = { ...m, tree: { root: m.tree.stripped ?? m.tree.root } }
    const b2 = await encodeManifest(wrongTree); blocks.put(b2.cid, b2.bytes)
    await expect(verifyManifest(b2.cid, blocks)).rejects.toMatchObject({ code: 'ERR_INVALID_MANIFEST' })
  })

  it('a block that is not a manifest, or not canonical', async () => {
    const blocks = new MemoryBlocks()
    const bytes = dagCbor.encode({ hello: 'world' })
    const cid = CID.createV1(dagCbor.code, await sha256.digest(bytes))
    blocks.put(cid, bytes)
    await expect(loadManifest(cid, blocks)).rejects.toMatchObject({ code: 'ERR_INVALID_MANIFEST' })
  })
})

describe('extractTree', () => {
  it('extracts the same tree GNU tar does (nix-store --dump is identical: contents, executable bits, symlinks)', async () => {
    const blocks = new MemoryBlocks()
    const result = await manifestFromTarball(tar, { blockstore: blocks })
    const ours = tempDir('iam-ours-')
    const theirs = gnuExtract(tar)
    try {
      const report = await extractTree(result.cid, blocks, join(ours, 'out'))
      expect(report.symlinks).toBe(2)
      expect(Buffer.compare(narOf(join(ours, 'out')), narOf(theirs))).toBe(0)
      // --strip gives what Nix's fetchzip keeps.
      await extractTree(result.cid, blocks, join(ours, 'stripped'), { strip: true })
      expect(Buffer.compare(narOf(join(ours, 'stripped')), narOf(join(theirs, 'pkg')))).toBe(0)
      expect(readlinkSync(join(ours, 'stripped/bin/up'))).toBe('../README')
      expect(statSync(join(ours, 'stripped/bin/run')).mode & 0o777).toBe(0o755)
    } finally { removeDir(ours); removeDir(theirs) }
  })

  it('keeps escaping symlinks as they are; refuses a non-empty target and crafted names', async () => {
    const evil = await packTar([[{ name: 'p/up', type: 'symlink', linkname: '../../etc' }], [{ name: 'p/abs', type: 'symlink', linkname: '/etc/passwd' }]])
    const blocks = new MemoryBlocks()
    const result = await manifestFromTarball(evil, { blockstore: blocks })
    const dir = tempDir('iam-evil-')
    try {
      expect((await extractTree(result.cid, blocks, join(dir, 'a'))).symlinks).toBe(2)
      expect([readlinkSync(join(dir, 'a/p/up')), readlinkSync(join(dir, 'a/p/abs'))]).toEqual(['../../etc', '/etc/passwd'])
      mkdirSync(join(dir, 'b')); writeFileSync(join(dir, 'b/existing'), 'x')
      await expect(extractTree(result.cid, blocks, join(dir, 'b'))).rejects.toMatchObject({ code: 'ERR_UNSAFE_EXTRACTION' })

      // A crafted tree whose directory names a child "..": the blocks are valid dag-pb, the name is not.
      const m = await loadManifest(result.cid, blocks)
      const fileBytes = new TextEncoder().encode('owned')
      const fileCid = CID.createV1(0x55, await sha256.digest(fileBytes))
      blocks.put(fileCid, fileBytes)
      const dirBytes = dagPb.encode(dagPb.prepare({ Data: Uint8Array.of(8, 1), Links: [{ Name: '..', Hash: fileCid, Tsize: 5 }] }))
      const dirCid = CID.createV1(dagPb.code, await sha256.digest(dirBytes))
      blocks.put(dirCid, dirBytes)
      const crafted = await encodeManifest({ ...m, tree: { root: dirCid } })
      blocks.put(crafted.cid, crafted.bytes)
      await expect(extractTree(crafted.cid, blocks, join(dir, 'd'))).rejects.toMatchObject({ code: 'ERR_UNSAFE_EXTRACTION' })
      expect(() => readFileSync(join(dir, 'owned'))).toThrow()
    } finally { removeDir(dir) }
  })
})
