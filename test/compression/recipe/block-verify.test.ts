/**
 * BlockVerifier: a bzip2 candidate verified block by block gives RecipeRace's verdict: the recipe exactly
 * when its stream is the real body (with bytes after the body ignored), rejected at a changed byte, a body
 * cut short or one longer than the stream.
 */
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { BlockVerifier } from '../../../src/compression/recipe/block-verify.js'
import { PieceEncoder, type BlockEncoders } from '../../../src/compression/recipe/blocks.js'
import { countingEncoders } from './blocks-helpers.js'

const recipe = { encoder: 'bzip2', params: { level: 1 } }
const text = new TextEncoder().encode(Array.from({ length: 40_000 }, (_, i) => `row ${i * 7919 % 10007} verified block by block\n`).join(''))
const real = new Uint8Array(execFileSync('bzip2', ['-1', '-c'], { input: text }))

async function verdict (realBytes: Uint8Array, length: number, encoders: BlockEncoders & { pieces: unknown[] } = countingEncoders(2)): Promise<{ recipe?: unknown, reason?: string, pieces: number }> {
  const v = BlockVerifier.of(recipe, encoders)!
  // Real bytes and input interleaved in odd steps, as a decompressor hands them over.
  for (let i = 0, j = 0; i < realBytes.length || j < text.length; i += 50_001, j += 70_003) {
    v.expected(realBytes.subarray(i, i + 50_001))
    v.input(text.subarray(j, j + 70_003))
    await v.ready()
  }
  const r = await v.end(length)
  return { recipe: r.recipe, reason: r.rejected[0]?.reason, pieces: encoders.pieces.length }
}

describe('BlockVerifier', () => {
  it('gives the recipe when the spliced stream is the body, and only then', async () => {
    const ok = await verdict(real, real.length)
    expect(ok).toEqual({ recipe, reason: undefined, pieces: expect.any(Number) as number })
    expect(ok.pieces).toBeGreaterThan(3)
    expect((await verdict(new Uint8Array([...real, 1, 2, 3]), real.length)).recipe).toEqual(recipe)
    const changed = real.slice()
    changed[Math.floor(real.length / 2)]! ^= 1
    expect(await verdict(changed, real.length)).toMatchObject({ recipe: undefined, reason: 'differs' })
    expect(await verdict(real.subarray(0, real.length - 1), real.length - 1)).toMatchObject({ recipe: undefined, reason: 'too-long' })
    expect(await verdict(new Uint8Array([...real, 0]), real.length + 1)).toMatchObject({ recipe: undefined, reason: 'too-short' })
  }, 120_000)

  it('an encode that fails is thrown by end(), never left as an unhandled rejection', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown): void => { unhandled.push(reason) }
    process.on('unhandledRejection', onUnhandled)
    try {
      const failing = { width: 2, encode: async (): Promise<Uint8Array> => { throw new Error('encoder failed') } }
      const v = BlockVerifier.of(recipe, failing)!
      v.expected(real)
      v.input(text)
      // Turns of the event loop in which a rejection without a handler would be reported.
      for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve))
      expect(unhandled).toEqual([])
      await expect(v.end(real.length)).rejects.toThrow('encoder failed')
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('is only for recipes with blocks', () => {
    expect(BlockVerifier.of({ encoder: 'gnu-gzip', params: { level: 9 } }, countingEncoders())).toBeUndefined()
  })

  it('gives a piece its input as it arrives when the encoders can begin one (none held whole here)', async () => {
    // Each piece's writes, in order; `encode` (a whole piece) must not be used.
    const pieces: number[][] = []
    const encoders = {
      width: 2,
      pieces,
      encode: async (): Promise<Uint8Array> => { throw new Error('a piece was held whole') },
      begin (r: typeof recipe) {
        const writes: number[] = []
        pieces.push(writes)
        const piece = new PieceEncoder(r)
        return { write (bytes: Uint8Array) { writes.push(bytes.length); piece.write(bytes) }, end: async () => await piece.end() }
      }
    }
    expect(await verdict(real, real.length, encoders)).toEqual({ recipe, reason: undefined, pieces: expect.any(Number) as number })
    // bzip2 -1 blocks are ~100 kB: each piece but the last spans two or three of the 70,003-byte inputs.
    expect(pieces.length).toBeGreaterThan(3)
    for (const writes of pieces.slice(0, -1)) expect(writes.length).toBeGreaterThan(1)
    expect(pieces.flat().reduce((a, b) => a + b)).toBe(text.length)
  }, 120_000)
})
