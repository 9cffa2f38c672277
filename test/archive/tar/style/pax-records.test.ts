/** PAX record lengths, canonical values and the `null` (entry's own value) marker. */
import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { formatPaxRecords, formatPaxTime, paxRecordLength, derivedPaxValue } from '../../../../src/archive/tar/style/pax-records.js'
import { parsePaxRecords, parsePaxTime } from '../../../../src/archive/tar/pax.js'
import type { MemberHeaderFields } from '../../../../src/archive/tar/style/index.js'
import { EMPTY } from '../../../../src/archive/tar/bytes.js'
import type { ArchiveManifestError } from '../../../../src/errors.js'

const enc = new TextEncoder()
const dec = new TextDecoder()

const fields: MemberHeaderFields = {
  typeflag: 0x30, path: enc.encode('a/b'), linkTarget: EMPTY, mode: 0o644, uid: 1000, gid: 0, uname: enc.encode('u'),
  gname: EMPTY, mtime: -2, mtimeNanos: 500_000_000, size: 12, devMajor: 0, devMinor: 0
}

describe('PAX records', () => {
  it('the length is the least n with n = digits(n) + rest, across digit boundaries', () => {
    for (const rest of [1, 8, 9, 10, 97, 98, 99, 100, 996, 997, 998, 999, 1000, 99995, 99996]) {
      const n = paxRecordLength(rest - 3, 0)
      expect(n).toBe(rest + String(n).length)
      expect(String(n - 1).length + rest).not.toBe(n - 1)
    }
  })

  it('formatted records read back as the same records (the reader checks every length)', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.stringMatching(/^[a-zA-Z.]{1,12}$/), fc.uint8Array({ maxLength: 1200 }))), records => {
      const data = formatPaxRecords(records)
      expect(parsePaxRecords(data, 0).map(([k, v]) => [k, [...v]])).toEqual(records.map(([k, v]) => [k, [...v]]))
    }), { numRuns: 300, seed: 9 })
  })

  it('null values are the entry fields in canonical form', () => {
    const data = formatPaxRecords([['path', null], ['uid', null], ['size', null], ['mtime', null], ['atime', enc.encode('1.5')]], fields)
    expect(dec.decode(data)).toBe('12 path=a/b\n12 uid=1000\n11 size=12\n14 mtime=-1.5\n13 atime=1.5\n')
    expect(derivedPaxValue('atime', fields)).toBeUndefined()
    let code: string | undefined
    try { formatPaxRecords([['atime', null]], fields) } catch (err) { code = (err as ArchiveManifestError).code }
    expect(code).toBe('ERR_INVALID_MANIFEST')
  })

  it('formatPaxTime is the inverse of the reader (floor seconds, nanoseconds), trailing zeros dropped', () => {
    expect(formatPaxTime(1700000000, 123456789)).toBe('1700000000.123456789')
    expect(formatPaxTime(1700000000, 500_000_000)).toBe('1700000000.5')
    expect(formatPaxTime(-1, 500_000_000)).toBe('-0.5')
    expect(formatPaxTime(-1_000_000_000, 0)).toBe('-1000000000')
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 999_999_999 }), (s, n) => {
      expect(parsePaxTime('mtime', enc.encode(formatPaxTime(s, n)), 0)).toEqual({ seconds: s, nanos: n })
    }), { numRuns: 1000, seed: 4 })
  })
})
