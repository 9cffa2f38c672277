import { describe, it, expect } from 'vitest'
import { classifyBlock } from '../../../src/archive/tar/checksum.js'
import { decodeHeader, headerMagic } from '../../../src/archive/tar/header.js'
import { parseNumericField } from '../../../src/archive/tar/numeric.js'
import { lastOfEachKey, parsePaxRecords, parsePaxTime } from '../../../src/archive/tar/pax.js'
import type { ArchiveManifestError } from '../../../src/errors.js'

const enc = new TextEncoder()
const dec = new TextDecoder()

/** A 512-byte block with `fields` written at their offsets and a valid unsigned checksum. */
function block (fields: Record<number, string | number[]>, checksum: 'unsigned' | 'signed' | 'none' = 'unsigned'): Uint8Array {
  const b = new Uint8Array(512)
  for (const [off, v] of Object.entries(fields)) b.set(typeof v === 'string' ? enc.encode(v) : v, Number(off))
  if (checksum === 'none') return b
  b.fill(0x20, 148, 156)
  let sum = 0
  for (const c of b) sum += checksum === 'signed' && c >= 0x80 ? c - 256 : c
  b.set(enc.encode((sum >>> 0).toString(8).padStart(6, '0').slice(-6) + '\0 '), 148)
  if (sum < 0) b.set(enc.encode('-'), 148) // not representable: makes the block invalid on purpose
  return b
}

function field (bytes: number[] | string, length: number): number {
  const b = new Uint8Array(length)
  b.set(typeof bytes === 'string' ? enc.encode(bytes) : bytes)
  return parseNumericField(b, 0, length, { field: 'test', headerOffset: 1024 })
}

function codeOf (fn: () => unknown): string | undefined {
  try { fn() } catch (err) { return (err as ArchiveManifestError).code }
  return undefined
}

describe('numeric fields', () => {
  it('reads octal with leading spaces or NULs and a space/NUL terminator', () => {
    expect(field('0000644\0', 8)).toBe(0o644)
    expect(field('   644 \0', 8)).toBe(0o644)
    expect(field([0, 0x36, 0x34, 0x34, 0x20], 8)).toBe(0o644)
    expect(field('00000001750 ', 12)).toBe(1000)
    expect(field('', 8)).toBe(0) // all NULs: an empty field, as Go reads it
    expect(field('77777777777\0', 12)).toBe(8 ** 11 - 1)
  })

  it('rejects non-octal text with HeaderFieldError and the header offset', () => {
    for (const text of ['0000x44\0', '00008\0', '12 34', '-1']) {
      let err: ArchiveManifestError | undefined
      try { field(text, 8) } catch (e) { err = e as ArchiveManifestError }
      expect(err?.code).toBe('ERR_HEADER_FIELD')
      expect(err?.offset).toBe(1024)
      expect(err?.details.field).toBe('test')
    }
  })

  it('reads GNU base-256, positive (0x80) and negative (0xff)', () => {
    // 0x80 00 .. 02 00 00 00 00 = 2^33 (8 GiB), beyond 11 octal digits.
    expect(field([0x80, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0], 12)).toBe(2 ** 33)
    expect(field([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0x2d, 0xc6, 0xc0], 12)).toBe(3000000)
    expect(field([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 12)).toBe(-1)
    expect(field([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00], 12)).toBe(-256)
    expect(field([0x80, 0, 0, 0, 0, 0, 0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff].slice(0, 12), 12)).toBe(0x1fffffffff)
    const maxSafe = [0x80, 0, 0, 0, 0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
    expect(field(maxSafe, 12)).toBe(Number.MAX_SAFE_INTEGER)
  })

  it('rejects base-256 values beyond Number.MAX_SAFE_INTEGER', () => {
    expect(codeOf(() => field([0x80, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0], 12))).toBe('ERR_HEADER_FIELD')
    expect(codeOf(() => field([0x80, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 12))).toBe('ERR_HEADER_FIELD')
    expect(codeOf(() => field([0xff, 0xdf, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 12))).toBe('ERR_HEADER_FIELD')
  })
})

describe('checksum', () => {
  const fields = { 0: 'caf\u00e9', 100: '0000644\0', 124: '00000000000\0', 257: 'ustar\x0000' }
  it('recognises an all-zero block', () => {
    expect(classifyBlock(new Uint8Array(512), 0)).toBe('zero')
  })
  it('accepts the unsigned sum and the historical signed sum', () => {
    expect(classifyBlock(block(fields, 'unsigned'), 0)).toBe('valid')
    expect(classifyBlock(block(fields, 'signed'), 0)).toBe('valid')
  })
  it('rejects a wrong or unreadable checksum', () => {
    const b = block(fields)
    b[0] = 0x41
    expect(classifyBlock(b, 0)).toBe('bad-checksum')
    expect(classifyBlock(block({ ...fields, 148: 'garbage!' }, 'none'), 0)).toBe('bad-checksum')
    // A block that is zero except its checksum field is not an end marker.
    expect(classifyBlock(block({ 148: '000400\0 ' }, 'none'), 0)).toBe('valid')
  })
})

describe('header decoding', () => {
  it('detects v7, ustar and gnu magic', () => {
    expect(headerMagic(block({}))).toBe('v7')
    expect(headerMagic(block({ 257: 'ustar\x0000' }))).toBe('ustar')
    expect(headerMagic(block({ 257: 'ustar\0\0\0' }))).toBe('ustar') // GNU tar ignores the version
    expect(headerMagic(block({ 257: 'ustar  \0' }))).toBe('gnu')
    expect(headerMagic(block({ 257: 'ustar!!' }))).toBe('v7')
  })

  it('joins the ustar prefix with "/", ignores it for gnu and v7, and reads star\'s shorter prefix', () => {
    const common = { 0: 'name', 345: 'pre/fix', 156: '0' }
    expect(dec.decode(decodeHeader(block({ ...common, 257: 'ustar\x0000' }), 0).name)).toBe('pre/fix/name')
    expect(dec.decode(decodeHeader(block({ ...common, 257: 'ustar  \0' }), 0).name)).toBe('name')
    expect(dec.decode(decodeHeader(block(common), 0).name)).toBe('name')
    const star = block({ 0: 'n', 345: 'p'.repeat(131), 476: '12345670123\0', 257: 'ustar\x0000', 508: 'tar\0' })
    expect(dec.decode(decodeHeader(star, 0).name)).toBe('p'.repeat(131) + '/n')
  })

  it('reads a name as a C string and keeps non-UTF-8 bytes', () => {
    const h = decodeHeader(block({ 0: [0x66, 0xff, 0xfe, 0, 0x41, 0x42] }), 0)
    expect([...h.name]).toEqual([0x66, 0xff, 0xfe])
  })

  it('reads uname/gname and device numbers only where the format has them', () => {
    const fields = { 0: 'dev', 156: '3', 265: 'root', 297: 'wheel', 329: '0000004\0', 337: '0000100\0' }
    const ustar = decodeHeader(block({ ...fields, 257: 'ustar\x0000' }), 0)
    expect([dec.decode(ustar.uname), dec.decode(ustar.gname), ustar.devMajor, ustar.devMinor]).toEqual(['root', 'wheel', 4, 64])
    const v7 = decodeHeader(block(fields), 0)
    expect([v7.uname.length, v7.devMajor]).toEqual([0, 0])
  })

  it('reads the old-GNU sparse realsize and isextended flag', () => {
    const h = decodeHeader(block({ 0: 's', 156: 'S', 257: 'ustar  \0', 124: '00000001000\0', 482: [1], 483: '00000100000\0' }), 0)
    expect([h.size, h.realSize, h.isExtended]).toEqual([512, 0o100000, true])
  })

  it('rejects a negative size and a bad mode with the header offset', () => {
    const neg = block({ 0: 'x', 124: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe] })
    expect(codeOf(() => decodeHeader(neg, 4096))).toBe('ERR_HEADER_FIELD')
    let err: ArchiveManifestError | undefined
    try { decodeHeader(block({ 0: 'x', 100: '0000x44\0' }), 4096) } catch (e) { err = e as ArchiveManifestError }
    expect([err?.code, err?.offset, err?.details.field]).toEqual(['ERR_HEADER_FIELD', 4096, 'mode'])
  })
})

/** A well-formed PAX record: the length counts itself. */
function rec (key: string, value: string): string {
  const body = ` ${key}=${value}\n`
  let n = body.length + 1
  while (String(n).length + body.length !== n) n++
  return String(n) + body
}

describe('PAX records', () => {
  const records = (text: string | Uint8Array): Array<[string, string]> =>
    parsePaxRecords(typeof text === 'string' ? enc.encode(text) : text, 0).map(([k, v]) => [k, dec.decode(v)])

  it('parses records, keeping value bytes verbatim (including "=" and newlines)', () => {
    expect(rec('uid', '42')).toBe('9 uid=42\n')
    expect(rec('a', 'x'.repeat(7))).toBe('13 a=xxxxxxx\n')
    expect(records(rec('path', 'a/b=c\n') + rec('uid', '42'))).toEqual([['path', 'a/b=c\n'], ['uid', '42']])
    expect(records(rec('path', ''))).toEqual([['path', '']])
    expect(records('')).toEqual([])
    expect(records('011 uid=42\n')).toEqual([['uid', '42']]) // leading zeros are still a decimal length
  })

  it('rejects malformed records with PaxRecordError and the record offset', () => {
    const cases = [
      '9 uid=42', // no newline: the length runs past the end
      '8 uid=42\n', // length one short: its last byte is not a newline
      '10 uid=42\n\n', // length one long
      ' 9 uid=42\n',
      '9uid=42\n',
      'x 9 uid=42\n',
      '9 uid 42\n', // no '='
      '6 =42\n', // empty keyword
      '3 \n',
      '9 uid=42\n\0\0\0', // trailing bytes after the last record
      '99999999999999999999 a=b\n'
    ]
    for (const text of cases) {
      let err: ArchiveManifestError | undefined
      try { parsePaxRecords(enc.encode(text), 1000) } catch (e) { err = e as ArchiveManifestError }
      expect(err?.code, text).toBe('ERR_PAX_RECORD')
      expect(err?.offset, text).toBeGreaterThanOrEqual(1000)
    }
    let err: ArchiveManifestError | undefined
    try { parsePaxRecords(enc.encode(rec('uid', '42') + rec('gid', '4x2')), 1000) } catch (e) { err = e as ArchiveManifestError }
    expect([err?.code, err?.offset]).toEqual(['ERR_PAX_RECORD', 1009])
  })

  it('checks the values it interprets', () => {
    expect(codeOf(() => parsePaxRecords(enc.encode(rec('size', '-100')), 0))).toBe('ERR_PAX_RECORD')
    expect(codeOf(() => parsePaxRecords(enc.encode(rec('uid', '')), 0))).toBeUndefined() // empty: "unset"
    expect(codeOf(() => parsePaxRecords(enc.encode(rec('mtime', '1.x')), 0))).toBe('ERR_PAX_RECORD')
    expect(codeOf(() => parsePaxRecords(enc.encode(rec('size', '9'.repeat(20))), 0))).toBe('ERR_HEADER_FIELD')
    expect(codeOf(() => parsePaxRecords(enc.encode(rec('path', 'a\0b')), 0))).toBe('ERR_INVALID_PATH')
    expect(codeOf(() => parsePaxRecords(enc.encode(rec('linkpath', 'a\0b')), 0))).toBe('ERR_INVALID_PATH')
    // Trailing NULs are padding, not part of the path.
    expect(codeOf(() => parsePaxRecords(enc.encode(rec('path', 'ab\0\0')), 0))).toBeUndefined()
  })

  it('parses times into floor seconds and nanoseconds', () => {
    const t = (s: string): [number, number] => { const r = parsePaxTime('mtime', enc.encode(s), 0); return [r.seconds, r.nanos] }
    expect(t('1700000000')).toEqual([1700000000, 0])
    expect(t('1700000000.5')).toEqual([1700000000, 500000000])
    expect(t('1700000000.123456789123')).toEqual([1700000000, 123456789])
    expect(t('1700000000.')).toEqual([1700000000, 0])
    expect(t('-1.5')).toEqual([-2, 500000000])
    expect(t('-3')).toEqual([-3, 0])
    for (const bad of ['', '.5', '1e9', '1.5.5', '--1', ' 1']) expect(codeOf(() => t(bad)), bad).toBe('ERR_PAX_RECORD')
  })

  it('keeps only the last record of each keyword, in place', () => {
    const r = parsePaxRecords(enc.encode(rec('a', 'one') + rec('b', 'two') + rec('a', 'tri')), 0)
    expect(lastOfEachKey(r).map(([k, v]) => k + dec.decode(v))).toEqual(['btwo', 'atri'])
  })
})
