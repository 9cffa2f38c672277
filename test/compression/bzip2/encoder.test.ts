/**
 * The bzip2 encoder must produce exactly what bzip2 1.0.8 (`bzip2 -<level> -c`) produces.
 */
import { beforeAll, describe, it, expect } from 'vitest'
import { readFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { bzip2Compress, bzip2CompressSync, loadLibbz2 } from '../../../src/compression/bzip2/index.js'
import { InvalidArgumentError } from '../../../src/errors.js'
import { expectSameBytes, noRuns, referenceCompress, referenceUsedFallbackAfterMainSort, repeat, smallAlphabet } from './reference.js'

const LEVELS = [1, 2, 3, 4, 5, 6, 7, 8, 9]
const text = new TextEncoder().encode(
  'It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness,\n'.repeat(40) +
  'bzip2 compresses files using the Burrows-Wheeler block sorting text compression algorithm, and Huffman coding.\n'.repeat(25) +
  'The End.\n')

const small: Array<[string, Uint8Array]> = [
  ['empty', new Uint8Array(0)],
  ['1 byte', new Uint8Array([0x41])],
  ...[3, 4, 5, 255, 256, 259, 260, 1000].map((n): [string, Uint8Array] => [`run of ${n}`, new Uint8Array(n).fill(0x78)]),
  ['run of 1000 zero bytes', new Uint8Array(1000)],
  ['text', text],
  ['random 20000', new Uint8Array(randomBytes(20000))],
  ['all byte values', Uint8Array.from({ length: 256 }, (_, i) => i)]
]


// The encoder under test is synchronous: libbz2 is loaded first.
beforeAll(loadLibbz2)
describe('bzip2CompressSync matches bzip2 1.0.8 byte for byte', () => {
  for (const level of LEVELS) {
    it(`small inputs at -${level}`, () => {
      for (const [name, data] of small) expectSameBytes(bzip2CompressSync(data, level), referenceCompress(data, level), `${name} -${level}`)
    })
  }

  it('block boundaries at -1 (block limit 99981 RLE1 bytes)', () => {
    const cases: Array<[string, Uint8Array]> = [
      ['exactly one block', noRuns(99981, 1)],
      ['one block + 1 byte', noRuns(99982, 2)],
      ['100000 bytes', noRuns(100000, 3)],
      ['one block - 1 byte', noRuns(99980, 4)]
    ]
    // A run pending when the block fills goes into the next block; a run may also overshoot the limit.
    const straddle = new Uint8Array(99979 + 300)
    straddle.set(noRuns(99979, 5))
    straddle.fill(0x61, 99979)
    cases.push(['run straddling the block limit', straddle])
    const overshoot = new Uint8Array(99980 + 200)
    overshoot.set(noRuns(99980, 6))
    overshoot.fill(0x62, 99980)
    cases.push(['run ending the input right at the limit', overshoot])
    cases.push(['three blocks of text', repeat(noRuns(1000, 7), 250)])
    for (const [name, data] of cases) expectSameBytes(bzip2CompressSync(data, 1), referenceCompress(data, 1), name)
  })

  it('random data over several blocks at -2', () => {
    const data = new Uint8Array(randomBytes(450000))
    expectSameBytes(bzip2CompressSync(data, 2), referenceCompress(data, 2), 'random 450000 -2')
  })

  describe('periodic blocks (identical rotations: origPtr follows bzip2\'s own sort order)', () => {
    it('short periods under 10000 bytes (fallback sort)', () => {
      let seed = 1
      for (const [p, k, alpha] of [[2, 7, 2], [3, 11, 2], [7, 12, 3], [8, 9, 3], [5, 3, 2], [1, 3, 1], [6, 40, 2], [300, 20, 4]] as const) {
        const data = repeat(smallAlphabet(p, alpha, seed++), k)
        for (const level of [1, 9]) expectSameBytes(bzip2CompressSync(data, level), referenceCompress(data, level), `period ${p} x ${k} -${level}`)
      }
    })
    it('long periodic blocks where bzip2 completes its main sort', () => {
      for (const [p, k, alpha] of [[3000, 4, 26], [4000, 3, 200], [20000, 2, 8], [100000, 2, 8], [10000, 2, 200]] as const) {
        const data = repeat(smallAlphabet(p, alpha, p), k)
        expect(referenceUsedFallbackAfterMainSort(data, 9)).toBe(false)
        expectSameBytes(bzip2CompressSync(data, 9), referenceCompress(data, 9), `period ${p} x ${k}`)
      }
    })
    it('long periodic blocks where bzip2 abandons the main sort for the fallback sort', () => {
      for (const [p, k] of [[5, 4000], [500, 30], [5000, 10]] as const) {
        const data = repeat(smallAlphabet(p, 8, p), k)
        expect(referenceUsedFallbackAfterMainSort(data, 9)).toBe(true)
        expectSameBytes(bzip2CompressSync(data, 9), referenceCompress(data, 9), `period ${p} x ${k}`)
      }
    })
    it('a long run of zero bytes (RLE1 makes every block periodic) at -1', () => {
      const data = new Uint8Array(700000)
      expectSameBytes(bzip2CompressSync(data, 1), referenceCompress(data, 1), 'zeros')
    })
  })

  it('rejects bad levels', () => {
    expect(() => bzip2CompressSync(new Uint8Array(1), 0)).toThrow(InvalidArgumentError)
    expect(() => bzip2CompressSync(new Uint8Array(1), 10)).toThrow(InvalidArgumentError)
  })
})

describe('real tar (hello-2.10.tar, 3.3 MB)', () => {
  const tar = new Uint8Array(readFileSync(new URL('../../fixtures/real/hello-2.10.tar', import.meta.url)))
  for (const level of [9, 1]) {
    it(`-${level}`, () => {
      expectSameBytes(bzip2CompressSync(tar, level), referenceCompress(tar, level), `hello-2.10.tar -${level}`)
    })
  }
  it('streaming API with uneven chunks gives the same bytes as -9', async () => {
    async function * chunks (): AsyncIterable<Uint8Array> {
      let i = 0
      let size = 1
      while (i < tar.length) {
        yield tar.subarray(i, Math.min(i + size, tar.length))
        i += size
        size = (size * 7 + 3) % 200003
      }
    }
    const parts: Uint8Array[] = []
    let maxPart = 0
    for await (const p of bzip2Compress(chunks(), 9)) { parts.push(p); maxPart = Math.max(maxPart, p.length) }
    const out = Buffer.concat(parts)
    expectSameBytes(out, referenceCompress(tar, 9), 'streamed')
    expect(parts.length).toBeGreaterThan(1) // output is produced block by block, not at the end
  })
})
