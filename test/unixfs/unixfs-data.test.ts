/**
 * Issue #13: every varint the library writes must be right for every size up to 2^53 − 1. ipfs-unixfs's
 * marshal (protons-runtime's LongBits) writes [2^31, 2^32) as zeros or as unwritten pool bytes, so the
 * library writes UnixFS Data itself (src/unixfs/unixfs-data.ts). Checked here against
 *   - exact bytes, and an independent reader (test/helpers/protobuf.ts, bigint arithmetic), at and around
 *     2^31, 2^32 and 2^53;
 *   - ipfs-unixfs marshal below 2^31, where it is right: byte-identical on random nodes of every type;
 *   - the nodes the library's writers really store (File parents, leaves, directories, HAMT shards,
 *     dag-pb link Tsize), read back from the blockstore with the independent reader.
 */
import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { encode as encodePb } from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { MemoryBlocks } from '../../src/blocks.js'
import { encodeXzVli } from '../../src/compression/container/xz.js'
import { InvalidArgumentError } from '../../src/errors.js'
import { BalancedFileBuilder } from '../../src/unixfs/balanced.js'
import { buildDirectory } from '../../src/unixfs/directory.js'
import { profiles, type Profile } from '../../src/unixfs/profile.js'
import { encodeUnixFSData, varintLength, type UnixFSData, type UnixFSType } from '../../src/unixfs/unixfs-data.js'
import { pbNodeData, readFields, readUnixFSFile, readVarint } from '../helpers/protobuf.js'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/** The sizes an encoder with 32-bit arithmetic gets wrong, and their neighbours. */
const boundaries = [2 ** 31 - 1, 2 ** 31, 3e9, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1]

describe('encodeUnixFSData: exact bytes', () => {
  // Each value's varint, computed by hand (7 bits per byte, least significant first).
  const varints: Record<number, string> = {
    [2 ** 31 - 1]: 'ffffffff07',
    [2 ** 31]: '8080808008',
    [3e9]: '80bcc1960b',
    [2 ** 32 - 1]: 'ffffffff0f',
    [2 ** 32]: '8080808010',
    [2 ** 53 - 1]: 'ffffffffffffff0f'
  }
  for (const size of boundaries) {
    it(`a File node with one child of ${size} bytes`, () => {
      const bytes = encodeUnixFSData({ type: 'file', blockSizes: [size] })
      // Type=File, filesize, blocksizes[0]: the same varint twice.
      expect(hex(bytes)).toBe(`0802 18${varints[size]} 20${varints[size]}`.replace(/ /g, ''))
      expect(readUnixFSFile(bytes)).toEqual({ type: 2n, filesize: BigInt(size), blocksizes: [BigInt(size)] })
    })
  }

  it('filesize is the data length plus the blocksizes, written for files and raw nodes even when 0', () => {
    expect(hex(encodeUnixFSData({ type: 'file' }))).toBe('08021800')
    expect(hex(encodeUnixFSData({ type: 'raw', data: Uint8Array.of(1, 2) }))).toBe('0800' + '12020102' + '1802')
    const node = readUnixFSFile(encodeUnixFSData({ type: 'file', data: Uint8Array.of(9), blockSizes: [2 ** 31, 2 ** 32 - 1, 2 ** 40] }))
    expect(node.filesize).toBe(1n + 2n ** 31n + 2n ** 32n - 1n + 2n ** 40n)
    expect(node.blocksizes).toEqual([2n ** 31n, 2n ** 32n - 1n, 2n ** 40n])
  })

  it('directories, symlinks and HAMT shards (types 1, 4, 5) as go-unixfs writes them', () => {
    expect(hex(encodeUnixFSData({ type: 'directory' }))).toBe('0801')
    expect(hex(encodeUnixFSData({ type: 'symlink', data: new TextEncoder().encode('a/b') }))).toBe('0804' + '1203612f62')
    expect(hex(encodeUnixFSData({ type: 'hamt-sharded-directory', data: Uint8Array.of(0x80, 1), hashType: 0x22, fanout: 256 })))
      .toBe('0805' + '12028001' + '2822' + '308002')
  })

  it('rejects sizes that are not integers from 0 to 2^53 - 1, and blocksizes outside files', () => {
    for (const bad of [-1, 1.5, 2 ** 53, Number.NaN, Infinity]) {
      expect(() => encodeUnixFSData({ type: 'file', blockSizes: [bad] })).toThrow(InvalidArgumentError)
      expect(() => encodeUnixFSData({ type: 'hamt-sharded-directory', fanout: bad })).toThrow(InvalidArgumentError)
    }
    // Each blocksize fits, their sum does not.
    expect(() => encodeUnixFSData({ type: 'file', blockSizes: [2 ** 52, 2 ** 52] })).toThrow(InvalidArgumentError)
    expect(() => encodeUnixFSData({ type: 'directory', blockSizes: [1] })).toThrow(InvalidArgumentError)
    expect(() => encodeUnixFSData({ type: 'block' as UnixFSType })).toThrow(InvalidArgumentError)
  })
})

describe('encodeUnixFSData: properties', () => {
  const bytesArb = fc.uint8Array({ maxLength: 40 })
  const types: UnixFSType[] = ['raw', 'directory', 'file', 'metadata', 'symlink', 'hamt-sharded-directory']
  /** A node whose every varint (filesize included) is below 2^31, where ipfs-unixfs is right. */
  const smallNode: fc.Arbitrary<UnixFSData> = fc.record({
    type: fc.constantFrom(...types),
    data: fc.option(bytesArb, { nil: undefined }),
    blockSizes: fc.array(fc.oneof(fc.nat({ max: 2 ** 28 }), fc.constantFrom(0, 1, 127, 128, 16383, 16384, 2 ** 28)), { maxLength: 7 }),
    hashType: fc.option(fc.nat({ max: 2 ** 31 - 1 }), { nil: undefined }),
    fanout: fc.option(fc.nat({ max: 2 ** 31 - 1 }), { nil: undefined })
  }).map(node => (node.type === 'file' || node.type === 'raw') ? node : { ...node, blockSizes: [] })

  it('below 2^31: byte-identical to ipfs-unixfs marshal for every node type', () => {
    fc.assert(fc.property(smallNode, node => {
      const theirs = new UnixFS({
        type: node.type,
        ...(node.data === undefined ? {} : { data: node.data }),
        blockSizes: (node.blockSizes ?? []).map(BigInt),
        ...(node.hashType === undefined ? {} : { hashType: BigInt(node.hashType) }),
        ...(node.fanout === undefined ? {} : { fanout: BigInt(node.fanout) })
      }).marshal()
      expect(hex(encodeUnixFSData(node))).toBe(hex(theirs))
    }), { numRuns: 2000 })
  })

  it('every safe integer: the independent reader and ipfs-unixfs\'s reader (used by restores) get it back', () => {
    const size = fc.oneof(fc.maxSafeNat().map(n => Math.floor(n / 8)), fc.constantFrom(...boundaries.map(b => Math.floor(b / 8))), fc.integer({ min: 2 ** 31, max: 2 ** 32 }))
    fc.assert(fc.property(fc.array(size, { minLength: 1, maxLength: 8 }), blockSizes => {
      const bytes = encodeUnixFSData({ type: 'file', blockSizes })
      const total = blockSizes.reduce((a, b) => a + b, 0)
      expect(readUnixFSFile(bytes)).toEqual({ type: 2n, filesize: BigInt(total), blocksizes: blockSizes.map(BigInt) })
      const read = UnixFS.unmarshal(bytes)
      expect(read.blockSizes).toEqual(blockSizes.map(BigInt))
      expect(read.fileSize()).toBe(BigInt(total))
    }), { numRuns: 2000 })
  })

  it('varintLength is the length of the varint written, for every safe integer', () => {
    fc.assert(fc.property(fc.oneof(fc.maxSafeNat(), fc.constantFrom(0, 127, 128, ...boundaries)), n => {
      expect(encodeUnixFSData({ type: 'hamt-sharded-directory', fanout: n }).length).toBe(2 + 1 + varintLength(n))
    }))
  })
})

describe('what the writers store, read back from the blockstore with the independent reader', () => {
  /** A stand-in child of the given sizes: a File node may link any sub-DAG, and only its numbers matter here. */
  async function child (fileSize: number, dagSize: number): Promise<{ cid: CID, fileSize: number, dagSize: number }> {
    return { cid: CID.createV1(0x55, await sha256.digest(new TextEncoder().encode(`child-${fileSize}`))), fileSize, dagSize }
  }

  for (const profile of [profiles['unixfs-v1-2025'], profiles['unixfs-v0-2015']] as Profile[]) {
    it(`${profile.name}: a File parent over children of 2^31, 3e9, 2^32 - 1 and 2^40 bytes`, async () => {
      const store = new MemoryBlocks()
      const builder = new BalancedFileBuilder(profile, store)
      const sizes = [2 ** 31, 3e9, 2 ** 32 - 1, 2 ** 40]
      for (const size of sizes) await builder.add(await child(size, size + 7))
      const root = await builder.finish()
      const block = await store.get(root.cid)
      const links = readFields(block).filter(f => f.field === 2)
      expect(readUnixFSFile(pbNodeData(block))).toEqual({ type: 2n, filesize: BigInt(root.fileSize), blocksizes: sizes.map(BigInt) })
      // dag-pb link Tsize (PBLink field 3), written by @ipld/dag-pb: each child's whole sub-DAG.
      expect(links.map(link => link.wire === 2 ? readFields(link.bytes).find(f => f.field === 3) : undefined))
        .toEqual(sizes.map(size => ({ field: 3, wire: 0, value: BigInt(size + 7) })))
      expect(root.fileSize).toBe(sizes.reduce((a, b) => a + b, 0))
    })
  }

  it('directory links carry Tsize up to 2^53 - 1 (dag-pb), and the HAMT measure counts their bytes right', async () => {
    for (const profile of [profiles['unixfs-v1-2025'], profiles['unixfs-v0-2015']] as Profile[]) {
      const store = new MemoryBlocks()
      const refs = await Promise.all(boundaries.map(async size => await child(size, size)))
      const dir = await buildDirectory(refs.map((ref, i) => ({ name: `f${i}`, ref })), profile, store)
      const block = await store.get(dir.cid)
      const tsizes = readFields(block).filter(f => f.field === 2).map(link => link.wire === 2 ? readFields(link.bytes).find(f => f.field === 3) : undefined)
      expect(tsizes).toEqual(boundaries.map(size => ({ field: 3, wire: 0, value: BigInt(size) })))
      expect(hex(pbNodeData(block))).toBe('0801')
    }
  })

  it('dag-pb Tsize through @ipld/dag-pb encode, at every boundary', () => {
    const cid = CID.parse('QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn')
    for (const tsize of boundaries) {
      const block = encodePb({ Links: [{ Hash: cid, Name: '', Tsize: tsize }] })
      const link = readFields(block)[0]
      expect(link?.wire === 2 ? readFields(link.bytes).find(f => f.field === 3) : undefined).toEqual({ field: 3, wire: 0, value: BigInt(tsize) })
    }
  })

  it('xz multibyte integers (the same 7-bit little-endian form) at every boundary', () => {
    for (const value of [0, 127, 128, ...boundaries]) {
      const bytes = Uint8Array.from(encodeXzVli(value))
      expect(readVarint(bytes, 0)).toEqual([BigInt(value), bytes.length])
    }
  })
})
