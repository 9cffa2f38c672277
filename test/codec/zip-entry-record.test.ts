/**
 * Format 2's compact zip entry records (spec §18.2): any sequence of entries round-trips through the
 * stateful encoder, dag-cbor and the decoder; defaults are never written out; the regenerated headers of
 * a decoded entry are those of the original fields (§18.3).
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { ZipEntryRecordDecoder, ZipEntryRecordEncoder, type ZipEntryFields } from '../../src/codec/zip-entry-record.js'
import { decodeEntryPage, encodeEntryPage, encodeZipEntryRecord } from '../../src/codec/manifest-codec.js'
import { centralHeaderBytes, derivedCentralExtra, localHeaderBytes } from '../../src/archive/zip/write.js'

const enc = new TextEncoder()
const cid = CID.parse('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku')
/** Info-ZIP's local extra (UT with mtime and atime, ux with uid/gid), and the JDK's 0xCAFE marker. */
const UT_UX = Uint8Array.from(Buffer.from('5554090003f4156b01f4156b6975780b000104e803000004e8030000', 'hex'))
const CAFE = Uint8Array.of(0xfe, 0xca, 0, 0)
/** The same layout with other times: written as a patch of the previous block (`xp`). */
const UT_UX_LATER = Uint8Array.from(Buffer.from('5554090003a48c0f6839ee156b75780b000104e803000004e8030000', 'hex'))

const fieldsArb: fc.Arbitrary<ZipEntryFields> = fc.record({
  path: fc.array(fc.constantFrom('a', 'b', 'dir/', 'ü', '.class', '\uFEFF'), { minLength: 1, maxLength: 6 }).map(p => enc.encode(p.join(''))),
  versionMadeBy: fc.constantFrom(0x031e, 20, 0x0314),
  versionNeeded: fc.constantFrom(10, 20, 45),
  flags: fc.constantFrom(0, 0x0800, 0x0808, 8),
  method: fc.constantFrom(0, 8),
  dosTime: fc.nat(0xffff),
  dosDate: fc.nat(0xffff),
  crc32: fc.constantFrom(0, 1, 0xffffffff),
  compressedSize: fc.constantFrom(0, 3, 100, 2 ** 32 + 5),
  uncompressedSize: fc.constantFrom(0, 3, 1000),
  internalAttributes: fc.constantFrom(0, 1),
  externalAttributes: fc.constantFrom(0, 0x81a40000, 0x41ed0010),
  diskStart: fc.constantFrom(0, 0, 1),
  localHeaderOffset: fc.constantFrom(0, 77, 2 ** 33),
  localExtra: fc.constantFrom(new Uint8Array(0), UT_UX, UT_UX_LATER, CAFE),
  comment: fc.constantFrom(new Uint8Array(0), enc.encode('note'))
}).chain(base => fc.record({
  centralExtra: fc.constantFrom(derivedCentralExtra(base.localExtra), base.localExtra, new Uint8Array(0)),
  descriptor: fc.option(fc.record({ signed: fc.boolean(), wide: fc.boolean() }), { nil: undefined }),
  data: fc.constantFrom('recipe', 'z', 'zb', 'content', 'none')
}).map(({ centralExtra, descriptor, data }) => {
  const f: ZipEntryFields = { ...base, centralExtra, flags: descriptor === undefined ? base.flags & ~8 : base.flags | 8 }
  if (descriptor !== undefined) f.descriptor = descriptor
  const rebuilt = f.compressedSize > 0 && f.method === 8
  if (data === 'z' || (rebuilt && data === 'none')) f.data = cid
  else if (data === 'zb' && f.compressedSize <= 64) f.dataBytes = new Uint8Array(f.compressedSize)
  else if (rebuilt) f.recipe = { encoder: 'gnu-gzip', params: { level: data === 'recipe' ? 9 : 6 } }
  if (data === 'content' && f.data === undefined && f.dataBytes === undefined) f.content = cid
  if (data === 'z' && f.localHeaderOffset === 77) f.localPatch = [[4, Uint8Array.of(1)]]
  return f
}))

describe('zip entry records', () => {
  it('any sequence round-trips through encoder, dag-cbor pages and decoder; headers regenerate alike', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fieldsArb, { maxLength: 12 }), async (entries) => {
      const encoder = new ZipEntryRecordEncoder()
      const page = await encodeEntryPage(entries.map(f => encodeZipEntryRecord(encoder.encode(f))))
      const decoder = new ZipEntryRecordDecoder()
      const back = decodeEntryPage(page.bytes, 'zip').map(r => decoder.decode(r))
      expect(back.length).toBe(entries.length)
      back.forEach((f, i) => {
        const want = entries[i]!
        expect(f).toEqual(want)
        expect(localHeaderBytes(f)).toEqual(localHeaderBytes(want))
        expect(centralHeaderBytes(f)).toEqual(centralHeaderBytes(want))
      })
    }), { numRuns: 200 })
  })

  it('repeated values cost nothing: an entry like the previous one is its name suffix, sizes and CRC', () => {
    const base: ZipEntryFields = {
      path: enc.encode('com/example/A.class'), versionMadeBy: 20, versionNeeded: 20, flags: 0x0808, method: 8, dosTime: 100, dosDate: 200,
      crc32: 5, compressedSize: 10, uncompressedSize: 20, internalAttributes: 0, externalAttributes: 0, diskStart: 0, localHeaderOffset: 0,
      localExtra: new Uint8Array(0), centralExtra: new Uint8Array(0), comment: new Uint8Array(0), descriptor: { signed: true, wide: false },
      recipe: { encoder: 'zlib', params: { level: 6 } }
    }
    const encoder = new ZipEntryRecordEncoder()
    encoder.encode(base)
    const next = encoder.encode({ ...base, path: enc.encode('com/example/B.class'), crc32: 6, localHeaderOffset: 30 + 19 + 10 + 16 })
    expect(next).toEqual({ k: 12, p: 'B.class', crc: 6, s: 20, cs: 10 })
    expect(dagCbor.encode(next).length).toBeLessThan(30)
    // New times in the same extra layout: a patch of the previous block.
    encoder.encode({ ...base, localExtra: UT_UX })
    expect(encoder.encode({ ...base, localExtra: UT_UX_LATER }).xp).toEqual([[5, UT_UX_LATER.subarray(5, 13)]])
  })

  it('a record with a default written out, or a recipe with nothing to make, is rejected', async () => {
    for (const bad of [{ p: 'a', k: 0 }, { p: 'a', s: 5, cs: 5 }, { p: 'a', crc: 0 }, { p: 'a', dd: 0 }, { p: 'a', zb: new Uint8Array(65), cs: 65 }]) {
      expect(() => encodeZipEntryRecord(bad)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_MANIFEST' }))
    }
    const decoder = new ZipEntryRecordDecoder()
    expect(() => decoder.decode({ p: 'a', mt: 0, s: 3, r: { encoder: 'zlib', params: { level: 6 } } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_MANIFEST' }))
    expect(() => new ZipEntryRecordDecoder().decode({ p: 'a', mt: 8, s: 3, cs: 5 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_MANIFEST' }))
  })
})
