/**
 * Format 2's compact entry records (spec §7.2): any sequence of entries round-trips through the stateful
 * encoder and decoder, defaults are never written out, and paths are front-coded on character boundaries.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import * as dagCbor from '@ipld/dag-cbor'
import { EntryRecordDecoder, EntryRecordEncoder, keptPrefix, type EntryFields } from '../../src/codec/entry-record.js'
import { encodeEntryRecord } from '../../src/codec/manifest-codec.js'
import { TarEntryReader, entryOf } from '../../src/manifest/entries.js'
import { nameFromBytes } from '../../src/manifest/names.js'
import { CID } from 'multiformats/cid'
import type { EntryRecord } from '../../src/schema/types.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

const enc = new TextEncoder()
const cid = CID.parse('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku')

const pathBytes = fc.oneof(
  fc.array(fc.constantFrom('a', 'b', 'dir/', 'ü', '日本/', '.', '/', '\uFEFF', '𝄞'), { minLength: 1, maxLength: 8 }).map(p => enc.encode(p.join(''))),
  fc.uint8Array({ minLength: 1, maxLength: 12 })
)

const fieldsArb: fc.Arbitrary<EntryFields> = fc.record({
  path: pathBytes,
  typeflag: fc.constantFrom(0x30, 0x35, 0x32, 0x31, 0, 0x78, 0x53, 0x33),
  mode: fc.constantFrom(0o644, 0o755, 0o777, 0o100644),
  uid: fc.constantFrom(0, 1000, 2 ** 21),
  gid: fc.constantFrom(0, 1000),
  uname: fc.constantFrom(enc.encode(''), enc.encode('root'), Uint8Array.of(0xff), enc.encode('\uFEFFroot')),
  gname: fc.constantFrom(enc.encode(''), enc.encode('staff')),
  mtime: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
  size: fc.constantFrom(0, 1, 512, 2 ** 32 + 1),
  mtimeNanos: fc.constantFrom(0, 1, 999_999_999),
  linkTarget: fc.constant(new Uint8Array()),
  devMajor: fc.constant(0),
  devMinor: fc.constant(0),
  style: fc.constantFrom('gnu', 'ustar', 'npm')
}).chain(base => fc.record({
  sparseSize: fc.option(fc.constantFrom(0, 7, 2 ** 33), { nil: undefined }),
  linkTarget: fc.option(pathBytes, { nil: undefined }),
  dev: fc.option(fc.tuple(fc.nat(4095), fc.nat(2 ** 20)), { nil: undefined }),
  pax: fc.option(fc.array(fc.tuple(fc.constantFrom('path', 'linkpath', 'mtime', 'SCHILY.xattr.user.x'), fc.boolean(), fc.uint8Array({ maxLength: 6 })), { maxLength: 4 }), { nil: undefined }),
  patch: fc.option(fc.array(fc.tuple(fc.nat(1023), fc.uint8Array({ minLength: 1, maxLength: 4 })), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  verbatim: fc.option(fc.uint8Array({ minLength: 512, maxLength: 512 }), { nil: undefined }),
  padding: fc.option(fc.uint8Array({ minLength: 1, maxLength: 511 }), { nil: undefined }),
  content: fc.boolean(),
  excluded: fc.option(fc.constantFrom('shadowed' as const, 'unsafe-path' as const), { nil: undefined })
}).map(extra => {
  const f: Mutable<EntryFields> = { ...base }
  if (extra.sparseSize !== undefined && extra.sparseSize !== base.size) f.sparseSize = extra.sparseSize
  if (extra.linkTarget !== undefined) f.linkTarget = extra.linkTarget
  if (extra.dev !== undefined) { f.devMajor = extra.dev[0]; f.devMinor = extra.dev[1] }
  if (extra.pax !== undefined) {
    f.paxRecords = extra.pax.map(([key, own, value]) => [key, own ? null : value])
  }
  if (extra.patch !== undefined) f.headerPatch = extra.patch
  else if (extra.verbatim !== undefined) f.headerBytes = extra.verbatim
  if (extra.padding !== undefined) f.padding = extra.padding
  if (extra.content) f.content = cid
  if (extra.excluded !== undefined) f.excluded = extra.excluded
  return f
}))

describe('entry records (§7.2)', () => {
  it('any sequence of entries round-trips through encoder, dag-cbor and decoder (fast-check)', () => {
    fc.assert(fc.property(fc.array(fieldsArb, { minLength: 1, maxLength: 30 }), (entries) => {
      const encoder = new EntryRecordEncoder()
      const decoder = new EntryRecordDecoder()
      for (const f of entries) {
        const bytes = encodeEntryRecord(encoder.encode(f))
        const back = decoder.decode(dagCbor.decode(bytes))
        expect(back).toEqual(f)
      }
    }), { numRuns: 300 })
  })

  it('writes nothing that the entries before imply', () => {
    const encoder = new EntryRecordEncoder()
    const base: EntryFields = { path: enc.encode('pkg/a.c'), typeflag: 0x30, mode: 0o644, uid: 0, gid: 0, uname: enc.encode('root'), gname: enc.encode('root'), mtime: 1_700_000_000, size: 10, mtimeNanos: 0, linkTarget: new Uint8Array(), devMajor: 0, devMinor: 0, style: 'gnu' }
    expect(encoder.encode(base)).toEqual({ p: 'pkg/a.c', m: 0o644, un: 'root', gn: 'root', t: 1_700_000_000, s: 10, h: 'gnu' })
    expect(encoder.encode({ ...base, path: enc.encode('pkg/b.c') })).toEqual({ k: 4, p: 'b.c', s: 10 })
    expect(encoder.encode({ ...base, path: enc.encode('pkg/d/'), typeflag: 0x35, mode: 0o755, size: 0, mtime: 1_700_000_005 })).toEqual({ k: 4, p: 'd/', y: 0x35, m: 0o755, t: 5 })
    // The file mode is the last file's, not the directory's just before.
    expect(encoder.encode({ ...base, path: enc.encode('pkg/d/e'), mtime: 1_700_000_005 })).toEqual({ k: 6, p: 'e', s: 10 })
  })

  it('front-codes on UTF-8 character boundaries, so a suffix of a text path is text', () => {
    // "é" is c3 a9 and "è" c3 a8: they share a byte, which must not be kept.
    expect(keptPrefix(enc.encode('dir/é'), enc.encode('dir/è'))).toBe(4)
    expect(keptPrefix(enc.encode('dir/éa'), enc.encode('dir/éb'))).toBe(6)
    // A path that is not UTF-8 keeps the whole common prefix.
    expect(keptPrefix(Uint8Array.of(0x61, 0xc3, 0xa9), Uint8Array.of(0x61, 0xc3, 0xff))).toBe(2)
    const record = new EntryRecordEncoder()
    record.encode({ path: enc.encode('dir/é'), typeflag: 0x30, mode: 0o644, uid: 0, gid: 0, uname: new Uint8Array(), gname: new Uint8Array(), mtime: 0, mtimeNanos: 0, size: 0, linkTarget: new Uint8Array(), devMajor: 0, devMinor: 0, style: 'gnu' })
    expect(record.encode({ path: enc.encode('dir/è'), typeflag: 0x30, mode: 0o644, uid: 0, gid: 0, uname: new Uint8Array(), gname: new Uint8Array(), mtime: 0, mtimeNanos: 0, size: 0, linkTarget: new Uint8Array(), devMajor: 0, devMinor: 0, style: 'gnu' }).p).toBe('è')
  })

  it('stores a name that begins with U+FEFF as bytes, which every dag-cbor decoder keeps (§3.7)', () => {
    const bom = enc.encode('\uFEFFa.txt')
    const encoder = new EntryRecordEncoder()
    const base: EntryFields = { path: enc.encode('d/'), typeflag: 0x35, mode: 0o755, uid: 0, gid: 0, uname: bom, gname: enc.encode('g\uFEFF'), mtime: 0, size: 0, mtimeNanos: 0, linkTarget: new Uint8Array(), devMajor: 0, devMinor: 0, style: 'gnu' }
    const first = encoder.encode(base)
    expect(first.un).toEqual(bom)
    // Only a leading one: elsewhere U+FEFF is kept in text by every decoder.
    expect(first.gn).toBe('g\uFEFF')
    const file = { ...base, path: enc.encode('d/\uFEFFa.txt'), typeflag: 0x30, mode: 0o644, linkTarget: new Uint8Array() }
    const record = encoder.encode(file)
    expect(record).toMatchObject({ k: 2, p: bom })
    const decoder = new EntryRecordDecoder()
    decoder.decode(dagCbor.decode(encodeEntryRecord(first)))
    expect(decoder.decode(dagCbor.decode(encodeEntryRecord(record)))).toEqual(file)
  })

  it('rejects records that write a default out or contradict themselves', () => {
    expect(() => encodeEntryRecord({ p: 'a', s: 0 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_MANIFEST' }))
    expect(() => encodeEntryRecord({ p: 'a', y: 0x30 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_MANIFEST' }))
    expect(() => encodeEntryRecord({ p: 'a', k: 0 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_MANIFEST' }))
    expect(() => encodeEntryRecord({ p: 'a', hp: [[0, Uint8Array.of(1)]], hb: Uint8Array.of(1) })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_MANIFEST' }))
    // Text that begins with U+FEFF would not read back (cborg drops it): such a name is written as bytes.
    for (const r of [{ p: '\uFEFFa' }, { p: 'a', un: '\uFEFF' }, { p: 'a', l: '\uFEFFb' }, { p: 'a', x: [['\uFEFFk']] }, { p: 'a', x: [['k', '\uFEFFv']] }]) {
      expect(() => encodeEntryRecord(r)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_MANIFEST' }))
    }
    const decoder = new EntryRecordDecoder()
    expect(() => decoder.decode({ p: 'a', m: 0o644 })).toThrow(/header style/)
    expect(() => new EntryRecordDecoder().decode({ p: 'a', h: 'gnu' })).toThrow(/no mode/)
    expect(() => new EntryRecordDecoder().decode({ p: 'a', k: 3, m: 1, h: 'gnu' })).toThrow(/keeps 3 bytes/)
    // A style this reader does not know is a manifest problem, not an API misuse.
    expect(() => new TarEntryReader().read({ p: 'a', m: 0o644, h: 'no-such-style' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_MANIFEST' }))
    expect(() => new TarEntryReader().readEntry({ p: 'a', m: 0o644, h: 'no-such-style' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_MANIFEST' }))
  })

  it('readEntry, which measures header bytes without keeping them, places every entry as read does (fast-check)', () => {
    fc.assert(fc.property(fc.array(fieldsArb, { minLength: 1, maxLength: 20 }), (entries) => {
      const encoder = new EntryRecordEncoder()
      const records = entries.map(f => dagCbor.decode<EntryRecord>(encodeEntryRecord(encoder.encode(f))))
      const full = new TarEntryReader()
      const listing = new TarEntryReader()
      for (const record of records) {
        let expected: unknown
        try { expected = full.read(record).entry } catch (err) { expected = err }
        if (expected instanceof Error) {
          // A member the style cannot write fails the same way either way (and ends the comparison).
          expect(() => listing.readEntry(record)).toThrow(expected.message)
          return
        }
        expect(listing.readEntry(record)).toEqual(expected)
      }
      expect(listing.offset).toBe(full.offset)
    }), { numRuns: 300 })
  })

  it('a record encoded with the path\'s name already decoded is the same record (fast-check)', () => {
    fc.assert(fc.property(fc.array(fieldsArb, { minLength: 1, maxLength: 30 }), (entries) => {
      const plain = new EntryRecordEncoder()
      const named = new EntryRecordEncoder()
      for (const f of entries) expect(named.encode(f, nameFromBytes(f.path))).toEqual(plain.encode(f))
    }), { numRuns: 300 })
  })

  it('a reader gives the names entryOf decodes from each entry\'s bytes, where it reuses names it had (fast-check)', () => {
    fc.assert(fc.property(fc.array(fieldsArb, { minLength: 1, maxLength: 30 }), (entries) => {
      const encoder = new EntryRecordEncoder()
      const decoder = new EntryRecordDecoder()
      const reader = new TarEntryReader()
      // Padding is checked against the size (not what this is about): none kept.
      for (const { padding: _, ...f } of entries) {
        const record = dagCbor.decode<EntryRecord>(encodeEntryRecord(encoder.encode(f)))
        const fields = decoder.decode(record)
        const entry = reader.readEntryOfHeaderLength(record, 512)
        expect(entry).toEqual(entryOf(fields, entry.headerOffset, entry.dataOffset))
      }
    }), { numRuns: 300 })
  })
})
