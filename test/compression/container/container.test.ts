import { describe, expect, it } from 'vitest'
import { crc32 as fflateCrc } from './fflate-crc.js'
import { detectCompression } from '../../../src/compression/container/detect.js'
import { crc32 } from '../../../src/compression/container/crc32.js'
import { encodeGzipHeader, parseGzipHeader, parseGzipTrailer, GZIP_FCOMMENT, GZIP_FEXTRA, GZIP_FHCRC, GZIP_FNAME } from '../../../src/compression/container/gzip.js'
import { encodeXzIndex, encodeXzStreamFooter, encodeXzStreamHeader, encodeXzVli, parseXzStreamFooter, parseXzStreamHeader, readXzVli, xzCheckSize } from '../../../src/compression/container/xz.js'
import { parseZstdFrameHeader, zstdFrameHeaderSize } from '../../../src/compression/container/zstd.js'
import { Xxh64 } from '../../../src/compression/container/xxh64.js'
import { run, sample } from '../decompress/helpers.js'

const enc = new TextEncoder()

describe('detectCompression', () => {
  const s = sample(5000, 3)
  it('recognises the real tools\' output by magic', () => {
    expect(detectCompression(run('gzip', ['-c'], s))).toBe('gzip')
    expect(detectCompression(run('bzip2', ['-c'], s))).toBe('bzip2')
    expect(detectCompression(run('bzip2', ['-c'], new Uint8Array(0)))).toBe('bzip2') // empty stream: end-of-stream magic
    expect(detectCompression(run('xz', ['-c'], s))).toBe('xz')
    expect(detectCompression(run('zstd', ['-q', '-c'], s))).toBe('zstd')
    expect(detectCompression(Uint8Array.of(0x5e, 0x2a, 0x4d, 0x18, 0, 0, 0, 0))).toBe('zstd') // skippable frame
  })
  it('refuses near misses and plain data', () => {
    expect(detectCompression(Uint8Array.of(0x1f, 0x8b, 0x07))).toBeUndefined()
    expect(detectCompression(enc.encode('BZh0'))).toBeUndefined()
    expect(detectCompression(enc.encode('BZh9 but no block magic'))).toBeUndefined()
    expect(detectCompression(Uint8Array.of(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x01))).toBeUndefined()
    expect(detectCompression(s)).toBeUndefined()
    expect(detectCompression(new Uint8Array(0))).toBeUndefined()
  })
})

describe('CRC-32 and XXH64', () => {
  it('crc32 matches fflate\'s on any split', () => {
    const d = sample(100_003, 9)
    expect(crc32(d)).toBe(fflateCrc(d))
    expect(crc32(d.subarray(37), crc32(d.subarray(0, 37)))).toBe(crc32(d))
    expect(crc32(enc.encode('123456789'))).toBe(0xcbf43926)
  })
  it('xxh64 known answers, streamed in odd pieces', () => {
    const hex = (d: [number, number]): string => d.map(x => x.toString(16).padStart(8, '0')).join('')
    expect(hex(new Xxh64().update(new Uint8Array(0)).digest())).toBe('ef46db3751d8e999')
    expect(hex(new Xxh64().update(enc.encode('a')).digest())).toBe('d24ec4f1a98c6e5b')
    expect(hex(new Xxh64().update(enc.encode('abc')).digest())).toBe('44bc2cf5ad770999')
    expect(hex(new Xxh64().update(enc.encode('Nobody inspects the spammish repetition')).digest())).toBe('fbcea83c8a378bf1')
    const d = sample(10_000, 4)
    const whole = new Xxh64().update(d).digest()
    const h = new Xxh64()
    for (let i = 0; i < d.length; i += 1 + (i % 61)) h.update(d.subarray(i, i + 1 + (i % 61)))
    expect(h.digest()).toEqual(whole)
  })
})

describe('gzip container', () => {
  it('parses and re-encodes every optional field exactly', () => {
    const h = { flags: GZIP_FEXTRA | GZIP_FNAME | GZIP_FCOMMENT | GZIP_FHCRC | 1, mtime: 0xfedcba98, xfl: 2, os: 11, extra: Uint8Array.of(1, 2, 3), name: enc.encode('x.tar'), comment: enc.encode('c') }
    const b = encodeGzipHeader(h)
    const p = parseGzipHeader(b)
    expect(p.complete).toBe(true)
    if (!p.complete) return
    expect(p.length).toBe(b.length)
    expect(p.header).toEqual({ ...h, hcrc: crc32(b.subarray(0, b.length - 2)) & 0xffff })
    expect(encodeGzipHeader(p.header)).toEqual(b)
    // Every proper prefix asks for more, never throws.
    for (let n = 0; n < b.length; n++) {
      const q = parseGzipHeader(b.subarray(0, n))
      expect(q.complete).toBe(false)
      if (!q.complete) expect(q.need).toBeGreaterThan(n)
    }
  })
  it('refuses bad magic, method, reserved flags, header CRC; bounds FNAME', () => {
    expect(() => parseGzipHeader(Uint8Array.of(0x1f, 0x8c))).toThrow(expect.objectContaining({ code: 'ERR_CORRUPT_COMPRESSED', offset: 1 }))
    expect(() => parseGzipHeader(Uint8Array.of(0x1f, 0x8b, 0x09), 100)).toThrow(expect.objectContaining({ code: 'ERR_CORRUPT_COMPRESSED', offset: 102 }))
    expect(() => parseGzipHeader(Uint8Array.of(0x1f, 0x8b, 8, 0x40, 0, 0, 0, 0, 0, 3))).toThrow(expect.objectContaining({ code: 'ERR_CORRUPT_COMPRESSED', offset: 3 }))
    const b = encodeGzipHeader({ flags: GZIP_FHCRC, mtime: 0, xfl: 0, os: 3 }); b[10]! ^= 1
    expect(() => parseGzipHeader(b)).toThrow(expect.objectContaining({ code: 'ERR_CORRUPT_COMPRESSED', offset: 10 }))
    const long = encodeGzipHeader({ flags: GZIP_FNAME, mtime: 0, xfl: 0, os: 3, name: new Uint8Array(100).fill(65) })
    expect(() => parseGzipHeader(long, 0, { maxFieldLength: 50 })).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_EXCEEDED' }))
    expect(() => parseGzipHeader(long.subarray(0, 80), 0, { maxFieldLength: 50 })).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_EXCEEDED' }))
    expect(parseGzipTrailer(Uint8Array.of(1, 0, 0, 0x80, 0xff, 0xff, 0xff, 0xff))).toEqual({ crc32: 0x80000001, isize: 0xffffffff })
  })
})

describe('xz container', () => {
  it('VLIs round-trip; encoders produce what xz writes', () => {
    for (const v of [0, 1, 127, 128, 300, 2 ** 31, 2 ** 40 + 5, Number.MAX_SAFE_INTEGER]) {
      const b = Uint8Array.from(encodeXzVli(v))
      expect(readXzVli(b, 0, 0)).toEqual([v, b.length])
    }
    expect(() => readXzVli(Uint8Array.of(0x80, 0x00), 0, 0)).toThrow(expect.objectContaining({ code: 'ERR_CORRUPT_COMPRESSED' }))
    const xz = run('xz', ['-c', '--check=crc32'], enc.encode('hello\n'))
    expect(encodeXzStreamHeader(0x0001)).toEqual(xz.subarray(0, 12))
    expect(parseXzStreamHeader(xz.subarray(0, 12), 0)).toEqual({ flags: 1, checkType: 1 })
    const footer = xz.subarray(xz.length - 12)
    const { backwardSize } = parseXzStreamFooter(footer, 0)
    expect(encodeXzStreamFooter(backwardSize, 1)).toEqual(footer)
    // One block: header 12, compressed 6 + 3 LZMA2 framing ... the index is the 12 bytes before the footer here.
    const index = xz.subarray(xz.length - 12 - backwardSize, xz.length - 12)
    expect(encodeXzIndex([{ unpaddedSize: index[2]!, uncompressedSize: 6 }])).toEqual(index)
    expect([0, 1, 4, 10].map(xzCheckSize)).toEqual([0, 4, 8, 32])
  })
})

describe('zstd container', () => {
  it('parses frame headers of the real tool', () => {
    const z = run('zstd', ['-q', '-c', '-19', '--no-check'], sample(300_000, 5))
    const h = parseZstdFrameHeader(z.subarray(0, zstdFrameHeaderSize(z[4]!)), 0)
    expect(h.checksumFlag).toBe(false)
    expect(h.dictionaryId).toBe(0)
    expect(h.windowSize).toBeGreaterThanOrEqual(1024)
  })
})
