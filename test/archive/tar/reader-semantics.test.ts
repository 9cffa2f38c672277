/**
 * TarReader on hand-made archives: the typeflag/data rules measured on GNU tar 1.34, extension record
 * precedence and chaining, large sizes, limits, and every error with its code and offset.
 */
import { describe, it, expect } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { TarReader, type TarMember, type TarPart } from '../../../src/archive/tar/reader.js'
import type { ArchiveManifestError } from '../../../src/errors.js'

const enc = new TextEncoder()
const text = (b: Uint8Array | undefined): string | undefined => b === undefined ? undefined : Buffer.from(b).toString('latin1')

interface HeaderSpec {
  name?: string | Uint8Array
  typeflag?: string
  size?: number | number[] // a number is written in octal; an array is the raw 12-byte field
  mode?: string
  uid?: number
  mtime?: number[] | number
  linkname?: string
  magic?: 'ustar' | 'gnu' | 'v7'
  devmajor?: number
  devminor?: number
}

function octal (n: number, width: number): string { return n.toString(8).padStart(width - 1, '0') + '\0' }

/** One header block with a valid checksum. */
function header (h: HeaderSpec): Uint8Array {
  const b = new Uint8Array(512)
  const put = (off: number, v: string | Uint8Array | number[]): void => { b.set(typeof v === 'string' ? enc.encode(v) : v, off) }
  put(0, h.name ?? 'file')
  put(100, h.mode ?? octal(0o644, 8))
  put(108, octal(h.uid ?? 0, 8))
  put(116, octal(0, 8))
  put(124, Array.isArray(h.size) ? h.size : octal(h.size ?? 0, 12))
  put(136, Array.isArray(h.mtime) ? h.mtime : octal(h.mtime ?? 0, 12))
  put(156, h.typeflag ?? '0')
  put(157, h.linkname ?? '')
  const magic = h.magic ?? 'ustar'
  if (magic === 'ustar') put(257, 'ustar\x0000')
  if (magic === 'gnu') put(257, 'ustar  \0')
  if (h.devmajor !== undefined) put(329, octal(h.devmajor, 8))
  if (h.devminor !== undefined) put(337, octal(h.devminor, 8))
  fixChecksum(b)
  return b
}

function fixChecksum (b: Uint8Array, at = 0): void {
  b.fill(0x20, at + 148, at + 156)
  let sum = 0
  for (let i = at; i < at + 512; i++) sum += b[i]!
  b.set(enc.encode(octal(sum, 7) + ' '), at + 148)
}

function padded (data: Uint8Array | string): Uint8Array {
  const d = typeof data === 'string' ? enc.encode(data) : data
  const out = new Uint8Array(Math.ceil(d.length / 512) * 512)
  out.set(d)
  return out
}

function record (key: string, value: string | Uint8Array): Uint8Array {
  const v = typeof value === 'string' ? enc.encode(value) : value
  const body = 1 + enc.encode(key).length + 1 + v.length + 1
  let n = body + 1
  while (String(n).length + body !== n) n++
  return Buffer.concat([enc.encode(`${n} ${key}=`), v, enc.encode('\n')])
}

/** An 'x' (or 'g') header and its records. */
function pax (records: Array<[string, string | Uint8Array]>, typeflag = 'x'): Uint8Array {
  const data = Buffer.concat(records.map(([k, v]) => record(k, v)))
  return Buffer.concat([header({ name: 'PaxHeader', typeflag, size: data.length }), padded(data)])
}

function longName (typeflag: 'L' | 'K', name: string | Uint8Array): Uint8Array {
  const data = Buffer.concat([typeof name === 'string' ? enc.encode(name) : name, new Uint8Array(1)])
  return Buffer.concat([header({ name: '././@LongLink', typeflag, size: data.length, magic: 'gnu' }), padded(data)])
}

const END = new Uint8Array(1024)
const tar = (...pieces: Uint8Array[]): Uint8Array => Buffer.concat(pieces)

function readAll (input: Uint8Array, options?: ConstructorParameters<typeof TarReader>[0]): { parts: TarPart[], members: TarMember[] } {
  const r = new TarReader(options)
  const parts = [...r.push(input), ...r.end()]
  const members = parts.flatMap(p => p.kind === 'member' ? [p.member] : [])
  const raw = Buffer.concat(parts.flatMap(p => p.kind === 'raw' || p.kind === 'data' ? [p.bytes] : []))
  expect(raw.equals(Buffer.from(input))).toBe(true)
  return { parts, members }
}

function failure (fn: () => unknown): ArchiveManifestError {
  try { fn() } catch (err) { return err as ArchiveManifestError }
  throw new Error('expected an error')
}

/** What GNU tar lists for `input`. */
function gnuList (input: Uint8Array): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'tar-sem-'))
  try {
    writeFileSync(join(dir, 'a.tar'), input)
    return execFileSync('tar', ['-tf', join(dir, 'a.tar')], { encoding: 'latin1', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean)
  } finally { rmSync(dir, { recursive: true, force: true }) }
}

describe('which typeflags carry data (as GNU tar 1.34 reads them)', () => {
  // The data block is itself a valid header: if a reader skips no data, it lists INNER as a member.
  const inner = header({ name: 'INNER' })
  const cases: Array<[string, HeaderSpec, number, TarMember['type']]> = [
    ['hard link: size field ignored', { typeflag: '1', linkname: 't' }, 0, 'hardlink'],
    ['directory: size field ignored', { typeflag: '5' }, 0, 'directory'],
    ['symlink', { typeflag: '2', linkname: 't' }, 512, 'symlink'],
    ['char device', { typeflag: '3' }, 512, 'char-device'],
    ['block device', { typeflag: '4' }, 512, 'block-device'],
    ['fifo', { typeflag: '6' }, 512, 'fifo'],
    ['contiguous file', { typeflag: '7' }, 512, 'file'],
    ['v7 directory (regular typeflag, name ending in /)', { typeflag: '\0', name: 'v7dir/', magic: 'v7' }, 512, 'directory'],
    ['GNU dumpdir', { typeflag: 'D', magic: 'gnu' }, 512, 'directory'],
    ['volume label', { typeflag: 'V', magic: 'gnu' }, 512, 'volume-label'],
    ['multivolume continuation', { typeflag: 'M', magic: 'gnu' }, 512, 'other'],
    ['unknown typeflag', { typeflag: 'Z' }, 512, 'other']
  ]
  for (const [title, spec, dataSize, type] of cases) {
    it(title, () => {
      const input = tar(header({ name: 'x', ...spec, size: 512 }), inner, header({ name: 'after' }), END)
      const { members } = readAll(input)
      expect([members[0]!.type, members[0]!.dataSize]).toEqual([type, dataSize])
      expect(members.map(m => text(m.path))).toEqual(dataSize === 0 ? [text(members[0]!.path), 'INNER', 'after'] : [text(members[0]!.path), 'after'])
      expect(gnuList(input).filter(n => n === 'INNER').length).toBe(dataSize === 0 ? 1 : 0)
    })
  }

  it('a PAX size record gives a hard link data, but never a directory', () => {
    const hard = tar(pax([['size', '512']]), header({ typeflag: '1', linkname: 't' }), inner, header({ name: 'after' }), END)
    expect(readAll(hard).members.map(m => [text(m.path), m.dataSize])).toEqual([['file', 512], ['after', 0]])
    expect(gnuList(hard)).toEqual(['file', 'after'])
    const dir = tar(pax([['size', '512']]), header({ typeflag: '5', name: 'dir/' }), inner, header({ name: 'after' }), END)
    expect(readAll(dir).members.map(m => [text(m.path), m.dataSize])).toEqual([['dir/', 0], ['INNER', 0], ['after', 0]])
    expect(gnuList(dir)).toEqual(['dir/', 'INNER', 'after'])
  })

  it('reads device numbers', () => {
    const [m] = readAll(tar(header({ typeflag: '3', name: 'tty', devmajor: 4, devminor: 64 }), END)).members
    expect([m!.type, m!.devMajor, m!.devMinor]).toEqual(['char-device', 4, 64])
    const [p] = readAll(tar(pax([['SCHILY.devmajor', '3000000']]), header({ typeflag: '4', devmajor: 1, devminor: 2 }), END)).members
    expect([p!.type, p!.devMajor, p!.devMinor]).toEqual(['block-device', 3000000, 2])
  })
})

describe('extension records', () => {
  it('applies L, K and x records to the next header, in any order, with headerOffset at the first', () => {
    for (const order of [['L', 'x'], ['x', 'L']]) {
      const pieces = { L: longName('L', 'long/name'), x: pax([['uid', '12'], ['mtime', '-1.25']]) }
      const input = tar(header({ name: 'before' }), ...order.map(k => pieces[k as 'L' | 'x']), header({ name: 'short' }), END)
      const [, m] = readAll(input).members
      expect([m!.headerOffset, m!.dataOffset, text(m!.path), m!.uid, m!.mtime, m!.mtimeNanos, m!.flavor]).toEqual([512, 512 + 2048 + 512, 'long/name', 12, -2, 750000000, 'pax'])
    }
    const both = tar(longName('L', 'from-L'), pax([['path', 'from-pax'], ['linkpath', 'pax-target']]), longName('K', 'from-K'), header({ typeflag: '2', linkname: 'hdr' }), END)
    const [s] = readAll(both).members
    expect([text(s!.path), text(s!.linkTarget), s!.headerOffset]).toEqual(['from-pax', 'pax-target', 0])
    const k = readAll(tar(longName('K', 'k'.repeat(300)), header({ typeflag: '1', linkname: 'short' }), END)).members[0]!
    expect([text(k.linkTarget), k.flavor]).toEqual(['k'.repeat(300), 'ustar'])
  })

  it('merges several x headers (later records win) and reports only the last of each keyword', () => {
    const input = tar(pax([['uid', '1'], ['comment', 'a']]), pax([['uid', '2']]), header({}), END)
    const [m] = readAll(input).members
    expect([m!.uid, m!.pax?.map(([k, v]) => `${k}=${text(v)}`)]).toEqual([2, ['comment=a', 'uid=2']])
  })

  it('applies global records to all later members; an empty x value falls back to the header; an empty g value unsets', () => {
    const input = tar(
      pax([['uid', '77'], ['mtime', '5.25'], ['path', 'g-path']], 'g'),
      header({ name: 'one', uid: 1 }),
      pax([['uid', ''], ['path', '']]), header({ name: 'two', uid: 2 }),
      pax([['uid', '']], 'g'), header({ name: 'three', uid: 3 }),
      END)
    const ms = readAll(input).members
    expect(ms.map(m => [m.type, text(m.path), m.uid, m.mtime, m.mtimeNanos])).toEqual([
      ['pax-global', 'PaxHeader', 0, 0, undefined],
      ['file', 'g-path', 77, 5, 250000000],
      ['file', 'two', 2, 5, 250000000],
      ['pax-global', 'PaxHeader', 0, 0, undefined],
      ['file', 'g-path', 3, 5, 250000000]
    ])
    expect(ms[0]!.pax?.length).toBe(3)
    expect(ms[1]!.pax).toBeUndefined()
  })

  it('attributes x records before a g header to the g member, not to the next file', () => {
    const input = tar(pax([['uid', '5']]), pax([['comment', 'c']], 'g'), header({ uid: 9 }), END)
    const [g, f] = readAll(input).members
    expect([g!.type, g!.headerOffset, f!.uid, f!.headerOffset]).toEqual(['pax-global', 0, 9, 2048])
  })

  it('treats Solaris X like x, and ignores an orphan extension before the end blocks', () => {
    expect(readAll(tar(pax([['path', 'sol']], 'X'), header({}), END)).members.map(m => text(m.path))).toEqual(['sol'])
    const { parts, members } = readAll(tar(header({ name: 'a' }), pax([['path', 'lost']]), END))
    expect(members.length).toBe(1)
    expect(parts.find(p => p.kind === 'end')).toEqual({ kind: 'end', offset: 1536, endOfArchive: 'zero-blocks' })
  })

  it('strips trailing NULs of a long name and rejects a NUL inside it or inside a PAX path', () => {
    const trailing = longName('L', Buffer.from('name\0\0\0'))
    expect(text(readAll(tar(trailing, header({}), END)).members[0]!.path)).toBe('name')
    const inside = failure(() => readAll(tar(longName('L', Buffer.from('a\0b')), header({}), END)))
    expect([inside.code, inside.offset]).toEqual(['ERR_INVALID_PATH', 512])
    const paxNul = failure(() => readAll(tar(pax([['path', Buffer.from('a\0b')]]), header({}), END)))
    expect([paxNul.code, paxNul.offset]).toEqual(['ERR_INVALID_PATH', 512])
  })
})

describe('sizes beyond octal fields', () => {
  it('reads a base-256 size (16 GiB) and streams the member from the header alone', () => {
    const size = [0x80, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0] // 2^34
    const r = new TarReader()
    const parts = r.push(header({ name: 'huge', size, magic: 'gnu' }))
    expect(parts.map(p => p.kind)).toEqual(['raw', 'member'])
    const m = (parts[1] as { member: TarMember }).member
    expect([m.dataSize, m.size, m.dataOffset]).toEqual([2 ** 34, 2 ** 34, 512])
    expect(r.push(new Uint8Array(1000)).map(p => p.kind)).toEqual(['data'])
    const err = failure(() => r.end())
    expect([err.code, err.offset, err.entry, err.details.missing]).toEqual(['ERR_TRUNCATED_ARCHIVE', 1512, 'huge', 2 ** 34 - 1000])
  })

  it('lets a PAX size record override the header size field', () => {
    const r = new TarReader()
    const parts = r.push(tar(pax([['size', '9000000000']]), header({ size: 0 })))
    const m = parts.flatMap(p => p.kind === 'member' ? [p.member] : [])[0]!
    expect([m.dataSize, m.size, m.headerOffset, m.dataOffset]).toEqual([9_000_000_000, 9_000_000_000, 0, 1536])
  })

  it('reads a negative base-256 mtime', () => {
    const m = readAll(tar(header({ mtime: Array(12).fill(0xff), magic: 'gnu' }), END)).members[0]!
    expect(m.mtime).toBe(-1)
  })

  it('rejects sizes beyond Number.MAX_SAFE_INTEGER with HeaderFieldError', () => {
    const big = [0x80, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0]
    expect(failure(() => readAll(tar(header({}), header({ size: big, magic: 'gnu' }), END)))).toMatchObject({ code: 'ERR_HEADER_FIELD', offset: 512 })
    const nearMax = [0x80, 0, 0, 0, 0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff] // data would end past 2^53
    expect(failure(() => readAll(tar(header({ size: nearMax, magic: 'gnu' }), END))).code).toBe('ERR_HEADER_FIELD')
    expect(failure(() => readAll(tar(pax([['size', '99999999999999999']]), header({}), END)))).toMatchObject({ code: 'ERR_HEADER_FIELD', offset: 512 })
  })
})

describe('errors', () => {
  const archive = tar(header({ name: 'a', size: 5 }), padded('hello'), header({ name: 'b' }), END)

  it('truncated inside a header, data, padding, a PAX record, or after extension headers', () => {
    expect(failure(() => readAll(archive.subarray(0, 300)))).toMatchObject({ code: 'ERR_TRUNCATED_ARCHIVE', offset: 300, details: { headerOffset: 0 } })
    expect(failure(() => readAll(archive.subarray(0, 515)))).toMatchObject({ code: 'ERR_TRUNCATED_ARCHIVE', offset: 515, entry: 'a' })
    expect(failure(() => readAll(archive.subarray(0, 600)))).toMatchObject({ code: 'ERR_TRUNCATED_ARCHIVE', offset: 600, entry: 'a' })
    expect(failure(() => readAll(archive.subarray(0, 1100)))).toMatchObject({ code: 'ERR_TRUNCATED_ARCHIVE', offset: 1100, details: { headerOffset: 1024 } })
    const withPax = tar(pax([['path', 'p'.repeat(600)]]), header({}), END)
    expect(failure(() => readAll(withPax.subarray(0, 700)))).toMatchObject({ code: 'ERR_TRUNCATED_ARCHIVE', offset: 700, details: { headerOffset: 0 } })
    expect(failure(() => readAll(withPax.subarray(0, 1536)))).toMatchObject({ code: 'ERR_TRUNCATED_ARCHIVE', offset: 1536, details: { headerOffset: 0 } })
  })

  it('bad checksum, with the offset of the header', () => {
    const bad = Buffer.from(archive)
    bad[1024] = 0x63 // 'b' -> 'c' in the second header
    expect(failure(() => readAll(bad))).toMatchObject({ code: 'ERR_HEADER_CHECKSUM', offset: 1024 })
  })

  it('bad octal field, with the offset of the header and the field name', () => {
    const bad = Buffer.from(archive)
    bad.set(enc.encode('0000x44'), 1024 + 100)
    fixChecksum(bad, 1024)
    expect(failure(() => readAll(bad))).toMatchObject({ code: 'ERR_HEADER_FIELD', offset: 1024, details: { field: 'mode' } })
  })

  it('malformed PAX record, with the record offset', () => {
    const data = enc.encode('9 uid=42\n30 path=short\n')
    const input = tar(header({ typeflag: 'x', size: data.length }), padded(data), header({}), END)
    expect(failure(() => readAll(input))).toMatchObject({ code: 'ERR_PAX_RECORD', offset: 512 + 9 })
  })

  it('oversized PAX and long-name records fail as soon as their header is read', () => {
    for (const typeflag of ['x', 'g']) {
      const r = new TarReader()
      expect(failure(() => r.push(tar(header({}), header({ typeflag, size: 2 * 1024 * 1024 }))))).toMatchObject({
        code: 'ERR_LIMIT_EXCEEDED', offset: 512, details: { limit: 'maxPaxHeaderBytes', max: 1024 * 1024 }
      })
    }
    for (const typeflag of ['L', 'K']) {
      expect(failure(() => new TarReader().push(header({ typeflag, size: 100_000, magic: 'gnu' })))).toMatchObject({
        code: 'ERR_LIMIT_EXCEEDED', offset: 0, details: { limit: 'maxLongNameBytes' }
      })
    }
    const small = tar(pax([['path', 'x'.repeat(200)]]), header({}), END)
    expect(failure(() => readAll(small, { limits: { maxPaxHeaderBytes: 100 } }))).toMatchObject({ code: 'ERR_LIMIT_EXCEEDED', offset: 0 })
  })

  it('more members than maxEntries', () => {
    const three = tar(header({ name: 'a' }), header({ name: 'b' }), header({ name: 'c' }), END)
    expect(readAll(three, { limits: { maxEntries: 3 } }).members.length).toBe(3)
    expect(failure(() => readAll(three, { limits: { maxEntries: 2 } }))).toMatchObject({ code: 'ERR_LIMIT_EXCEEDED', offset: 1024, details: { limit: 'maxEntries' } })
  })

  it('compressed input at offset 0 is named, however short', () => {
    const gz = gzipSync(archive)
    expect(failure(() => readAll(gz))).toMatchObject({ code: 'ERR_UNSUPPORTED_FORMAT', offset: 0, details: { format: 'gzip' } })
    const long = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(2000, 1)])
    expect(failure(() => readAll(long)).details.format).toBe('zstd')
    expect(failure(() => readAll(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 0, 4]))).details.format).toBe('xz')
    expect(failure(() => readAll(Buffer.concat([enc.encode('BZh91AY&SY'), Buffer.alloc(600, 3)]))).details.format).toBe('bzip2')
    expect(failure(() => readAll(Buffer.concat([enc.encode('PK\x03\x04'), Buffer.alloc(600, 3)]))).details.format).toBe('zip')
    // Not at offset 0: just a bad checksum.
    expect(failure(() => readAll(tar(archive.subarray(0, 1024), padded(gz))))).toMatchObject({ code: 'ERR_HEADER_CHECKSUM', offset: 1024 })
  })

  it('is unusable after an error or after end()', () => {
    const r = new TarReader()
    const err = failure(() => r.push(Buffer.alloc(512, 1)))
    expect(failure(() => r.push(new Uint8Array(1)))).toBe(err)
    const done = new TarReader()
    done.end()
    expect(failure(() => done.push(new Uint8Array(1))).code).toBe('ERR_INVALID_ARGUMENT')
  })
})
