/**
 * Issue #13: a description must never be returned when its DAGs do not stand for the bytes read (on
 * main, a .tar.gz holding a 2 GiB file was described without complaint and then failed to restore).
 * The faults are injected: a leaf encoder that over-reports its size, and the protons-runtime varint bug
 * (values in [2^31, 2^32) written as 0) put back into the UnixFS Data encoder.
 */
import { gzipSync } from 'node:zlib'
import { afterEach, describe, it, expect, vi } from 'vitest'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { MemoryBlocks, discardBlocks } from '../../src/blocks.js'
import { InternalSizeMismatchError } from '../../src/errors.js'
import { manifestFromTarball } from '../../src/manifest/create.js'
import { restoreArchive } from '../../src/manifest/restore.js'
import { assertMembersTile } from '../../src/manifest/size-check.js'
import { BalancedFileBuilder } from '../../src/unixfs/balanced.js'
import { profiles } from '../../src/unixfs/profile.js'
import type { UnixFSData } from '../../src/unixfs/unixfs-data.js'
import { gnuTar, patternBytes, removeDir, writeTree } from '../helpers/archives.js'

const fault = vi.hoisted(() => ({ leafExtra: 0, protonsVarint: false }))

vi.mock('../../src/unixfs/leaf.js', async (importOriginal) => {
  const leaf = await importOriginal<typeof import('../../src/unixfs/leaf.js')>()
  return {
    ...leaf,
    putLeaf: async (...args: Parameters<typeof leaf.putLeaf>) => {
      const ref = await leaf.putLeaf(...args)
      return { ...ref, fileSize: ref.fileSize + fault.leafExtra }
    }
  }
})

vi.mock('../../src/unixfs/unixfs-data.js', async (importOriginal) => {
  const data = await importOriginal<typeof import('../../src/unixfs/unixfs-data.js')>()
  return {
    ...data,
    encodeUnixFSData: (message: UnixFSData) => data.encodeUnixFSData(!fault.protonsVarint
      ? message
      : { ...message, blockSizes: message.blockSizes?.map(size => size >= 2 ** 31 && size < 2 ** 32 ? 0 : size) })
  }
})

afterEach(() => {
  fault.leafExtra = 0
  fault.protonsVarint = false
})

function smallTar (): Uint8Array {
  // Two leaves under v0-2015 (262144-byte chunks) for the text; compressible, so the recipe search is quick.
  const dir = writeTree({ files: { 'p/a.txt': 'hello\n', 'p/b.txt': 'abcdefgh\n'.repeat(30_000), 'p/c.bin': patternBytes(5000) } })
  try {
    return gnuTar(dir, ['p'], 'gnu')
  } finally {
    removeDir(dir)
  }
}

async function restored (cid: CID, store: MemoryBlocks): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const chunk of restoreArchive(cid, store)) parts.push(chunk)
  return Buffer.concat(parts)
}

describe('create: the DAGs must stand for the bytes read', () => {
  const tar = smallTar()
  // Node's zlib at level 9: a recipe is found, so the .tar.gz is rebuilt from the tar DAG.
  const tgz = new Uint8Array(gzipSync(tar, { level: 9 }))

  for (const [label, bytes] of [['plain tar', tar], ['tar.gz', tgz]] as const) {
    for (const profile of ['unixfs-v1-2025', 'unixfs-v0-2015'] as const) {
      it(`${label}, ${profile}: without a fault the description restores exactly`, async () => {
        const store = new MemoryBlocks()
        const result = await manifestFromTarball(bytes, { profile, blockstore: store })
        expect(Buffer.compare(await restored(result.cid, store), Buffer.from(bytes))).toBe(0)
      })

      it(`${label}, ${profile}: leaves that over-report their size stop the description (ERR_INTERNAL_SIZE_MISMATCH)`, async () => {
        fault.leafExtra = 1
        const described = manifestFromTarball(bytes, { profile, blockstore: discardBlocks })
        await expect(described).rejects.toBeInstanceOf(InternalSizeMismatchError)
        await expect(described).rejects.toMatchObject({ code: 'ERR_INTERNAL_SIZE_MISMATCH' })
      })
    }
  }
})

describe('File nodes must read back with the sizes they were given', () => {
  it('the protons-runtime varint bug, put back into the encoder, is caught when the node is made', async () => {
    fault.protonsVarint = true
    for (const profile of [profiles['unixfs-v1-2025'], profiles['unixfs-v0-2015']]) {
      const builder = new BalancedFileBuilder(profile, discardBlocks)
      const cid = CID.createV1(0x55, await sha256.digest(Uint8Array.of(1)))
      await builder.add({ cid, fileSize: 2 ** 31, dagSize: 2 ** 31 })
      await builder.add({ cid, fileSize: 1024, dagSize: 1024 })
      await expect(builder.finish()).rejects.toMatchObject({ code: 'ERR_INTERNAL_SIZE_MISMATCH' })
    }
  })
})

describe('assertMembersTile', () => {
  const member = (offset: number, size: number, tarOffset: number, tarSize: number): Parameters<typeof assertMembersTile>[0][number] =>
    ({ offset, size, tarOffset, tarSize, header: new Uint8Array(0), trailer: new Uint8Array(0) })

  it('accepts members that follow each other to the end, trailing bytes included', () => {
    expect(() => assertMembersTile([member(0, 10, 0, 100), member(10, 5, 100, 0)], 3, 18, 100)).not.toThrow()
  })

  it('rejects a gap, an overlap, a short tar range or a missing end', () => {
    expect(() => assertMembersTile([member(0, 10, 0, 100), member(11, 5, 100, 0)], 0, 16, 100)).toThrow(InternalSizeMismatchError)
    expect(() => assertMembersTile([member(0, 10, 0, 100), member(9, 5, 100, 0)], 0, 14, 100)).toThrow(InternalSizeMismatchError)
    expect(() => assertMembersTile([member(0, 10, 0, 100), member(10, 5, 90, 10)], 0, 15, 100)).toThrow(InternalSizeMismatchError)
    expect(() => assertMembersTile([member(0, 10, 0, 100)], 0, 12, 100)).toThrow(InternalSizeMismatchError)
    expect(() => assertMembersTile([member(0, 10, 0, 100)], 0, 10, 101)).toThrow(InternalSizeMismatchError)
  })
})
