/**
 * The hash index (src/store/hash-index.ts): resolved by ipfs-unixfs-exporter as any IPFS node resolves
 * `/ipfs/<root>/sha256/<hex>`, sharded as `ipfs add` shards a directory, updated by path copying to the
 * same root as a build from scratch, strict about hex and about its own shape.
 */
import { describe, it, expect, beforeAll } from 'vitest'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { exporter } from 'ipfs-unixfs-exporter'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { MemoryBlocks, loadManifest, type Manifest, type ProfileName } from '../../src/index.js'
import { getBlock, type BlockSource } from '../../src/blocks.js'
import { addToIndex, emptyIndex, indexProfile, listIndex, lookupHash } from '../../src/store/hash-index.js'
import { buildDirectory, buildSymlink, emptyDirectory } from '../../src/unixfs/directory.js'
import { importBytes } from '../../src/unixfs/file-builder.js'
import { profiles } from '../../src/unixfs/profile.js'
import { describeInto, realTars, syntheticManifests } from './fixtures.js'

const profileNames: ProfileName[] = ['unixfs-v1-2025', 'unixfs-v0-2015']

async function nodeType (blocks: BlockSource, cid: CID): Promise<string> {
  return UnixFS.unmarshal(dagPb.decode(await getBlock(blocks, cid)).Data as Uint8Array).type
}

/** What ipfs-unixfs-exporter finds at `/ipfs/<root>/<algorithm>/<hex>`: the manifest block, decoded. */
async function exported (root: CID, algorithm: string, hex: string, blocks: MemoryBlocks): Promise<{ cid: CID, type: string, object: unknown }> {
  const entry = await exporter(`/ipfs/${root}/${algorithm}/${hex}`, exporterStore(blocks))
  return { cid: entry.cid, type: entry.type, object: entry.type === 'object' ? entry.object : undefined }
}

/** The blockstore shape the exporter reads (interface-blockstore 7: get yields the bytes). */
function exporterStore (blocks: MemoryBlocks): { get: (cid: CID) => AsyncGenerator<Uint8Array> } {
  return { get: async function * (cid: CID) { yield blocks.get(cid) } }
}

async function rootOf (manifests: CID[], blocks: MemoryBlocks, profile: ProfileName): Promise<CID> {
  return await addToIndex(undefined, manifests, blocks, { profile })
}

describe('hash index', () => {
  let real: Array<{ cid: CID, sha256: string, sha512: string }>
  let realBlocks: MemoryBlocks
  let base: Manifest
  beforeAll(async () => {
    realBlocks = new MemoryBlocks()
    real = []
    for (const path of realTars) real.push(await describeInto(path, realBlocks))
    base = await loadManifest(real[1]!.cid, realBlocks)
  })

  it('the empty index: two empty directories, one known CID per profile', async () => {
    const blocks = new MemoryBlocks()
    // As ipfs-unixfs-importer 17.1.1 makes a directory holding empty directories sha256 and sha512.
    const v1 = await emptyIndex(blocks)
    expect(v1.toString()).toBe('bafybeieurnmmouplwjf65ig3wxklgzgx424wtg24l3dtksjern37kvn5oa')
    const v0 = await emptyIndex(blocks, { profile: 'unixfs-v0-2015' })
    expect(v0.toString()).toBe('QmQMuvuog47bpy7cwEkyV2j9mTYXEpZ7ApyfRY1ATbmtzV')
    for (const root of [v1, v0]) {
      expect((await dagPb.decode(await getBlock(blocks, root))).Links.map(l => l.Name)).toEqual(['sha256', 'sha512'])
      expect([...await collect(listIndex(root, blocks))]).toEqual([])
    }
    expect(indexProfile(v0).name).toBe('unixfs-v0-2015')
    expect(indexProfile(v1).name).toBe('unixfs-v1-2025')
  })

  for (const profile of profileNames) {
    it(`${profile}: ipfs-unixfs-exporter resolves /ipfs/<root>/sha256/<hex> and /sha512/<hex> to the manifest`, async () => {
      const blocks = new MemoryBlocks()
      for (const [cid, bytes] of realBlocks.entries()) blocks.put(cid, bytes)
      const root = await rootOf(real.map(r => r.cid), blocks, profile)
      expect(root.version).toBe(profile === 'unixfs-v0-2015' ? 0 : 1)
      for (const archive of real) {
        for (const algorithm of ['sha256', 'sha512'] as const) {
          const found = await exported(root, algorithm, archive[algorithm], blocks)
          // The exporter follows the dag-pb link into the dag-cbor block and decodes it as an object.
          expect(found.type).toBe('object')
          expect(found.cid.toString()).toBe(archive.cid.toString())
          expect((found.object as { archive: { sha256: Uint8Array } }).archive.sha256).toEqual(new Uint8Array(Buffer.from(archive.sha256, 'hex')))
          expect((await lookupHash(root, blocks, algorithm, archive[algorithm]))?.toString()).toBe(archive.cid.toString())
        }
      }
      // A path through the manifest's own fields resolves too (dag-cbor pathing).
      const size = await exporter(`/ipfs/${root}/sha256/${real[0]!.sha256}/archive/size`, exporterStore(blocks))
      expect(size.type).toBe('object')
      expect(await lookupHash(root, blocks, 'sha256', 'ab'.repeat(32))).toBeUndefined()
      await expect(exporter(`/ipfs/${root}/sha256/${'ab'.repeat(32)}`, exporterStore(blocks))).rejects.toThrow(/No link/)
      const listed = await collect(listIndex(root, blocks))
      expect(listed.length).toBe(6)
      expect(listed.filter(e => e.algorithm === 'sha256').map(e => e.hex).sort()).toEqual(real.map(r => r.sha256).sort())
    })

    it(`${profile}: past the profile's threshold the directories are HAMTs; batches give the root of one build`, async () => {
      const blocks = new MemoryBlocks()
      // v1-2025: a sha256 link is ~109 bytes of block (shards past ~2400), a sha512 one ~173; v0-2015: 64 + 36
      // name and CID bytes (shards past 2621), 128 + 36.
      const synthetic = await syntheticManifests(base, 2700, blocks)
      const cids = synthetic.map(s => s.cid)
      const whole = await rootOf(cids, blocks, profile)
      const rootLinks = dagPb.decode(await getBlock(blocks, whole)).Links
      for (const link of rootLinks) expect(await nodeType(blocks, link.Hash)).toBe('hamt-sharded-directory')

      // The sha256 directory is exactly the directory `ipfs add` would make of these names (buildDirectory
      // has parity with ipfs-unixfs-importer: test/unixfs/directory.test.ts).
      const sha256Refs = await Promise.all(synthetic.map(async s => ({ name: s.sha256, ref: { cid: s.cid, dagSize: (await getBlock(blocks, s.cid)).length } })))
      const built = await buildDirectory(sha256Refs, profiles[profile], new MemoryBlocks())
      expect(rootLinks[0]!.Hash.toString()).toBe(built.cid.toString())

      let root = await rootOf([], blocks, profile)
      for (const [from, to] of [[0, 1000], [1000, 2600], [2600, 2700]] as const) root = await addToIndex(root, cids.slice(from, to), blocks)
      expect(root.toString()).toBe(whole.toString())

      for (const s of synthetic.filter((_, i) => i % 97 === 0)) {
        expect((await exported(root, 'sha256', s.sha256, blocks)).cid.toString()).toBe(s.cid.toString())
        expect((await exported(root, 'sha512', s.sha512, blocks)).cid.toString()).toBe(s.cid.toString())
        expect((await lookupHash(root, blocks, 'sha512', s.sha512))?.toString()).toBe(s.cid.toString())
      }
      const listed = await collect(listIndex(root, blocks, 'sha512'))
      expect(listed.length).toBe(2700)
      expect(new Set(listed.map(e => e.hex))).toEqual(new Set(synthetic.map(s => s.sha512)))
    }, 120_000)
  }

  it('adding again changes nothing; an update leaves the old root as it was', async () => {
    const blocks = new MemoryBlocks()
    const synthetic = await syntheticManifests(base, 50, blocks, 'again')
    const first = await addToIndex(undefined, synthetic.slice(0, 40).map(s => s.cid), blocks)
    const count = blocks.size
    expect((await addToIndex(first, synthetic.slice(0, 40).map(s => s.cid), blocks)).toString()).toBe(first.toString())
    expect(blocks.size).toBe(count)

    const second = await addToIndex(first, synthetic.slice(40).map(s => s.cid), blocks)
    expect(second.toString()).not.toBe(first.toString())
    expect(await lookupHash(first, blocks, 'sha256', synthetic[45]!.sha256)).toBeUndefined()
    expect((await lookupHash(second, blocks, 'sha256', synthetic[45]!.sha256))?.toString()).toBe(synthetic[45]!.cid.toString())
    expect(await collect(listIndex(first, blocks))).toHaveLength(80)

    // The same digests pointed at another manifest (say, described under another profile): the last one wins.
    const other = await syntheticManifests({ ...base, profile: 'unixfs-v0-2015' }, 1, blocks, 'again')
    const third = await addToIndex(second, [other[0]!.cid], blocks)
    expect(other[0]!.sha256).toBe(synthetic[0]!.sha256)
    expect((await lookupHash(third, blocks, 'sha256', synthetic[0]!.sha256))?.toString()).toBe(other[0]!.cid.toString())
    expect((await lookupHash(second, blocks, 'sha256', synthetic[0]!.sha256))?.toString()).toBe(synthetic[0]!.cid.toString())
  })

  it('rejects a hex digest that is not exactly lower-case hex of the length, and unknown algorithms', async () => {
    const blocks = new MemoryBlocks()
    const root = await emptyIndex(blocks)
    const good = 'a'.repeat(64)
    for (const [algorithm, hex] of [
      ['sha256', good.toUpperCase()], ['sha256', 'A' + good.slice(1)], ['sha256', good.slice(1)], ['sha256', good + 'a'],
      ['sha256', 'g' + good.slice(1)], ['sha256', ' ' + good.slice(1)], ['sha256', '../' + good.slice(3)], ['sha256', ''],
      ['sha512', good], ['sha1', 'a'.repeat(40)], ['md5', 'a'.repeat(32)], ['SHA256', good]
    ]) {
      await expect(lookupHash(root, blocks, algorithm as 'sha256', hex as string)).rejects.toMatchObject({ code: 'ERR_INVALID_HASH' })
    }
    expect(await lookupHash(root, blocks, 'sha256', good)).toBeUndefined()
    await expect(collect(listIndex(root, blocks, 'sha1' as 'sha256'))).rejects.toMatchObject({ code: 'ERR_INVALID_HASH' })
  })

  it('an index of another shape is ERR_INVALID_INDEX; missing blocks are ERR_BLOCK_NOT_FOUND', async () => {
    const profile = profiles['unixfs-v1-2025']
    const blocks = new MemoryBlocks()
    const empty = await emptyDirectory(profile, blocks)
    const hex = 'b'.repeat(64)
    const file = await importBytes(new TextEncoder().encode('not a manifest'), profile, blocks)
    // A root without the sha512 directory; a directory whose entry links a file, not a dag-cbor manifest.
    const noSha512 = await buildDirectory([{ name: 'sha256', ref: empty }], profile, blocks)
    await expect(lookupHash(noSha512.cid, blocks, 'sha256', hex)).rejects.toMatchObject({ code: 'ERR_INVALID_INDEX' })
    const files = await buildDirectory([{ name: hex, ref: file }, { name: 'not-hex', ref: file }], profile, blocks)
    const bad = await buildDirectory([{ name: 'sha256', ref: files }, { name: 'sha512', ref: empty }], profile, blocks)
    await expect(lookupHash(bad.cid, blocks, 'sha256', hex)).rejects.toMatchObject({ code: 'ERR_INVALID_INDEX' })
    await expect(collect(listIndex(bad.cid, blocks))).rejects.toMatchObject({ code: 'ERR_INVALID_INDEX' })
    // A sha256 "directory" that is a file (raw), or a symlink (dag-pb, but not a directory).
    const fileDir = await buildDirectory([{ name: 'sha256', ref: file }, { name: 'sha512', ref: empty }], profile, blocks)
    await expect(lookupHash(fileDir.cid, blocks, 'sha256', hex)).rejects.toMatchObject({ code: 'ERR_INVALID_INDEX' })
    const symlink = await buildSymlink(new TextEncoder().encode('x'), profile, blocks)
    const linkDir = await buildDirectory([{ name: 'sha256', ref: symlink }, { name: 'sha512', ref: empty }], profile, blocks)
    await expect(lookupHash(linkDir.cid, blocks, 'sha256', hex)).rejects.toMatchObject({ code: 'ERR_INVALID_UNIXFS' })
    // Only manifests are indexed.
    await expect(addToIndex(undefined, [file.cid], blocks)).rejects.toMatchObject({ code: 'ERR_INVALID_INDEX' })
    const absent = CID.createV1(0x71, await sha256.digest(new Uint8Array([1])))
    await expect(addToIndex(undefined, [absent], blocks)).rejects.toMatchObject({ code: 'ERR_BLOCK_NOT_FOUND' })
    await expect(lookupHash(CID.createV1(0x70, await sha256.digest(new Uint8Array([2]))), blocks, 'sha256', hex)).rejects.toMatchObject({ code: 'ERR_BLOCK_NOT_FOUND' })
  })
})

async function collect<T> (items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}
