/**
 * encodePbNode, the hand-written dag-pb encoder of the nodes this library writes, gives @ipld/dag-pb's
 * bytes for the same node: links with a Hash, a Name (empty or not, multi-byte UTF-8 too) and a Tsize of
 * any size, then the Data; and refuses what dag-pb's encoder refuses of such nodes.
 */
import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { InvalidUnixFSError } from '../../src/errors.js'
import { compareBytes, encodePbNode, type PbLink } from '../../src/unixfs/pb-node.js'

const utf8 = new TextEncoder()

const cidArb = fc.tuple(fc.uint8Array({ minLength: 0, maxLength: 40 }), fc.constantFrom(0, 1), fc.constantFrom(0x55, 0x70)).map(([seed, version, code]) => {
  const digest = sha256.digest(seed) as Awaited<ReturnType<typeof sha256.digest>>
  return version === 0 ? CID.createV0(digest) : CID.createV1(code, digest)
})
const linkArb = fc.record({
  cid: cidArb,
  name: fc.oneof(fc.constant(''), fc.string({ maxLength: 30 }), fc.stringMatching(/^[a-zé名😀]{1,8}$/)),
  tsize: fc.oneof(fc.nat(300), fc.constantFrom(127, 128, 16383, 16384, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1), fc.maxSafeNat())
})

describe('encodePbNode', () => {
  it('writes the bytes @ipld/dag-pb writes for the same node', () => {
    fc.assert(fc.property(fc.array(linkArb, { maxLength: 40 }), fc.uint8Array({ maxLength: 300 }), (raw, data) => {
      // dag-pb sorts links by name bytes (a stable sort keeps equal names in order).
      const links = raw.map(l => ({ ...l, bytes: utf8.encode(l.name) })).sort((a, b) => compareBytes(a.bytes, b.bytes))
      const ours = encodePbNode(data, links.map(l => ({ hash: l.cid.bytes, name: l.bytes, tsize: l.tsize })))
      const theirs = dagPb.encode({ Data: data, Links: links.map(l => ({ Hash: l.cid, Name: l.name, Tsize: l.tsize })) })
      expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(theirs).toString('hex'))
    }), { numRuns: 300 })
  })

  it('a File node of 1024 chunk links with empty names, as the balanced layout writes it', () => {
    const cid = CID.parse('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku')
    const data = Uint8Array.of(0x08, 0x02, 0x18, 0x80, 0x80, 0x80, 0x80, 0x08)
    const ours = encodePbNode(data, Array.from({ length: 1024 }, (_, i) => ({ hash: cid.bytes, name: new Uint8Array(0), tsize: 1048576 + i })))
    const theirs = dagPb.encode({ Data: data, Links: Array.from({ length: 1024 }, (_, i) => ({ Hash: cid, Name: '', Tsize: 1048576 + i })) })
    expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true)
  })

  it('refuses links out of name order and a Tsize that is not a safe natural number', () => {
    const hash = CID.parse('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku').bytes
    const link = (name: string, tsize = 1): PbLink => ({ hash, name: utf8.encode(name), tsize })
    expect(() => encodePbNode(new Uint8Array(0), [link('b'), link('a')])).toThrow(InvalidUnixFSError)
    expect(() => encodePbNode(new Uint8Array(0), [link('ab'), link('a')])).toThrow(InvalidUnixFSError)
    for (const tsize of [-1, 1.5, 2 ** 53, Number.NaN]) expect(() => encodePbNode(new Uint8Array(0), [link('a', tsize)])).toThrow(InvalidUnixFSError)
    expect(encodePbNode(new Uint8Array(0), [link('a'), link('a'), link('b')]).length).toBeGreaterThan(0)
  })
})
