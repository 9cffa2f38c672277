/**
 * A manifest made with `nar` (create --nar) records its tree's NAR hashes; verifyManifest describes the
 * restored archive again and must compute them too, or the two manifests differ by those fields alone and
 * every such manifest fails to verify. A NAR hash that is wrong must still fail.
 */
import { describe, it, expect } from 'vitest'
import { gzipSync } from 'node:zlib'
import { zipSync } from 'fflate'
import type { CID } from 'multiformats/cid'
import { MemoryBlocks, manifestFromTarball, manifestFromZip, verifyManifest, type Manifest } from '../../src/index.js'
import { encodeManifest } from '../../src/codec/manifest-codec.js'
import { packTar, patternBytes } from '../helpers/archives.js'

const members: Parameters<typeof packTar>[0] = [
  [{ name: 'pkg/', type: 'directory' }],
  [{ name: 'pkg/README', type: 'file' }, 'read me\n'],
  [{ name: 'pkg/run.sh', type: 'file', mode: 0o755 }, '#!/bin/sh\necho hi\n'],
  [{ name: 'pkg/data.bin', type: 'file' }, patternBytes(2_500_000, 3)],
  [{ name: 'pkg/latest', type: 'symlink', linkname: 'README' }]
]

describe('verifyManifest of a manifest with NAR hashes (create --nar)', () => {
  it('verifies a tar, a .tar.gz and a zip described with nar', async () => {
    const tar = await packTar(members)
    const zip = zipSync({ 'pkg/README': new TextEncoder().encode('read me\n'), 'pkg/data.bin': patternBytes(100_000, 4) })
    for (const describe of [
      async (blocks: MemoryBlocks) => await manifestFromTarball(tar, { nar: true, blockstore: blocks }),
      async (blocks: MemoryBlocks) => await manifestFromTarball(new Uint8Array(gzipSync(tar, { level: 9 })), { nar: true, blockstore: blocks }),
      async (blocks: MemoryBlocks) => await manifestFromZip(zip, { nar: true, blockstore: blocks })
    ]) {
      const blocks = new MemoryBlocks()
      const made = await describe(blocks)
      expect(made.manifest.tree.nar).toBeDefined()
      const report = await verifyManifest(made.cid, blocks)
      expect(report.cid.equals(made.cid)).toBe(true)
    }
  })

  it('still fails a manifest whose recorded NAR hash is not the tree\'s', async () => {
    const blocks = new MemoryBlocks()
    const made = await manifestFromTarball(await packTar(members), { nar: true, blockstore: blocks })
    const nar = made.manifest.tree.nar as NonNullable<Manifest['tree']['nar']>
    const wrong: Manifest = { ...made.manifest, tree: { ...made.manifest.tree, nar: { ...nar, sha256: nar.sha256.map(b => b ^ 1) } } }
    const block = await encodeManifest(wrong)
    blocks.put(block.cid, block.bytes)
    await expect(verifyManifest(block.cid, blocks)).rejects.toMatchObject({ code: 'ERR_INVALID_MANIFEST' })
  })

  it('reports a block that stops hashing to its CID during the NAR walk as such, not as another tree', async () => {
    const blocks = new MemoryBlocks()
    const made = await manifestFromTarball(await packTar(members), { nar: true, blockstore: blocks })
    const root = made.manifest.tree.root
    // The tree's root is read when every reachable block is checked (step 0) and again by the NAR walk,
    // its last read: count the reads of a clean run, then corrupt only that last one.
    const reads = (corruptRead?: number): { get: (cid: CID) => Uint8Array, count: () => number } => {
      let n = 0
      return {
        get (cid: CID) {
          const bytes = blocks.get(cid)
          if (!cid.equals(root)) return bytes
          n++
          return n === corruptRead ? bytes.map(b => b ^ 0xff) : bytes
        },
        count: () => n
      }
    }
    const clean = reads()
    await verifyManifest(made.cid, clean)
    expect(clean.count()).toBeGreaterThanOrEqual(2)
    await expect(verifyManifest(made.cid, reads(clean.count()))).rejects.toMatchObject({ code: 'ERR_BLOCK_HASH_MISMATCH' })
  })
})
