/**
 * writeEntryRecord, the direct dag-cbor writer of entry records, gives @ipld/dag-cbor's bytes for every
 * record the schema allows (every key, each kind of value, integers of every head size and sign, text
 * that is not ASCII, bytes names, CIDs), and leaves to the generic path (which refuses them) records with
 * an unknown key, a value of the wrong type, an undefined value or no `p`; an integer beyond 2^53 - 1 is
 * the generic path's too, which writes it.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { writeEntryRecord } from '../../src/codec/entry-record-bytes.js'
import { encodeEntryRecord } from '../../src/codec/manifest-codec.js'
import { InvalidManifestError } from '../../src/errors.js'
import type { EntryRecord } from '../../src/schema/types.js'

const cids = [
  CID.parse('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'),
  CID.parse('QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH'),
  CID.parse('bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354')
]
const int = fc.oneof(
  fc.integer({ min: -30, max: 30 }),
  fc.constantFrom(23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, -24, -25, -256, -257, -65537, -(2 ** 32), -(2 ** 32) - 1, -(2 ** 53) + 1),
  fc.maxSafeInteger()
)
const name = fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(/^[a-zü名😀/.]{0,30}$/), fc.uint8Array({ maxLength: 30 }), fc.string({ minLength: 24, maxLength: 300 }))
const bytes = fc.uint8Array({ maxLength: 600 })
const exclusion = fc.constantFrom('shadowed', 'unsafe-path', 'non-utf8-path', 'path-conflict', 'dangling-hardlink', 'special-file', 'sparse', 'metadata') as fc.Arbitrary<EntryRecord['e'] & string>

const recordArb: fc.Arbitrary<EntryRecord> = fc.record({
  k: int, p: name, y: int, m: int, u: int, g: int, un: name, gn: name, t: int, tn: int, s: int, sz: int, l: name,
  dv: fc.array(int, { maxLength: 3 }),
  at: int, ct: int,
  x: fc.array(fc.oneof(fc.tuple(fc.string({ maxLength: 12 })), fc.tuple(fc.string({ maxLength: 12 }), name)), { maxLength: 4 }),
  h: fc.string({ maxLength: 12 }),
  hp: fc.array(fc.tuple(int, bytes), { maxLength: 3 }),
  hb: bytes, pd: bytes,
  c: fc.constantFrom(...cids),
  e: exclusion
}, { requiredKeys: ['p'] }) as fc.Arbitrary<EntryRecord>

describe('writeEntryRecord', () => {
  it('writes the bytes @ipld/dag-cbor writes for any record the schema allows', () => {
    fc.assert(fc.property(recordArb, record => {
      const ours = writeEntryRecord(record)
      expect(ours).toBeDefined()
      expect(Buffer.from(ours as Uint8Array).toString('hex')).toBe(Buffer.from(dagCbor.encode(record)).toString('hex'))
    }), { numRuns: 2000 })
  })

  it('leaves what the schema refuses to the generic path, which refuses it', () => {
    const bad: unknown[] = [
      { p: 'a', z: 1 },
      { k: 1 },
      { p: 'a', s: undefined },
      { p: 1 },
      { p: 'a', s: 1.5 },
      { p: 'a', s: '1' },
      { p: 'a', e: 'bogus' },
      { p: 'a', h: 3 },
      { p: 'a', c: { bytes: new Uint8Array(4) } },
      { p: 'a', hb: 'text' },
      { p: 'a', dv: [1, 'x'] },
      { p: 'a', x: [[1]] },
      { p: 'a', x: 'a' },
      { p: 'a', hp: [[1]] },
      { p: 'a', hp: [[1, 'x']] }
    ]
    for (const record of bad) {
      expect(writeEntryRecord(record as EntryRecord)).toBeUndefined()
      expect(() => encodeEntryRecord(record as EntryRecord)).toThrow(InvalidManifestError)
    }
    const large = { p: 'a', s: 2 ** 53 }
    expect(writeEntryRecord(large)).toBeUndefined()
    expect(Buffer.from(encodeEntryRecord(large)).equals(Buffer.from(dagCbor.encode(large)))).toBe(true)
  })

  it('encodeEntryRecord still refuses a default written out or a value out of range', () => {
    for (const record of [{ p: 'a', k: 0 }, { p: 'a', s: 0 }, { p: 'a', t: 0 }, { p: 'a', y: 0x30 }, { p: 'a', y: 256 }, { p: 'a', m: -1 }, { p: 'a', dv: [1] }, { p: 'a', dv: [1, -1] }]) {
      expect(() => encodeEntryRecord(record as EntryRecord)).toThrow(InvalidManifestError)
    }
    expect(Buffer.from(encodeEntryRecord({ p: 'dir/file', s: 5, t: -3 })).equals(Buffer.from(dagCbor.encode({ p: 'dir/file', s: 5, t: -3 })))).toBe(true)
  })
})
