/**
 * BlockRace: an xz race in the threaded layout whose waiting candidates start early, and which, once one
 * candidate is left, is finished block by block on BlockEncoders. Its verdict must be the sequential
 * race's in every case: any candidates in any order, any interleaving of real and uncompressed bytes,
 * any hand-over point, streams from the real `xz` binary (presets 0-6, -e, several blocks, a last short
 * block), changed, cut short or extended, so that the one candidate left fails in a later block.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { BlockRace } from '../../../src/compression/recipe/block-race.js'
import { RecipeRace } from '../../../src/compression/recipe/race.js'
import type { EncoderFactory, Recipe } from '../../../src/compression/recipe/encoder.js'
import { loadXzEncoder } from '../../../src/compression/recipe/xz.js'
import { xzCandidateParams } from '../../../src/compression/xz/candidates.js'
import { countingEncoders } from './blocks-helpers.js'
import { textBytes, xz } from '../xz-encoder/helpers.js'

const xzFamily = await loadXzEncoder()
const recipe = (params: Record<string, number>): Recipe => ({ encoder: 'xz', params })
/** The bounds a plan gives a race of these (manifest/compressed.ts): nothing is dropped for lagging. */
const bounds = { maxLag: 64 << 20, maxLog: 64 << 20 }

interface Schedule { piece: number, realPiece: number, slack: number }

/** Feeds a race as decompression does: the real bytes a little ahead of the input they decode to. */
async function feed (r: { expected(b: Uint8Array): void, input(b: Uint8Array): void, ready?(): Promise<void> | undefined }, input: Uint8Array, real: Uint8Array, s: Schedule): Promise<void> {
  let e = 0
  for (let i = 0; i < input.length; i += s.piece) {
    const upto = Math.min(real.length, Math.ceil((i + s.piece) * real.length / Math.max(1, input.length)) + s.slack)
    for (; e < upto; e = Math.min(upto, e + s.realPiece)) r.expected(real.subarray(e, Math.min(upto, e + s.realPiece)))
    r.input(input.subarray(i, i + s.piece))
    await r.ready?.()
  }
  r.expected(real.subarray(e))
}

/** The sequential race's verdict (candidates one after another, each replaying the log). */
async function sequential (recipes: Recipe[], input: Uint8Array, real: Uint8Array, length: number, s: Schedule): Promise<Recipe | undefined> {
  const r = new RecipeRace(recipes.map(x => xzFamily(x)), bounds)
  await feed(r, input, real, s)
  return r.end(length).recipe
}

/** BlockRace's verdict, and whether it handed over to block verification. */
async function blockRace (recipes: Recipe[], input: Uint8Array, real: Uint8Array, length: number, s: Schedule, keep: number, withEncoders = true): Promise<{ recipe?: Recipe, handedOver: boolean, pieces: number }> {
  const encoders = countingEncoders(2)
  const r = new BlockRace(new RecipeRace(recipes.map(x => xzFamily(x)), bounds), withEncoders ? encoders : undefined, keep)
  await feed(r, input, real, s)
  const handedOver = r.handedOver
  const { recipe } = await r.end(length)
  return { ...(recipe === undefined ? {} : { recipe }), handedOver, pieces: encoders.pieces.length }
}

/** xz's options for a recipe's params (threaded layout, explicit block size). */
function xzArgs (p: Record<string, number>): string[] {
  return [`-${p.level}${p.extreme === 1 ? 'e' : ''}`, '-T2', `--block-size=${p.blockSize}`]
}

describe('BlockRace', () => {
  it('xz -6e -T2 over several blocks, a last short one: the candidates the head yields, -6 first, are settled early and the rest is verified block by block (#16)', async () => {
    const blockSize = 256 << 10
    const input = textBytes(3 * blockSize + 12_345, 11)
    const real = xz(['-6e', '-T2', `--block-size=${blockSize}`], input)
    const recipes = xzCandidateParams(real.subarray(0, 12 + 1024))!.map(recipe)
    expect(recipes[0]).toEqual(recipe({ level: 6, mt: 1, blockSize }))
    const s = { piece: 65_536, realPiece: 16_384, slack: 1024 }
    const want = await sequential(recipes, input, real, real.length, s)
    expect(want).toEqual(recipe({ level: 6, extreme: 1, mt: 1, blockSize }))
    const got = await blockRace(recipes, input, real, real.length, s, 1 << 20)
    expect(got).toEqual({ recipe: want, handedOver: true, pieces: 4 })
    // Without encoders it runs as a race, its waiting candidates started early: the same verdict.
    expect((await blockRace(recipes, input, real, real.length, s, 1 << 20, false)).recipe).toEqual(want)
  }, 300_000)

  it('xz -0 .. -6, with and without -e, -T2: the recipe the sequential race finds, verified block by block', async () => {
    const blockSize = 200_000
    const input = textBytes(2 * blockSize + 777, 3)
    const s = { piece: 50_000, realPiece: 20_000, slack: 2000 }
    for (const preset of ['-0', '-1e', '-2', '-3e', '-4', '-5e', '-6']) {
      const real = xz([preset, '-T2', `--block-size=${blockSize}`], input)
      const recipes = xzCandidateParams(real.subarray(0, 12 + 1024))!.map(recipe)
      const want = await sequential(recipes, input, real, real.length, s)
      expect(want?.params).toMatchObject({ level: Number(preset[1]), mt: 1, blockSize })
      const got = await blockRace(recipes, input, real, real.length, s, 250_000)
      // -0 and -0e write this input's first blocks alike: neither is left alone within them.
      expect({ preset, recipe: got.recipe, handedOver: got.handedOver }).toEqual({ preset, recipe: want, handedOver: preset !== '-0' })
    }
  }, 300_000)

  it('the one candidate left fails in a later block (a changed byte), at the end (cut short, longer), or matches with bytes after the body: the sequential verdict', async () => {
    const blockSize = 128 << 10
    const input = textBytes(4 * blockSize + 999, 5)
    const real = xz(['-1', '-T2', `--block-size=${blockSize}`], input)
    const recipes = xzCandidateParams(real.subarray(0, 12 + 1024))!.map(recipe)
    const s = { piece: 30_000, realPiece: 7_000, slack: 500 }
    const changed = real.slice()
    changed[real.length - 200]! ^= 0x10 // in the last block's data
    const cases: Array<[Uint8Array, number]> = [
      [real, real.length], [changed, real.length], [real.subarray(0, real.length - 1), real.length - 1],
      [new Uint8Array([...real, 0]), real.length + 1], [new Uint8Array([...real, 1, 2, 3]), real.length]
    ]
    const verdicts: Array<Recipe | undefined> = []
    for (const [bytes, length] of cases) {
      const want = await sequential(recipes, input, bytes, length, s)
      const got = await blockRace(recipes, input, bytes, length, s, 200_000)
      expect(got.handedOver).toBe(true)
      expect(got.recipe).toEqual(want)
      verdicts.push(want)
    }
    expect(verdicts.map(v => v !== undefined)).toEqual([true, false, false, false, true])
  }, 300_000)

  it('gives the sequential verdict for any candidates in any order, any schedule and hand-over point, streams of xz -0..-3(e) (fast-check)', async () => {
    const presets: Array<Record<string, number>> = [0, 1, 2, 3].flatMap(level => [{ level }, { level, extreme: 1 }] as Array<Record<string, number>>)
    await fc.assert(fc.asyncProperty(
      fc.record({
        size: fc.integer({ min: 0, max: 300_000 }),
        seed: fc.integer({ min: 1, max: 1000 }),
        blockSize: fc.constantFrom(32 << 10, 100_000),
        real: fc.integer({ min: 0, max: presets.length - 1 }),
        order: fc.shuffledSubarray(presets.map((_, i) => i), { minLength: 1, maxLength: 4 }),
        otherBlockSize: fc.boolean(),
        change: fc.option(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { nil: undefined }),
        schedule: fc.record({ piece: fc.integer({ min: 1000, max: 70_000 }), realPiece: fc.integer({ min: 100, max: 40_000 }), slack: fc.integer({ min: 0, max: 5000 }) }),
        keep: fc.integer({ min: 0, max: 200_000 }),
        encoders: fc.boolean()
      }),
      async (c) => {
        const input = textBytes(c.size, c.seed)
        const realParams = { ...presets[c.real]!, mt: 1, blockSize: c.blockSize }
        let real = xz(xzArgs(realParams), input)
        if (c.change !== undefined) { real = real.slice(); real[Math.floor(c.change * real.length)]! ^= 1 }
        // A candidate of another block size writes the same first block when the input is shorter than both.
        const recipes = c.order.map((i, n) => recipe({ ...presets[i]!, mt: 1, blockSize: c.otherBlockSize && n === 0 ? 2 * c.blockSize : c.blockSize }))
        const want = await sequential(recipes, input, real, real.length, c.schedule)
        const got = await blockRace(recipes, input, real, real.length, c.schedule, c.keep, c.encoders)
        expect(got.recipe).toEqual(want)
      }
    ), { numRuns: 30 })
  }, 600_000)
})

describe('BlockRace.dispose', () => {
  /** The candidates' factories, recording for each encoder they made whether it was disposed. */
  function recorded (recipes: Recipe[]): { factories: EncoderFactory[], encoders: Array<{ disposed: boolean }> } {
    const encoders: Array<{ disposed: boolean }> = []
    const factories = recipes.map((r): EncoderFactory => {
      const real = xzFamily(r)
      return Object.assign(Object.create(real) as EncoderFactory, {
        create (...args: Parameters<EncoderFactory['create']>) {
          const encoder = real.create(...args)
          const record = { disposed: false }
          encoders.push(record)
          return Object.assign(Object.create(encoder) as typeof encoder, { dispose () { record.disposed = true; encoder.dispose?.() } })
        }
      })
    })
    return { factories, encoders }
  }

  it('an abandoned race lets go of its running candidates\' encoders, and of its block verification (#16)', async () => {
    const blockSize = 128 << 10
    const input = textBytes(3 * blockSize, 7)
    const real = xz(['-6e', '-T2', `--block-size=${blockSize}`], input)
    const recipes = xzCandidateParams(real.subarray(0, 12 + 1024))!.map(recipe)
    const s = { piece: 16_384, realPiece: 4096, slack: 256 }
    // Stopped within the first block: two candidates run, none is left alone yet.
    const running = recorded(recipes)
    const early = new BlockRace(new RecipeRace(running.factories, bounds), countingEncoders(2), 1 << 20)
    await feed(early, input.subarray(0, 16_384), real.subarray(0, 1024), s)
    expect(early.handedOver).toBe(false)
    expect(running.encoders.filter(e => !e.disposed).length).toBeGreaterThan(0)
    early.dispose()
    expect(running.encoders.filter(e => !e.disposed)).toEqual([])
    expect(early.logging).toBe(false)
    // Stopped after the hand-over: the verification (its input and real bytes held) goes too.
    const handed = recorded(recipes)
    const late = new BlockRace(new RecipeRace(handed.factories, bounds), countingEncoders(2), 1 << 20)
    await feed(late, input, real.subarray(0, real.length - 100), s)
    expect(late.handedOver).toBe(true)
    late.dispose()
    expect(late.handedOver).toBe(false)
    expect(late.logging).toBe(false)
    expect(handed.encoders.filter(e => !e.disposed)).toEqual([])
  }, 300_000)
})
