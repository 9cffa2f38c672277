/**
 * xz's threaded layout encoded block by block (xz/blocks.ts, recipe/blocks.ts): each piece of `blockSize`
 * bytes encoded as a stream of its own, the blocks put between a stream header and a new index, give xz
 * -T2's exact stream: several blocks, a last partial one, an exact multiple of the block size, one partial
 * block, empty input, every check, and the default block size.
 */
import { describe, expect, it } from 'vitest'
import { blockLayoutOf } from '../../../src/compression/recipe/blocks.js'
import { inBlocks } from '../recipe/blocks-helpers.js'
import { encode, expectSame, textBytes, xz } from './helpers.js'

async function expectXz (args: string[], params: Record<string, number>, input: Uint8Array, label: string): Promise<number[]> {
  const { bytes, pieces } = await inBlocks({ encoder: 'xz', params }, input)
  expectSame(bytes, xz(args, input), label)
  expectSame(bytes, encode(params, input), `${label} (sequential encoder)`)
  return pieces
}

describe('xz threaded layout block by block', () => {
  it('equals xz -T2 in every layout of blocks', async () => {
    const text = textBytes(1_050_000, 5)
    const block = ['-0', '-T2', '--block-size=300000']
    const params = { level: 0, mt: 1, blockSize: 300_000 }
    expect(await expectXz(block, params, text, 'several blocks')).toEqual([300_000, 300_000, 300_000, 150_000])
    expect(await expectXz(block, params, text.subarray(0, 900_000), 'an exact multiple')).toEqual([300_000, 300_000, 300_000])
    expect(await expectXz(block, params, text.subarray(0, 1000), 'one partial block')).toEqual([1000])
    expect(await expectXz(block, params, new Uint8Array(0), 'empty')).toEqual([])
    for (const [check, id] of [['none', 0], ['crc32', 1], ['sha256', 10]] as const) {
      await expectXz([...block, `--check=${check}`], { ...params, check: id }, text, `check ${check}`)
    }
    // The default block size at -0 (1 MiB), -e.
    expect(await expectXz(['-0e', '-T2'], { level: 0, extreme: 1, mt: 1 }, textBytes(2_500_000, 6), 'default block size')).toEqual([1 << 20, 1 << 20, 2_500_000 - (2 << 20)])
  }, 300_000)

  it('has no block layout single-threaded, or with blocks too large to hold several of', () => {
    expect(blockLayoutOf({ encoder: 'xz', params: { level: 6 } })).toBeUndefined()
    expect(blockLayoutOf({ encoder: 'xz', params: { level: 9, mt: 1 } })).toBeUndefined()
    expect(blockLayoutOf({ encoder: 'xz', params: { level: 6, mt: 1 } })).toBeDefined()
    expect(blockLayoutOf({ encoder: 'gnu-gzip', params: { level: 9 } })).toBeUndefined()
  })
})
