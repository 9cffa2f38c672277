/**
 * updateDirectory against buildDirectory: any sequence of batches of additions and replacements, applied
 * one batch at a time to the stored directory, gives byte for byte the directory built from the final set
 * (flat, or a HAMT, as the profile's measure says), and never changes a block of an earlier root.
 */
import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { MemoryBlocks } from '../../src/blocks.js'
import { InvalidUnixFSError } from '../../src/errors.js'
import { buildDirectory, emptyDirectory, type DirectoryLink } from '../../src/unixfs/directory.js'
import { updateDirectory } from '../../src/unixfs/directory-update.js'
import { importBytes } from '../../src/unixfs/file-builder.js'
import { profiles, type Profile } from '../../src/unixfs/profile.js'
import { profileNames } from './oracle.js'

/** A dag-cbor CID standing for some block that is not stored (a directory may link anything). */
async function cborCid (seed: number): Promise<CID> {
  return CID.createV1(0x71, await sha256.digest(new TextEncoder().encode(`block ${seed}`)))
}

/** The link a change makes: target `seed`, Tsize `size` (sizes around 127/128 and 16383/16384 change the varint's length). */
async function link (name: string, seed: number, size: number): Promise<DirectoryLink> {
  return { name, ref: { cid: await cborCid(seed), dagSize: size } }
}

/** Copies of every block, to check later that none was rewritten. */
function snapshot (blocks: MemoryBlocks): Map<string, Uint8Array> {
  return new Map([...blocks.entries()].map(([cid, bytes]) => [cid.toString(), bytes.slice()]))
}

const change = fc.record({
  name: fc.integer({ min: 0, max: 400 }).map(n => `entry-${n}`),
  seed: fc.integer({ min: 0, max: 3 }),
  size: fc.constantFrom(1, 127, 128, 16383, 16384, 300000)
})

describe('updateDirectory', () => {
  for (const name of profileNames) {
    // A low threshold (about a dozen links), so that a few hundred entries make HAMTs two levels deep.
    const profile: Profile = { ...profiles[name], hamtThreshold: 600 }

    it(`${name}: batches applied in turn equal buildDirectory of the final set; old roots keep their blocks`, async () => {
      await fc.assert(fc.asyncProperty(fc.array(fc.array(change, { minLength: 1, maxLength: 80, size: 'max' }), { minLength: 1, maxLength: 6, size: 'max' }), async (batches) => {
        const blocks = new MemoryBlocks()
        let root = (await emptyDirectory(profile, blocks)).cid
        const final = new Map<string, DirectoryLink>()
        for (const batch of batches) {
          const before = snapshot(blocks)
          const changes = await Promise.all(batch.map(async c => await link(c.name, c.seed, c.size)))
          const next = await updateDirectory(root, changes, profile, blocks)
          for (const c of changes) final.set(c.name, c)
          const expected = await buildDirectory([...final.values()], profile, new MemoryBlocks())
          expect(next.cid.toString()).toBe(expected.cid.toString())
          expect(next.dagSize).toBe(expected.dagSize)
          for (const [key, bytes] of before) expect(blocks.get(CID.parse(key))).toEqual(bytes)
          root = next.cid
        }
      }), { numRuns: 25 })
    }, 120_000)

    it(`${name}: a change that changes nothing returns the same root and writes nothing`, async () => {
      const blocks = new MemoryBlocks()
      const entries = await Promise.all(Array.from({ length: 300 }, async (_, i) => await link(`e${i}`, i, 100)))
      for (const size of [10, 300]) {
        const root = await buildDirectory(entries.slice(0, size), profile, blocks)
        const count = blocks.size
        const again = await updateDirectory(root.cid, [entries[3] as DirectoryLink, entries[size - 1] as DirectoryLink], profile, blocks)
        expect(again).toEqual(root)
        expect(blocks.size).toBe(count)
      }
    })
  }

  it('a shrinking replacement that brings the measure under the threshold turns the HAMT back into a flat directory', async () => {
    const blocks = new MemoryBlocks()
    const base: Profile = profiles['unixfs-v1-2025']
    const entries = await Promise.all(Array.from({ length: 30 }, async (_, i) => await link(`e${i}`, i, 300000)))
    const flat = await buildDirectory(entries, base, new MemoryBlocks())
    // The threshold just under this directory's block: one link with a shorter Tsize varint brings it under.
    const profile: Profile = { ...base, hamtThreshold: flat.dagSize - 30 * 300000 - 2 }
    const sharded = await buildDirectory(entries, profile, blocks)
    const shrunk = await link('e0', 0, 1)
    const next = await updateDirectory(sharded.cid, [shrunk], profile, blocks)
    const expected = await buildDirectory([shrunk, ...entries.slice(1)], profile, new MemoryBlocks())
    expect(next.cid.toString()).toBe(expected.cid.toString())
    expect(next.cid.toString()).not.toBe(sharded.cid.toString())
  })

  it('rejects what is not a directory, and bad names', async () => {
    const profile = profiles['unixfs-v1-2025']
    const blocks = new MemoryBlocks()
    const file = await importBytes(new Uint8Array(10), profile, blocks)
    await expect(updateDirectory(file.cid, [], profile, blocks)).rejects.toBeInstanceOf(InvalidUnixFSError)
    const dir = await emptyDirectory(profile, blocks)
    await expect(updateDirectory(dir.cid, [await link('a/b', 1, 1)], profile, blocks)).rejects.toBeInstanceOf(InvalidUnixFSError)
  })
})
