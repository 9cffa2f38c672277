/**
 * createWorkerBlockEncoders' begun pieces (`begin`): the input is written as it arrives, posted to the
 * piece's worker (or kept until one is idle), and the stream is the one the whole piece gives; with `here`,
 * a piece begun while every worker is busy is encoded in this thread. #16: an xz piece is 24 MiB at -6,
 * held whole by the verifier and again by its encoder before pieces were begun.
 */
import { execFileSync } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { PieceEncoder } from '../../src/compression/recipe/blocks.js'
import { createWorkerBlockEncoders } from '../../src/node/worker-block-encoders.js'

const recipe = { encoder: 'bzip2', params: { level: 1 } }
const text = (i: number, n: number): Uint8Array => new TextEncoder().encode(`begun piece ${i}, written in parts\n`.repeat(n))
const bzip2 = (input: Uint8Array): Buffer => execFileSync('bzip2', ['-1', '-c'], { input })

let close: (() => Promise<void>) | undefined
afterEach(async () => { await close?.(); close = undefined })

/** Writes `input` to a begun piece in parts of `part` bytes (copies: the parts are given up). */
async function written (sink: { write(bytes: Uint8Array): void, end(): Promise<Uint8Array> }, input: Uint8Array, part = 10_007): Promise<Buffer> {
  for (let at = 0; at < input.length; at += part) sink.write(input.slice(at, at + part))
  return Buffer.from(await sink.end())
}

describe('worker block encoders: begun pieces', () => {
  it('a piece begun while the one worker is busy waits for it, its input kept meanwhile; both streams exact', async () => {
    const encoders = createWorkerBlockEncoders(1)
    close = encoders.close
    const inputs = [text(0, 30_000), text(1, 3_000)]
    const sinks = inputs.map(() => encoders.begin!(recipe))
    expect(sinks.some(s => s instanceof PieceEncoder)).toBe(false)
    const got = await Promise.all(sinks.map(async (s, i) => await written(s, inputs[i]!)))
    expect(got).toEqual(inputs.map(bzip2))
  }, 120_000)

  it('with `here`, a piece begun while every worker is busy is encoded in this thread', async () => {
    const encoders = createWorkerBlockEncoders(1, { here: true })
    close = encoders.close
    const inputs = [text(2, 20_000), text(3, 2_000)]
    const first = encoders.begin!(recipe)
    const second = encoders.begin!(recipe)
    expect([first instanceof PieceEncoder, second instanceof PieceEncoder]).toEqual([false, true])
    expect(await Promise.all([written(first, inputs[0]!), written(second, inputs[1]!)])).toEqual(inputs.map(bzip2))
  }, 120_000)
})
