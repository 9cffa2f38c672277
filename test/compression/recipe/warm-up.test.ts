/**
 * Warming up libbz2's compressor before a thread's first block (#16, alsa-lib's .tar.bz2): WebAssembly has
 * no on-stack replacement, so the first block's sort (one call of ~40 ms at -9) ran wholly in baseline
 * code, each thread's first block ~1.6x as long as the next. A block worker told to prepare, and the race
 * worker starting a race, now compress a small made-up text first. Counted (libbz2 compressors created in
 * this thread), never timed; the bytes encoded afterwards are the `bzip2` binary's.
 */
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { libbz2CompressorsCreated } from '../../../src/compression/bzip2/libbz2.js'
import { prepareEncoder, encodePiece } from '../../../src/compression/recipe/blocks.js'
import { raceOf } from '../../../src/compression/recipe/races.js'

const bzip2 = { encoder: 'bzip2', params: { level: 9 } }
const text = new TextEncoder().encode(Array.from({ length: 6000 }, (_, i) => `line ${i * 7919 % 6007} of a warm-up test\n`).join(''))

/** How many libbz2 compressors `run` creates in this thread. */
async function compressorsDuring (run: () => Promise<unknown>): Promise<number> {
  const before = libbz2CompressorsCreated()
  await run()
  return libbz2CompressorsCreated() - before
}

describe('bzip2 encoder warm-up', () => {
  it('a block encoder preparing for bzip2 pieces compresses once before its first piece; the pieces are the bzip2 binary\'s', async () => {
    expect(await compressorsDuring(async () => { await prepareEncoder(bzip2) })).toBe(1)
    expect(Buffer.from(await encodePiece(bzip2, text))).toEqual(execFileSync('bzip2', ['-9', '-c'], { input: text }))
  })

  it('an encoder with nothing to warm up (GNU gzip) is only loaded', async () => {
    expect(await compressorsDuring(async () => { await prepareEncoder({ encoder: 'gnu-gzip', params: { level: 9 } }) })).toBe(0)
  })

  it('a race asked to warms up its first candidate before any byte, and its verdict is unchanged', async () => {
    const real = new Uint8Array(execFileSync('bzip2', ['-9', '-c'], { input: text }))
    const created: number[] = []
    for (const warmUp of [false, true]) {
      let race: Awaited<ReturnType<typeof raceOf>> | undefined
      created.push(await compressorsDuring(async () => { race = await raceOf({ recipes: [bzip2] }, { warmUp }) }))
      race!.expected(real)
      race!.input(text)
      expect((await race!.finish(real.length))?.recipe).toEqual(bzip2)
    }
    // The race creates its candidate's encoder at once; warmed up, one compressor before it.
    expect(created).toEqual([1, 2])
  })
})
