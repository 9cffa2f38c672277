/**
 * blockCid equals multiformats' CID of the same block (sha2-256, CIDv0 and CIDv1, raw, dag-pb and
 * dag-cbor): same bytes, same string, same multihash, usable wherever a CID is (asCID, equals, the
 * dag-cbor encoder); synchronous in Node, and the same through a promise where the hasher gives one
 * (multiformats' WebCrypto path in browsers). rawCidOfPieces hashes pieces to the CID of their join.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import fc from 'fast-check'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { blockCid, rawCidOfPieces } from '../../src/digest/block-cid.js'
import { InvalidArgumentError } from '../../src/errors.js'

const kinds = [[0x55, 1], [0x70, 1], [0x71, 1], [0x70, 0], [0x0129, 1]] as const

async function reference (bytes: Uint8Array, code: number, version: 0 | 1): Promise<CID> {
  const digest = await sha256.digest(bytes)
  return version === 0 ? CID.createV0(digest) as CID : CID.createV1(code, digest)
}

afterEach(() => { vi.doUnmock('multiformats/hashes/sha2'); vi.doUnmock('../../src/digest/node-crypto.js'); vi.resetModules() })

describe('blockCid', () => {
  it('equals multiformats\' CID of the block, synchronously', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.constantFrom(...kinds), async (bytes, [code, version]) => {
      const ours = blockCid(bytes, code, version)
      expect(ours).toBeInstanceOf(CID)
      const theirs = await reference(bytes, code, version)
      const cid = ours as CID
      expect(cid.toString()).toBe(theirs.toString())
      expect(Buffer.from(cid.bytes).equals(Buffer.from(theirs.bytes))).toBe(true)
      expect(Buffer.from(cid.multihash.bytes).equals(Buffer.from(theirs.multihash.bytes))).toBe(true)
      expect(Buffer.from(cid.multihash.digest).equals(Buffer.from(theirs.multihash.digest))).toBe(true)
      expect([cid.version, cid.code, cid.multihash.code, cid.multihash.size]).toEqual([theirs.version, theirs.code, theirs.multihash.code, theirs.multihash.size])
      expect(cid.equals(theirs)).toBe(true)
      expect(CID.asCID(cid)).toBe(cid)
      expect(Buffer.from(dagCbor.encode({ c: cid })).equals(Buffer.from(dagCbor.encode({ c: theirs })))).toBe(true)
      // Views of plain arrays (no Node Buffer, no shared pool), deeply equal to the CID decoded from its bytes.
      expect([cid.bytes, cid.multihash.bytes, cid.multihash.digest].some(b => Buffer.isBuffer(b))).toBe(false)
      expect(cid).toEqual(CID.decode(theirs.bytes))
    }), { numRuns: 200 })
  })

  it('refuses a CIDv0 of anything but dag-pb', () => {
    expect(() => blockCid(new Uint8Array(1), 0x55, 0)).toThrow(InvalidArgumentError)
  })

  it('through a promise where the hasher gives one: the same CIDs', async () => {
    vi.resetModules()
    vi.doMock('multiformats/hashes/sha2', async (load) => {
      const real = await load<typeof import('multiformats/hashes/sha2')>()
      return { ...real, sha256: { ...real.sha256, code: real.sha256.code, digest: async (bytes: Uint8Array) => await real.sha256.digest(bytes) } }
    })
    vi.doMock('../../src/digest/node-crypto.js', async (load) => {
      // A runtime without the one-shot hash (as browsers have no Node crypto): blockCid goes through sha256.digest.
      const real = await load<typeof import('../../src/digest/node-crypto.js')>()
      return { nodeCrypto: real.nodeCrypto === undefined ? undefined : { createHash: real.nodeCrypto.createHash } }
    })
    const { blockCid: portable } = await import('../../src/digest/block-cid.js')
    for (const [code, version] of kinds) {
      const bytes = new TextEncoder().encode(`block ${code} ${version}`)
      const pending = portable(bytes, code, version)
      expect(pending).toBeInstanceOf(Promise)
      expect((await pending).toString()).toBe((await reference(bytes, code, version)).toString())
    }
  })

  it('rawCidOfPieces: the raw CID of the pieces joined', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 5 }), async (pieces) => {
      const joined = Buffer.concat(pieces)
      expect((rawCidOfPieces(pieces) as CID).toString()).toBe((await reference(joined, 0x55, 1)).toString())
    }), { numRuns: 50 })
  })
})
