/**
 * encodeInBlocks takes more input as soon as an encoder is free, not once the oldest piece is encoded:
 * with two encoders, the second piece done before the first, a fourth piece is handed over while the
 * first still encodes (waiting for the oldest left the encoder that finished idle: #16, alsa-lib's
 * restore). The stream is still spliced in order, the same as one encoder's.
 */
import { describe, expect, it } from 'vitest'
import { blockLayoutOf, encodeInBlocks, encodePiece, type BlockEncoders } from '../../../src/compression/recipe/blocks.js'
import { seededBytes } from '../../helpers/seeded.js'

const recipe = { encoder: 'bzip2', params: { level: 1 } }

/** Two encoders whose pieces are encoded at once but given back only when the test opens their gate. */
function gatedEncoders (): BlockEncoders & { calls: number, encoded: Array<Promise<Uint8Array>>, open(i: number): void, openAll(): void } {
  const gates: Array<() => void> = []
  const waits: Array<Promise<void>> = []
  let all = false
  const gate = (i: number): Promise<void> => {
    waits[i] ??= new Promise<void>(resolve => { gates[i] = resolve })
    if (all) gates[i]!()
    return waits[i]!
  }
  const e = {
    width: 2,
    calls: 0,
    encoded: [] as Array<Promise<Uint8Array>>,
    async encode (r: typeof recipe, piece: Uint8Array): Promise<Uint8Array> {
      const i = e.calls++
      const stream = encodePiece(r, piece)
      e.encoded.push(stream)
      await gate(i)
      return await stream
    },
    open (i: number) { void gate(i); gates[i]!() },
    openAll () { all = true; for (let i = 0; i < gates.length; i++) gates[i]?.() }
  }
  return e
}

async function * chunked (input: Uint8Array, chunk: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < input.length; at += chunk) yield input.subarray(at, at + chunk)
}

/** Lets every pending promise callback run (a macrotask comes after them all). */
const settle = async (): Promise<void> => { await new Promise(resolve => setImmediate(resolve)) }

describe('encodeInBlocks: reading ahead', () => {
  it('hands over the next piece once any encoder is free, and splices the pieces in order', async () => {
    // Random bytes: no runs, so bzip2 -1 cuts a block every 99,981 bytes; six pieces.
    const input = seededBytes('read-ahead', 550_000)
    const encoders = gatedEncoders()
    const out: Uint8Array[] = []
    const done = (async () => {
      for await (const bytes of encodeInBlocks(recipe, blockLayoutOf(recipe)!, chunked(input, 40_000), encoders)) out.push(bytes)
    })()
    await settle()
    await Promise.all(encoders.encoded)
    await settle()
    // Two encoding and one waiting: no more input taken.
    expect(encoders.calls).toBe(3)
    // The second piece done, the first still encoding: an encoder is free, so the fourth is handed over.
    encoders.open(1)
    await settle()
    expect(encoders.calls).toBe(4)
    expect(out.length).toBe(1) // the stream's header only: the first piece is not done
    encoders.openAll()
    await done
    expect(Buffer.concat(out)).toEqual(Buffer.from(await encodePiece(recipe, input)))
  }, 60_000)
})
