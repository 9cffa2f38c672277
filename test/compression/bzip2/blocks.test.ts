/**
 * bzip2 encoded block by block (bzip2/blocks.ts, recipe/blocks.ts): pieces cut where libbz2 closes a block,
 * each compressed alone, their blocks' bits spliced, give bzip2's exact stream. Checked against the bzip2
 * binary on the edges of the cut (empty input, one byte, the block limit exactly and one past it, runs
 * across the boundary, a 255-run, a block that fills on the last byte) and on a multi-block text, and
 * against our sequential encoder by a property test.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { bzip2BlockLimit, Bzip2BlockCutter } from '../../../src/compression/bzip2/blocks.js'
import { bzip2CompressSync, loadLibbz2 } from '../../../src/compression/bzip2/index.js'
import { blockLayoutOf } from '../../../src/compression/recipe/blocks.js'
import { InvalidManifestError } from '../../../src/errors.js'
import { inBlocks } from '../recipe/blocks-helpers.js'
import { expectSameBytes, lcg, referenceCompress } from './reference.js'

beforeAll(loadLibbz2)

function random (n: number, seed: number): Uint8Array {
  const next = lcg(seed)
  return Uint8Array.from({ length: n }, () => Math.floor(next() * 256))
}

const LIMIT1 = bzip2BlockLimit(1) // 99981

async function expectBzip2 (input: Uint8Array, level: number, label: string, chunk?: number): Promise<number[]> {
  const { bytes, pieces } = await inBlocks({ encoder: 'bzip2', params: { level } }, input, chunk)
  expectSameBytes(bytes, referenceCompress(input, level), label)
  return pieces
}

describe('bzip2 block by block', () => {
  it('the block limit is libbz2\'s nblockMAX', () => {
    expect([1, 9].map(bzip2BlockLimit)).toEqual([99981, 899981])
  })

  it('a recipe out of range is an invalid manifest, as for the encoder in one piece', () => {
    expect(() => blockLayoutOf({ encoder: 'bzip2', params: { level: 12 } })).toThrow(InvalidManifestError)
  })

  it('equals bzip2 on the edges of a block', async () => {
    expect(await expectBzip2(new Uint8Array(0), 9, 'empty')).toEqual([])
    expect(await expectBzip2(Uint8Array.of(42), 9, 'one byte')).toEqual([1])
    // Distinct neighbours: every byte but the last (a pending run of one) is in the block. The block is
    // full once LIMIT1 bytes are in it, on the next byte, which is pending and so opens the next block.
    const distinct = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i & 1 ? 0x61 : 0x62)
    expect(await expectBzip2(distinct(LIMIT1), 1, 'the limit')).toEqual([LIMIT1])
    expect(await expectBzip2(distinct(LIMIT1 + 1), 1, 'one past the limit')).toEqual([LIMIT1, 1])
    expect(await expectBzip2(distinct(LIMIT1 + 2), 1, 'two past the limit')).toEqual([LIMIT1, 2])
    // A run of 256: its first 255 bytes are added (5 bytes) when the 256th arrives, which fills the block on
    // the input's very last byte: that byte, pending, is a block of its own.
    const run = new Uint8Array(LIMIT1 - 1 + 256)
    run.set(distinct(LIMIT1 - 1))
    run.fill(0x63, LIMIT1 - 1)
    expect(await expectBzip2(run, 1, 'a block filled by the last byte')).toEqual([LIMIT1 - 1 + 255, 1])
    // Runs straddling the cut, in odd chunks (a cut before the chunk being pushed).
    const straddle = random(400_000, 7)
    for (let at = LIMIT1 - 40; at < 400_000; at += LIMIT1 - 300) straddle.fill(at & 0xff, at, at + 700)
    expect((await expectBzip2(straddle, 1, 'runs across cuts', 97)).length).toBeGreaterThan(3)
    // Long runs: 5 bytes per 255 input bytes, so a piece holds millions of input bytes.
    expect((await expectBzip2(new Uint8Array(6_000_000).fill(7), 1, 'zeros')).length).toBe(2)
  }, 120_000)

  it('equals bzip2 -9 on a multi-block text', async () => {
    const words = ['bzip2', 'block', 'run', 'splice', 'crc', '\n', 'aaaa', 'zzzzzzzz']
    const next = lcg(3)
    const text = new TextEncoder().encode(Array.from({ length: 700_000 }, () => words[Math.floor(next() * words.length)]).join(' '))
    expect((await expectBzip2(text, 9, 'text')).length).toBeGreaterThan(2)
  }, 120_000)

  it('cuts the same wherever the input is split', () => {
    const input = random(250_000, 11)
    input.fill(1, 99_900, 100_400)
    const whole = new Bzip2BlockCutter(1).push(input)
    const cutter = new Bzip2BlockCutter(1)
    const split: number[] = []
    for (let at = 0; at < input.length; at += 333) split.push(...cutter.push(input.subarray(at, at + 333)))
    expect(split).toEqual(whole)
    expect(whole.length).toBe(2)
  })
})

/** Inputs near the level-1 block size: random stretches, runs of every length (RLE1 edges), repeats. */
const piece = fc.oneof(
  fc.integer({ min: 1, max: 40_000 }).chain(n => fc.integer().map(seed => random(n, seed))),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 2000 })).map(([c, n]) => new Uint8Array(n).fill(c)),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.integer({ min: 2, max: 3000 }))
    .map(([u, k]) => { const o = new Uint8Array(u.length * k); for (let i = 0; i < k; i++) o.set(u, i * u.length); return o })
)
const input = fc.array(piece, { maxLength: 16 }).map(ps => new Uint8Array(Buffer.concat(ps)))

describe('bzip2 block by block (fast-check)', () => {
  it('equals the sequential encoder', async () => {
    await fc.assert(fc.asyncProperty(input, fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 70_000 }), async (data, level, chunk) => {
      const { bytes } = await inBlocks({ encoder: 'bzip2', params: { level } }, data, chunk)
      expectSameBytes(bytes, bzip2CompressSync(data, level), `level ${level}, ${data.length} bytes`)
    }), { numRuns: 60, seed: 16 })
  }, 300_000)
})

/** libbz2's rule one byte at a time (bzlib.c ADD_CHAR_TO_BLOCK and the nblockMAX check), to check the cutter's fast path against. */
function cutsByteByByte (data: Uint8Array, level: number): number[] {
  const limit = bzip2BlockLimit(level)
  const cuts: number[] = []
  let ch = 256
  let len = 0
  let nblock = 0
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== ch || len === 255) {
      nblock += len < 4 ? len : 5
      ch = data[i]!
      len = 1
    } else {
      len++
    }
    if (nblock >= limit) { cuts.push(i + 1 - len); nblock = 0 }
  }
  return cuts
}

describe('Bzip2BlockCutter (fast-check)', () => {
  it('cuts where libbz2\'s rule, applied byte by byte, does (runs of distinct bytes skipped in bulk), in any chunks', () => {
    // Level 1 and inputs of several blocks, so that cuts fall inside stretches of distinct bytes, just
    // after runs, and at the ends of pushed chunks.
    fc.assert(fc.property(fc.array(piece, { minLength: 4, maxLength: 24 }), fc.integer({ min: 1, max: 150_000 }), (ps, chunk) => {
      const data = new Uint8Array(Buffer.concat(ps))
      const cutter = new Bzip2BlockCutter(1)
      const cuts: number[] = []
      for (let at = 0; at < data.length; at += chunk) cuts.push(...cutter.push(data.subarray(at, at + chunk)))
      expect(cuts).toEqual(cutsByteByByte(data, 1))
    }), { numRuns: 300, seed: 21 })
  }, 120_000)
})

