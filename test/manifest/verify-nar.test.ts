/**
 * A manifest made with `nar` (create --nar) records its tree's NAR hashes; verifyManifest describes the
 * restored archive again and must compute them too, or the two manifests differ by those fields alone and
 * every such manifest fails to verify. A NAR hash that is wrong must still fail.
 */
import { describe, it, expect } from 'vitest'
import { gzipSync } from 'node:zlib'
import { zipSync } from 'fflate'
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
})
