/**
 * The GNU gzip deflate encoder must reproduce `gzip -n -<level>` (GNU gzip 1.12) byte for byte.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { inflateRawSync } from 'node:zlib'
import fc from 'fast-check'
import { alphabetBytes, fibonacci, prng, randomBytes, runs, text, words } from '../../helpers/corpus.js'
import { afterAll, describe, expect, it } from 'vitest'
import { GnuGzipDeflater, gnuGzipDeflate, gnuGzipDeflateSync } from '../../../src/compression/deflate/gnu-gzip.js'
import { cleanupOracle, firstDifference, gzipRawDeflate, gzipRawDeflateFile, gzipVersion } from './gnu-gzip-oracle.js'

const root = join(import.meta.dirname, '../../..')
const LEVELS = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const

afterAll(cleanupOracle)

function concat (...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

/** Byte value k*mul with probability ~p^k: very skewed literal counts. */
function geometric (n: number, p: number, seed: number, mul: number): Uint8Array {
  const r = prng(seed)
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    let k = 0
    while (r() < p && k < 60) k++
    out[i] = (k * mul) & 255
  }
  return out
}

/** Random data with 3-byte repeats planted near and far (gzip's TOO_FAR rule for length-3 matches). */
function farTriples (n: number, seed: number): Uint8Array {
  const r = prng(seed)
  const out = randomBytes(n, seed + 1)
  for (let i = 9000; i < n - 3; i += 7 + Math.floor(r() * 50)) {
    const d = r() < 0.5 ? 4000 + Math.floor(r() * 200) : 4090 + Math.floor(r() * 20000)
    out[i] = out[i - d]!; out[i + 1] = out[i + 1 - d]!; out[i + 2] = out[i + 2 - d]!
  }
  return out
}

const corpus: Array<[string, Uint8Array]> = [
  ['empty', new Uint8Array(0)],
  ['1 byte', text('x')],
  ['2 bytes', text('xy')],
  ['short text', text('Hello, hello, hello world! The quick brown fox jumps over the lazy dog.\n')],
  ['150 KB of one byte', new Uint8Array(150_000).fill(97)],
  ['runs of 4 values', runs(150_000, 1)],
  ['period 3 and period 300', concat(text('abc'.repeat(30_000)), (() => { const p = randomBytes(300, 5); const o = new Uint8Array(90_000); for (let i = 0; i < o.length; i++) o[i] = p[i % 300]!; return o })())],
  ['200 KB random (stored blocks)', randomBytes(200_000, 2)],
  ['literal-heavy text over the 0x8000 symbol buffer', alphabetBytes(150_000, 26, 3)],
  ['small alphabet, 2 letters', alphabetBytes(70_000, 2, 4)],
  ['word text 200 KB', words(200_000, 6)],
  ['binary + text + zeros + random', concat(randomBytes(40_000, 7), words(60_000, 8), new Uint8Array(10_000), alphabetBytes(50_000, 5, 9, 0), randomBytes(30_000, 10), words(20_000, 8))],
  ['Fibonacci symbol frequencies (bit-length tree overflow at -6/-9)', fibonacci(120_000, 11)],
  // Measured with an instrumented build: gen_bitlen's overflow repair runs for the literal tree at -3 here
  // (hello-2.10.tar below also hits it at -5 and -9, and the bit-length tree overflow at -1 and -2).
  ['geometric literal counts (literal tree overflow at -3)', geometric(100_000, 0.55, 7, 3)],
  ['far length-3 matches', farTriples(120_000, 12)]
]
// Lengths around the 32 KiB window, the 64 KiB read/slide point and the 0x8000 literal buffer.
for (const n of [258, 261, 262, 263, 32_767, 32_768, 32_769, 65_273, 65_274, 65_275, 65_535, 65_536, 65_537, 98_304, 131_073]) {
  corpus.push([`${n} bytes mixed`, concat(alphabetBytes(Math.floor(n / 2), 6, n), randomBytes(n - Math.floor(n / 2), n + 1))])
}

function expectSameAsGzip (data: Uint8Array, level: number, label: string): void {
  const want = gzipRawDeflate(data, level)
  const got = gnuGzipDeflateSync(data, level)
  const at = firstDifference(want, got)
  expect(at, `${label} -${level}: first difference at byte ${at} (gzip ${want.length} B, ours ${got.length} B)`).toBe(-1)
}

describe('gnuGzipDeflateSync reproduces GNU gzip 1.12', () => {
  it('uses the GNU gzip 1.12 binary as the oracle', () => {
    expect(gzipVersion()).toBe('gzip 1.12')
  })

  for (const [name, data] of corpus) {
    it(`${name} (${data.length} B), levels 1-9`, () => {
      for (const level of LEVELS) expectSameAsGzip(data, level, name)
      // And the stream is valid deflate.
      expect(new Uint8Array(inflateRawSync(gnuGzipDeflateSync(data, 9)))).toEqual(data)
    })
  }

  for (const name of ['hello-2.10.tar', 'is-number-7.0.0.tar', 'tar-stream-3.1.7.tar']) {
    it(`real tar ${name}, levels 1-9`, () => {
      const file = join(root, 'test/fixtures/real', name)
      const data = new Uint8Array(readFileSync(file))
      for (const level of LEVELS) {
        const want = gzipRawDeflateFile(file, level)
        const got = gnuGzipDeflateSync(data, level)
        const at = firstDifference(want, got)
        expect(at, `${name} -${level}: first difference at byte ${at}`).toBe(-1)
      }
    })
  }

  it('property: small-alphabet inputs at random levels', () => {
    fc.assert(fc.property(
      fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 9 }),
      (raw, k, level) => {
        const data = raw.map((b) => 65 + (b % k))
        const want = gzipRawDeflate(data, level)
        const got = gnuGzipDeflateSync(data, level)
        return firstDifference(want, got) === -1
      }), { numRuns: 60 })
  })

  it('property: larger structured inputs (runs, copies, noise) at random levels', () => {
    const segment = fc.oneof(
      fc.record({ kind: fc.constant('run' as const), byte: fc.integer({ min: 0, max: 3 }), len: fc.integer({ min: 1, max: 1500 }) }),
      fc.record({ kind: fc.constant('copy' as const), dist: fc.integer({ min: 1, max: 40_000 }), len: fc.integer({ min: 3, max: 600 }) }),
      fc.record({ kind: fc.constant('noise' as const), k: fc.integer({ min: 2, max: 256 }), len: fc.integer({ min: 1, max: 20_000 }), seed: fc.integer() })
    )
    fc.assert(fc.property(fc.array(segment, { maxLength: 40 }), fc.integer({ min: 1, max: 9 }), (segments, level) => {
      const out: number[] = []
      for (const s of segments) {
        if (s.kind === 'run') for (let i = 0; i < s.len; i++) out.push(s.byte)
        else if (s.kind === 'copy') { if (out.length > 0) { const d = Math.min(s.dist, out.length); for (let i = 0; i < s.len; i++) out.push(out[out.length - d]!) } } else { const r = prng(s.seed); for (let i = 0; i < s.len; i++) out.push(Math.floor(r() * s.k)) }
      }
      const data = Uint8Array.from(out)
      return firstDifference(gzipRawDeflate(data, level), gnuGzipDeflateSync(data, level)) === -1
    }), { numRuns: 40 })
  })
})

describe('gnuGzipDeflateSync with rsyncable reproduces gzip --rsyncable', () => {
  const rsyncable = (data: Uint8Array, level: number, label: string): void => {
    const want = gzipRawDeflate(data, level, ['--rsyncable'])
    const got = gnuGzipDeflateSync(data, level, { rsyncable: true })
    const at = firstDifference(want, got)
    expect(at, `${label} -${level} --rsyncable: first difference at byte ${at} (gzip ${want.length} B, ours ${got.length} B)`).toBe(-1)
  }

  for (const [name, data] of corpus.filter(([, d]) => d.length > 20_000)) {
    it(`${name} (${data.length} B), levels 1-9`, () => {
      for (const level of LEVELS) rsyncable(data, level, name)
      expect(new Uint8Array(inflateRawSync(gnuGzipDeflateSync(data, 9, { rsyncable: true })))).toEqual(data)
    })
  }

  it('real tar hello-2.10.tar, levels 1-9: blocks end where the content says, so its padded empty stored blocks are there', () => {
    const data = new Uint8Array(readFileSync(join(root, 'test/fixtures/real/hello-2.10.tar')))
    for (const level of LEVELS) rsyncable(data, level, 'hello-2.10.tar')
    // The rsync block ends are many (a sum over 4 KiB that is a multiple of 4096: about one in 4096 positions),
    // each padded with an empty stored block (00 00 ff ff) when it ends inside a byte.
    const plain = gnuGzipDeflateSync(data, 9)
    const synced = gnuGzipDeflateSync(data, 9, { rsyncable: true })
    const markers = (b: Uint8Array): number => { let n = 0; for (let i = 3; i < b.length; i++) if (b[i - 3] === 0 && b[i - 2] === 0 && b[i - 1] === 0xff && b[i] === 0xff) n++; return n }
    expect(markers(synced)).toBeGreaterThan(markers(plain) + 100)
  })

  it('property: structured inputs at random levels', () => {
    fc.assert(fc.property(fc.array(fc.oneof(
      fc.record({ k: fc.integer({ min: 2, max: 256 }), len: fc.integer({ min: 1, max: 30_000 }), seed: fc.integer() }),
      fc.record({ run: fc.integer({ min: 0, max: 255 }), len: fc.integer({ min: 1, max: 10_000 }) })
    ), { maxLength: 12 }), fc.integer({ min: 1, max: 9 }), (parts, level) => {
      const out: number[] = []
      for (const p of parts) {
        if ('run' in p) for (let i = 0; i < p.len; i++) out.push(p.run)
        else { const r = prng(p.seed); for (let i = 0; i < p.len; i++) out.push(Math.floor(r() * p.k)) }
      }
      const data = Uint8Array.from(out)
      return firstDifference(gzipRawDeflate(data, level, ['--rsyncable']), gnuGzipDeflateSync(data, level, { rsyncable: true })) === -1
    }), { numRuns: 30, seed: 4096 })
  })
})

async function collect (it: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const parts: Uint8Array[] = []
  for await (const p of it) parts.push(p)
  return parts
}

describe('gnuGzipDeflate (streaming)', () => {
  const data = concat(words(200_000, 21), randomBytes(70_000, 22), runs(100_000, 23))

  it('gives the same bytes for any chunking of the input, and streams its output', async () => {
    for (const level of [1, 6, 9]) {
      const want = gnuGzipDeflateSync(data, level)
      expect(firstDifference(want, gzipRawDeflate(data, level))).toBe(-1)
      const r = prng(level)
      async function * chunks (): AsyncIterable<Uint8Array> {
        let at = 0
        while (at < data.length) {
          const n = Math.min(data.length - at, r() < 0.3 ? 1 + Math.floor(r() * 10) : Math.floor(r() * 100_000))
          yield data.subarray(at, at + n)
          at += n
        }
      }
      const parts = await collect(gnuGzipDeflate(chunks(), level))
      expect(parts.length).toBeGreaterThan(1)
      expect(firstDifference(concat(...parts), want)).toBe(-1)
      expect(firstDifference(concat(...await collect(gnuGzipDeflate(data, level))), want)).toBe(-1)
    }
  })

  it('copes with a producer that reuses its buffer, a plain Uint8Array or a Node Buffer (whose slice() is a view)', async () => {
    const want = gnuGzipDeflateSync(data, 6)
    for (const buf of [new Uint8Array(10_000), Buffer.alloc(10_000)]) {
      expect(firstDifference(concat(...await collect(gnuGzipDeflate(reused(buf), 6))), want), buf.constructor.name).toBe(-1)
    }
    async function * reused (buf: Uint8Array): AsyncIterable<Uint8Array> {
      for (let at = 0; at < data.length; at += buf.length) {
        const n = Math.min(buf.length, data.length - at)
        buf.set(data.subarray(at, at + n))
        yield buf.subarray(0, n)
        buf.fill(0xee)
      }
    }
  })

  it('handles empty input and rejects bad levels', async () => {
    async function * none (): AsyncIterable<Uint8Array> {}
    expect(concat(...await collect(gnuGzipDeflate(none(), 9)))).toEqual(gzipRawDeflate(new Uint8Array(0), 9))
    expect(() => new GnuGzipDeflater(0)).toThrow(RangeError)
    expect(() => gnuGzipDeflateSync(new Uint8Array(1), 10)).toThrow(RangeError)
    expect(() => gnuGzipDeflateSync(new Uint8Array(1), 1.5)).toThrow(RangeError)
  })
})
