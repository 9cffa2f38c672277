/**
 * The threaded layout holds a whole block before writing it; in a recipe race its encoder compares the
 * block's data with the real bytes as it encodes them (xz/block-probe.ts), so a wrong preset is dropped
 * within the block's first LZMA2 chunks, not after the block. The verdict must stay the sequential race's.
 */
import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { RecipeRace } from '../../../src/compression/recipe/race.js'
import type { EncoderFactory, Recipe } from '../../../src/compression/recipe/encoder.js'
import { loadXzEncoder } from '../../../src/compression/recipe/xz.js'
import { randomBytes, textBytes, xz } from './helpers.js'

const xzFamily = await loadXzEncoder()

function recipe (params: Record<string, number>): Recipe { return { encoder: 'xz', params } }

function factory (r: Recipe): EncoderFactory { return xzFamily(r) }

/**
 * Runs a race feeding the real bytes a little ahead of the input (as decompression does), in pieces;
 * without proofs, the race as it was: blocks compared once written whole.
 */
function race (candidates: EncoderFactory[], input: Uint8Array, real: Uint8Array, piece = 65536, realPiece = piece, proofs = true): ReturnType<RecipeRace['end']> {
  const r = new RecipeRace(candidates, { maxLog: 256 << 20, maxLag: 64 << 20, proofs })
  let e = 0
  for (let i = 0; i < input.length; i += piece) {
    const upto = Math.min(real.length, Math.ceil((i + piece) * real.length / input.length) + realPiece)
    for (; e < upto; e = Math.min(upto, e + realPiece)) r.expected(real.subarray(e, Math.min(upto, e + realPiece)))
    r.input(input.subarray(i, i + piece))
  }
  r.expected(real.subarray(e))
  return r.end()
}

describe('xz threaded layout in a recipe race: a wrong preset is dropped early', () => {
  it('xz -6 tried first on an xz -6e -T2 stream is dropped in its first block\'s first MiB of input (#16)', () => {
    const blockSize = 2 << 20
    const input = textBytes(5 << 20, 7)
    const real = xz(['-6e', '-T2', `--block-size=${blockSize}`], input)
    let inputSoFar = 0
    let droppedAt: number | undefined
    const plain = factory(recipe({ level: 6, mt: 1, blockSize }))
    const watched: EncoderFactory = {
      ...plain,
      create: (real) => {
        const enc = plain.create(real)
        return {
          write: (bytes) => { inputSoFar += bytes.length; return enc.write(bytes) },
          end: () => enc.end(),
          dispose: () => { droppedAt ??= inputSoFar; enc.dispose?.() },
          get diverged () { return enc.diverged }
        }
      }
    }
    const result = race([watched, factory(recipe({ level: 6, extreme: 1, mt: 1, blockSize }))], input, real)
    expect(result.recipe).toEqual(recipe({ level: 6, extreme: 1, mt: 1, blockSize }))
    expect(result.rejected.map(x => x.reason)).toEqual(['differs'])
    // Whole blocks only, it was dropped once its first block (2 MiB of input) was written.
    expect(droppedAt).toBeDefined()
    expect(droppedAt!).toBeLessThan(1 << 20)
  }, 300_000)

  it('once diverged, stays diverged, even when the real bytes it was proven on are no longer kept', () => {
    const blockSize = 1 << 20
    const input = textBytes(2 << 20, 3)
    const real = xz(['-6e', '-T2', `--block-size=${blockSize}`], input)
    let kept = true
    const stream = {
      received: real.length,
      head: (length: number) => kept ? real.subarray(0, length) : undefined,
      from: (offset: number) => kept && offset < real.length ? real.subarray(offset) : undefined
    }
    const enc = factory(recipe({ level: 6, mt: 1, blockSize })).create(stream)
    for (let i = 0; i < input.length && enc.diverged !== true; i += 65536) enc.write(input.subarray(i, i + 65536))
    expect(enc.diverged).toBe(true)
    kept = false // the race dropped them
    expect(enc.diverged).toBe(true)
    enc.dispose?.()
  }, 300_000)

  it('a block stored uncompressed (its output outgrew the block buffer) still matches: stored real blocks are not compared early', () => {
    // As in incompressible.test.ts: this seed overflows at -0 with SHA-256, and liblzma stores the block.
    // The candidate's LZMA2 data differs from the stored chunks from the start, yet its whole output is right.
    const input = randomBytes(13_500_000, 777)
    const real = xz(['-0', '-T2', '--check=sha256', '--block-size=13000000'], input)
    const params = { level: 0, check: 10, mt: 1, blockSize: 13_000_000 }
    expect(race([factory(recipe(params))], input, real, 1 << 20).recipe).toEqual(recipe(params))
  }, 300_000)

  it('gives the verdict of the race on whole blocks, for any mix of data, presets and order (fast-check)', () => {
    const segment = fc.record({ text: fc.boolean(), n: fc.integer({ min: 1, max: 200_000 }), seed: fc.integer({ min: 1, max: 1000 }) })
    const presets: Array<Record<string, number>> = [{ level: 0 }, { level: 1 }, { level: 1, extreme: 1 }, { level: 6 }, { level: 6, extreme: 1 }]
    fc.assert(fc.property(
      fc.array(segment, { minLength: 1, maxLength: 4 }),
      fc.constantFrom(...presets),
      fc.shuffledSubarray(presets, { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 1 << 16, max: 1 << 19 }),
      fc.integer({ min: 1000, max: 100_000 }),
      fc.integer({ min: 1000, max: 100_000 }),
      (segments, made, tried, blockSize, piece, realPiece) => {
        const input = new Uint8Array(Buffer.concat(segments.map(s => s.text ? textBytes(s.n, s.seed) : randomBytes(s.n, s.seed))))
        const args = [`-${made.level}${made.extreme === 1 ? 'e' : ''}`, '-T2', `--block-size=${blockSize}`]
        const real = xz(args, input)
        const recipes = tried.map(p => recipe({ ...p, mt: 1, blockSize }))
        const early = race(recipes.map(r => factory(r)), input, real, piece, realPiece)
        const whole = race(recipes.map(r => factory(r)), input, real, piece, realPiece, false)
        expect(early.recipe).toEqual(whole.recipe)
        // Some recipe matches if the one that made it was tried (an earlier one may write the same bytes:
        // -1 and -1e on incompressible data).
        if (tried.includes(made)) expect(early.recipe).toBeDefined()
      }
    ), { numRuns: 25 })
  }, 300_000)
})
