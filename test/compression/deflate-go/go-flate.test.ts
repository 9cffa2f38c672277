/**
 * The Go compress/flate encoder must reproduce Go 1.19's compress/flate (Debian bookworm golang-go) byte for
 * byte, as written the io.Copy way (32 KiB Writes from a regular file), for levels 1-9 and -1 (also 0 and -2).
 * The oracle is a small Go program built here from oracle.go with the installed toolchain (no network).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { crc32, inflateRawSync } from 'node:zlib'
import fc from 'fast-check'
import { alphabetBytes, prng, randomBytes, text } from '../../helpers/corpus.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GoFlateDeflater, goFlateDeflateSync } from '../../../src/compression/deflate/go/go-flate.js'
import {
  buildOracle, cleanupOracle, firstDifference, goCopyFile, goFlate, goFlateBatch, goVersion, type GoCase
} from './go-oracle.js'

const root = join(import.meta.dirname, '../../..')
const TAR = join(root, 'test/fixtures/real/hello-2.10.tar')
const LEVELS = [1, 2, 3, 4, 5, 6, 7, 8, 9, -1] as const
const ALL_LEVELS = [-2, 0, ...LEVELS] as const

beforeAll(() => {
  buildOracle()
})
afterAll(cleanupOracle)

/** Text-like data: words from a small vocabulary, with occasional long copies from far back. */
function words (n: number, seed: number): Uint8Array {
  const r = prng(seed)
  const vocab = ['the', 'deflate', 'window', 'go', 'flate', 'block', 'token', 'hash', 'chain', 'lazy', 'match',
    'literal', 'huffman', 'stored', 'io.Copy', '\n', 'tarball', 'release', 'func', '{', '}', 'return', 'err']
  const out = new Uint8Array(n)
  let i = 0
  while (i < n) {
    if (i > 40000 && r() < 0.01) {
      const from = Math.floor(r() * (i - 300))
      const len = 20 + Math.floor(r() * 280)
      for (let j = 0; j < len && i < n; j++) out[i++] = out[from + j]!
      continue
    }
    const w = text(vocab[Math.floor(r() * vocab.length)]! + (r() < 0.8 ? ' ' : ''))
    for (let j = 0; j < w.length && i < n; j++) out[i++] = w[j]!
  }
  return out
}

/**
 * A de Bruijn sequence B(16, 4) over 16 scattered byte values (no 4-byte string repeats, so no matches), with
 * one 50-byte copy placed at 65273 from 32600. With 32 KiB Writes Go finds it; with a first Write of 65535
 * bytes Go's window slide happens one position earlier and the copy's source has left the window.
 */
function writeSizeEdge (): Uint8Array {
  const k = 16
  const n = 4
  const a = new Array<number>(k * n).fill(0)
  const seq: number[] = []
  const db = (t: number, p: number): void => {
    if (t > n) {
      if (n % p === 0) for (let j = 1; j <= p; j++) seq.push(a[j]!)
    } else {
      a[t] = a[t - p]!
      db(t + 1, p)
      for (let j = a[t - p]! + 1; j < k; j++) {
        a[t] = j
        db(t + 1, t)
      }
    }
  }
  db(1, 1)
  const map = [0x13, 0x9c, 0x27, 0xe1, 0x45, 0x6a, 0xb8, 0x02, 0xf3, 0x5d, 0x88, 0x31, 0xc7, 0x7e, 0xa4, 0x19]
  const d = new Uint8Array(72000)
  for (let i = 0; i < d.length; i++) d[i] = map[seq[i % seq.length]!]!
  d.copyWithin(65273, 32600, 32650)
  return d
}

const CORPUS: Array<[string, Uint8Array]> = [
  ['empty', new Uint8Array(0)],
  ['1 byte', Uint8Array.of(0x41)],
  ['16 bytes', text('0123456789abcdef')],
  ['17 bytes', text('0123456789abcdefg')],
  ['127 bytes', alphabetBytes(127, 5, 1)],
  ['128 bytes', alphabetBytes(128, 5, 2)],
  ['short binary: fixed block with 9-bit literals', Uint8Array.from([...new Array<number>(27).fill(32), ...randomBytes(160, 13)])],
  ['all 256 byte values', Uint8Array.from({ length: 256 }, (_, i) => i)],
  ['text', text('Go release tarballs are written by compress/gzip. '.repeat(40) + 'The quick brown fox jumps over the lazy dog.\n')],
  ['repetitive (zeros 300 KB)', new Uint8Array(300_000)],
  ['repetitive (period 7, 150 KB)', Uint8Array.from({ length: 150_000 }, (_, i) => 'abcdefg'.charCodeAt(i % 7))],
  ['random 200 KB (stored blocks)', randomBytes(200_000, 3)],
  ['random 65535 + 1', randomBytes(65_536, 4)],
  ['small alphabet 180 KB (crosses window slides, many 16384-token blocks)', alphabetBytes(180_000, 4, 5)],
  ['words with far copies 250 KB', words(250_000, 6)],
  ['mixed: text, random, zeros, text', Uint8Array.from([...words(70_000, 7), ...randomBytes(70_000, 8), ...new Uint8Array(40_000), ...words(50_000, 9)])],
  ['exactly 65535 + 65535', alphabetBytes(131_070, 12, 10)],
  ['write-size edge (de Bruijn + copy at 65273)', writeSizeEdge()]
]

describe('Go compress/flate oracle', () => {
  it('is Go 1.19 (Debian bookworm golang-go)', () => {
    expect(goVersion()).toMatch(/^go1\.19(\.|$)/)
  })
})

describe('GoFlateDeflater matches Go compress/flate byte for byte (32 KiB Writes, as io.Copy)', () => {
  it('corpus, levels -2, 0, 1-9 and -1', () => {
    const cases: GoCase[] = []
    for (const [, data] of CORPUS) for (const level of ALL_LEVELS) cases.push({ data, level, writeSize: 32768 })
    const want = goFlateBatch(cases)
    const failures: string[] = []
    cases.forEach((c, i) => {
      const got = goFlateDeflateSync(c.data, c.level)
      const d = firstDifference(want[i]!, got)
      if (d !== -1) failures.push(`${CORPUS[Math.floor(i / ALL_LEVELS.length)]![0]} level ${c.level}: first difference at byte ${d} (go ${want[i]!.length}, ours ${got.length})`)
    })
    expect(failures).toEqual([])
    // And the streams are valid deflate for the input.
    expect(Buffer.compare(inflateRawSync(goFlateDeflateSync(CORPUS[12]![1], 6)), Buffer.from(CORPUS[12]![1]))).toBe(0)
  })

  it('real tar (hello-2.10.tar) as `flate.NewWriter; io.Copy(fw, file); Close`, levels 1-9 and -1', () => {
    const data = new Uint8Array(readFileSync(TAR))
    for (const level of LEVELS) {
      const want = goCopyFile(TAR, level, 'copy')
      const got = goFlateDeflateSync(data, level)
      expect(firstDifference(want, got), `level ${level}`).toBe(-1)
    }
  })

  it('real tar through compress/gzip: header (MTIME 0, XFL 0 / 2 at 9 / 4 at 1, OS 255) + our deflate + CRC32 + ISIZE', () => {
    const data = new Uint8Array(readFileSync(TAR))
    for (const level of [-1, 1, 9]) {
      const want = goCopyFile(TAR, level, 'gzip')
      const xfl = level === 9 ? 2 : level === 1 ? 4 : 0
      const trailer = Buffer.alloc(8)
      trailer.writeUInt32LE(crc32(data) >>> 0, 0)
      trailer.writeUInt32LE(data.length >>> 0, 4)
      const got = Buffer.concat([Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 255), goFlateDeflateSync(data, level), trailer])
      expect(firstDifference(want, got), `level ${level}`).toBe(-1)
    }
  })

  it('output does not depend on how the caller chunks its writes (re-chunked into 32 KiB Writes)', () => {
    const data = words(200_000, 11)
    const r = prng(12)
    for (const level of [1, 4, 9]) {
      const d = new GoFlateDeflater(level)
      const parts: Uint8Array[] = []
      for (let at = 0; at < data.length;) {
        const n = Math.min(data.length - at, 1 + Math.floor(r() * 50_000))
        parts.push(...d.write(data.subarray(at, at + n)))
        at += n
      }
      parts.push(...d.end())
      const got = Buffer.concat(parts)
      expect(firstDifference(goFlate(data, level), got), `level ${level}`).toBe(-1)
    }
  })

  it('Go output depends on Write sizes only at a window-slide edge; other Write sizes are modelled too', () => {
    const edge = writeSizeEdge()
    const tar = new Uint8Array(readFileSync(TAR)).subarray(0, 400_000)
    const cases: GoCase[] = []
    for (const level of [2, 6, 9]) {
      for (const writeSize of [32768, 65535, 0, 1000]) {
        cases.push({ data: edge, level, writeSize }, { data: tar, level, writeSize })
      }
    }
    const want = goFlateBatch(cases)
    cases.forEach((c, i) => {
      const got = goFlateDeflateSync(c.data, c.level, { writeSize: c.writeSize })
      expect(firstDifference(want[i]!, got), `level ${c.level} writeSize ${c.writeSize}`).toBe(-1)
    })
    // Go itself: the edge case differs between 32 KiB Writes and a first Write of 65535 bytes ...
    expect(firstDifference(want[0]!, want[2]!)).not.toBe(-1)
    // ... but one single Write and 32 KiB Writes agree, and the tar is the same for every Write size.
    expect(firstDifference(want[0]!, want[4]!)).toBe(-1)
    for (let i = 3; i < 8; i += 2) expect(firstDifference(want[1]!, want[i]!)).toBe(-1)
  })

  it('property: small-alphabet and short binary inputs, random levels, lengths up to 140 KB', () => {
    const input = fc.oneof(
      fc.record({ bytes: fc.uint8Array({ maxLength: 400 }), level: fc.constantFrom(...ALL_LEVELS) }),
      fc.record({
        bytes: fc.uint8Array({ maxLength: 3000 }).map(b => b.map(x => 97 + (x & 3))),
        level: fc.constantFrom(...ALL_LEVELS)
      }),
      fc.record({
        seed: fc.integer({ min: 1, max: 1 << 30 }),
        length: fc.integer({ min: 0, max: 140_000 }),
        alphabet: fc.integer({ min: 1, max: 12 }),
        level: fc.constantFrom(...ALL_LEVELS)
      }).map(({ seed, length, alphabet, level }) => ({ bytes: alphabetBytes(length, alphabet, seed), level }))
    )
    fc.assert(fc.property(input, ({ bytes, level }) => {
      const want = goFlate(bytes, level)
      const got = goFlateDeflateSync(bytes, level)
      return firstDifference(want, got) === -1
    }), { numRuns: 150, seed: 20240601 })
  })

  it('rejects invalid levels like Go', () => {
    expect(() => new GoFlateDeflater(10)).toThrow(RangeError)
    expect(() => new GoFlateDeflater(-3)).toThrow(RangeError)
  })
})

