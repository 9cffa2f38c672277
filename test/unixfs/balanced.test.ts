import { createHash } from 'node:crypto'
import { describe, it, expect } from 'vitest'
import { decode } from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { exporter } from 'ipfs-unixfs-exporter'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { getBlock } from '../../src/blocks.js'
import { BalancedFileBuilder } from '../../src/unixfs/balanced.js'
import type { DagRef } from '../../src/unixfs/dag-ref.js'
import { importBytes } from '../../src/unixfs/file-builder.js'
import { readFile } from '../../src/unixfs/file-reader.js'
import { putLeaf } from '../../src/unixfs/leaf.js'
import { profiles, type ProfileName } from '../../src/unixfs/profile.js'
import { seededBytes } from '../helpers/seeded.js'
import { RecordingBlockstore, importerFile } from './oracle.js'

/** Our layout over 1-byte leaves of `bytes`. */
async function oneByteLeaves (bytes: Uint8Array, name: ProfileName): Promise<{ ref: DagRef, store: RecordingBlockstore }> {
  const store = new RecordingBlockstore()
  const builder = new BalancedFileBuilder(profiles[name], store)
  for (let i = 0; i < bytes.length; i++) await builder.add(await putLeaf(bytes.subarray(i, i + 1), profiles[name], store))
  return { ref: await builder.finish(), store }
}

/** sha256 hex of the concatenated chunks: comparing digests keeps failures readable and fast. */
async function digestOf (chunks: AsyncIterable<Uint8Array> | Uint8Array[]): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of chunks) hash.update(chunk)
  return hash.digest('hex')
}

describe('BalancedFileBuilder: the importer\'s balanced layout at width boundaries', () => {
  // The importer with a 1-byte chunker gives one leaf per byte, so a few thousand bytes reach the width
  // (1024 under v1-2025, 174 under v0-2015) and a third level (174² + 1 leaves) without a 1 GiB input.
  const cases: Array<[ProfileName, number[]]> = [
    ['unixfs-v1-2025', [2, 1023, 1024, 1025, 2048, 2049]],
    ['unixfs-v0-2015', [173, 174, 175, 174 * 174, 174 * 174 + 1]]
  ]
  for (const [name, counts] of cases) {
    for (const count of counts) {
      it(`${name}: ${count} leaves`, async () => {
        const bytes = seededBytes(`leaves-${count}`, count)
        const expected = await importerFile([bytes], name, { chunker: fixedSize({ chunkSize: 1 }) })
        const { ref, store } = await oneByteLeaves(bytes, name)
        expect(ref.cid.toString()).toBe(expected.cid.toString())
        expect(ref.fileSize).toBe(count)
        expect([...store.cids].sort()).toEqual([...expected.store.cids].sort())
      })
    }
  }

  it('a single child is the result itself; no children give the empty leaf', async () => {
    for (const name of ['unixfs-v1-2025', 'unixfs-v0-2015'] as const) {
      const store = new RecordingBlockstore()
      const leaf = await putLeaf(Uint8Array.of(7), profiles[name], store)
      const one = new BalancedFileBuilder(profiles[name], store)
      await one.add(leaf)
      expect(await one.finish()).toEqual(leaf)
      const none = new BalancedFileBuilder(profiles[name], store)
      expect((await none.finish()).cid.toString()).toBe((await putLeaf(new Uint8Array(0), profiles[name], store)).cid.toString())
    }
  })
})

describe('BalancedFileBuilder over mixed children', () => {
  for (const name of ['unixfs-v1-2025', 'unixfs-v0-2015'] as const) {
    it(`${name}: parent links other files' roots, leaves and a CIDv0 file; empty children are left out`, async () => {
      const profile = profiles[name]
      const store = new RecordingBlockstore()
      const parts = [
        seededBytes('a', 3 * profile.chunkSize + 11), // a multi-level file root
        seededBytes('b', 100), // a leaf
        new Uint8Array(0), // empty: adds nothing
        seededBytes('c', profile.chunkSize + 1)
      ]
      const children = await Promise.all(parts.map(async part => await importBytes(part, profile, store)))
      // A dag-pb CIDv0 file inside (possible under v1-2025 too: NOTES §2).
      children.push(await importBytes(seededBytes('d', 5000), profiles['unixfs-v0-2015'], store))
      parts.push(seededBytes('d', 5000))
      const builder = new BalancedFileBuilder(profile, store)
      for (const child of children) await builder.add(child)
      const root = await builder.finish()

      const expected = await digestOf(parts)
      expect(root.fileSize).toBe(parts.reduce((sum, part) => sum + part.length, 0))
      expect(await digestOf(readFile(root.cid, store))).toBe(expected)
      const entry = await exporter(root.cid, store)
      if (entry.type !== 'file') throw new Error(`not a file: ${entry.type}`)
      expect(await digestOf(entry.content())).toBe(expected)

      // The node itself: blocksizes = children's file sizes, empty (but present) names, Tsize = sub-DAG size.
      const node = decode(await getBlock(store, root.cid))
      const nonEmpty = children.filter(child => child.fileSize > 0)
      expect(UnixFS.unmarshal(node.Data as Uint8Array).blockSizes).toEqual(nonEmpty.map(child => BigInt(child.fileSize)))
      expect(node.Links.map(link => [link.Hash.toString(), link.Name, link.Tsize])).toEqual(nonEmpty.map(child => [child.cid.toString(), '', child.dagSize]))
      const blockBytes = (await getBlock(store, root.cid)).length
      expect(root.dagSize).toBe(blockBytes + nonEmpty.reduce((sum, child) => sum + child.dagSize, 0))
    })
  }
})
