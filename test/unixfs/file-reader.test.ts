import { createHash } from 'node:crypto'
import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { encode } from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { exporter } from 'ipfs-unixfs-exporter'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { getBlock, type BlockSource } from '../../src/blocks.js'
import { importBytes } from '../../src/unixfs/file-builder.js'
import { readFile, readSymlinkTarget, type ReadFileOptions } from '../../src/unixfs/file-reader.js'
import { buildDirectory } from '../../src/unixfs/directory.js'
import { profiles, type ProfileName } from '../../src/unixfs/profile.js'
import { seededBytes } from '../helpers/seeded.js'
import { RecordingBlockstore, importerFile } from './oracle.js'

async function digestOf (chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of chunks) hash.update(chunk)
  return hash.digest('hex')
}

function digestOfBytes (bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

async function exported (cid: CID, store: RecordingBlockstore, options: ReadFileOptions = {}): Promise<string> {
  const entry = await exporter(cid, store)
  if (entry.type !== 'file' && entry.type !== 'raw') throw new Error(`not a file: ${entry.type}`)
  return await digestOf(entry.content(options))
}

async function putPb (store: RecordingBlockstore, unixfs: UnixFS, links: Array<{ Hash: CID, Name?: string, Tsize?: number }>): Promise<CID> {
  const block = encode({ Data: unixfs.marshal(), Links: links })
  const cid = CID.createV0(await sha256.digest(block))
  store.put(cid, block)
  return cid
}

describe('readFile', () => {
  // DAGs made by the importer (not by us), a few levels deep thanks to small chunks.
  const cases: Array<[string, ProfileName, number, number | undefined]> = [
    ['v1-2025, 1 MiB chunks', 'unixfs-v1-2025', 2.5 * 1048576, undefined],
    ['v0-2015, 7-byte chunks (3 levels)', 'unixfs-v0-2015', 3000, 7],
    ['v1-2025, 3-byte chunks', 'unixfs-v1-2025', 4000, 3],
    ['v0-2015, one leaf', 'unixfs-v0-2015', 100, undefined],
    ['v1-2025, empty', 'unixfs-v1-2025', 0, undefined]
  ]
  for (const [label, name, size, chunkSize] of cases) {
    it(`${label}: whole file and random ranges match the exporter`, async () => {
      const bytes = seededBytes(label, size)
      const { cid, store } = await importerFile([bytes], name, chunkSize === undefined ? {} : { chunker: fixedSize({ chunkSize }) })
      expect(await digestOf(readFile(cid, store))).toBe(digestOfBytes(bytes))
      await fc.assert(fc.asyncProperty(
        fc.integer({ min: 0, max: size }),
        fc.option(fc.integer({ min: 0, max: size + 10 }), { nil: undefined }),
        async (offset, length) => {
          const options = length === undefined ? { offset } : { offset, length }
          const expected = digestOfBytes(bytes.subarray(offset, length === undefined ? undefined : offset + length))
          expect(await digestOf(readFile(cid, store, options))).toBe(expected)
          if (offset < size) expect(await exported(cid, store, options)).toBe(expected)
        }
      ), { numRuns: 40 })
    })
  }

  it('fetches only the blocks of the requested range', async () => {
    const profile = profiles['unixfs-v1-2025']
    const store = new RecordingBlockstore()
    const root = await importBytes(seededBytes('range', 5 * profile.chunkSize), profile, store)
    const fetched: string[] = []
    const counting: BlockSource = { get: (cid: CID) => { fetched.push(cid.toString()); return store.get(cid) } }
    expect(await digestOf(readFile(root.cid, counting, { offset: 2 * profile.chunkSize + 5, length: 10 })))
      .toBe(digestOfBytes(seededBytes('range', 5 * profile.chunkSize).subarray(2 * profile.chunkSize + 5, 2 * profile.chunkSize + 15)))
    expect(fetched.length).toBe(2) // the root and one leaf
  })

  it('detects a tampered block', async () => {
    const profile = profiles['unixfs-v0-2015']
    const store = new RecordingBlockstore()
    const bytes = seededBytes('tamper', 3 * profile.chunkSize)
    const root = await importBytes(bytes, profile, store)
    const leaf = await importBytes(bytes.subarray(profile.chunkSize, 2 * profile.chunkSize), profile, new RecordingBlockstore())
    const tampered = Uint8Array.from(await getBlock(store, leaf.cid))
    tampered[100] = (tampered[100] as number) ^ 1
    store.put(leaf.cid, tampered)
    await expect(digestOf(readFile(root.cid, store))).rejects.toMatchObject({ code: 'ERR_BLOCK_HASH_MISMATCH' })
    // A range that does not touch the tampered leaf is still read.
    expect(await digestOf(readFile(root.cid, store, { length: 10 }))).toBe(digestOfBytes(bytes.subarray(0, 10)))
  })

  it('rejects blocksizes that disagree with the children, named links and non-files', async () => {
    const store = new RecordingBlockstore()
    const leaf = await importBytes(Uint8Array.of(1, 2, 3, 4), profiles['unixfs-v1-2025'], store)
    const wrongSize = await putPb(store, new UnixFS({ type: 'file', blockSizes: [5n] }), [{ Hash: leaf.cid, Name: '', Tsize: 4 }])
    const tooFewSizes = await putPb(store, new UnixFS({ type: 'file', blockSizes: [4n] }), [{ Hash: leaf.cid, Name: '', Tsize: 4 }, { Hash: leaf.cid, Name: '', Tsize: 4 }])
    const named = await putPb(store, new UnixFS({ type: 'file', blockSizes: [4n] }), [{ Hash: leaf.cid, Name: 'x', Tsize: 4 }])
    const dir = (await buildDirectory([{ name: 'a', ref: leaf }], profiles['unixfs-v0-2015'], store)).cid
    for (const cid of [wrongSize, tooFewSizes, named, dir]) {
      await expect(digestOf(readFile(cid, store))).rejects.toMatchObject({ code: 'ERR_INVALID_UNIXFS' })
    }
    await expect(readSymlinkTarget(dir, store)).rejects.toMatchObject({ code: 'ERR_INVALID_UNIXFS' })
    await expect(digestOf(readFile(leaf.cid, store, { offset: -1 }))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
  })
})
