/**
 * How createWorkerBlockEncoders hands out pieces (counted through a Worker that records what it is sent
 * and answers): a worker is given a piece only when it is idle, the others waiting in order for the first
 * worker done (queued behind a busy worker, a piece left another worker idle meanwhile: #16, alsa-lib's
 * restore); and encodeInBlocks starts the workers, loading the recipe's encoder, before its first piece.
 */
import type { TransferListItem } from 'node:worker_threads'
import { afterEach, describe, expect, it, vi } from 'vitest'

const seen = vi.hoisted(() => ({ started: 0, inFlight: new Map<unknown, number>(), most: 0, prepared: 0 }))
vi.mock('node:worker_threads', async (original) => {
  const real = await original<typeof import('node:worker_threads')>()
  class CountedWorker extends real.Worker {
    constructor (...args: ConstructorParameters<typeof real.Worker>) {
      super(...args)
      seen.started++
      seen.inFlight.set(this, 0)
      // Registered before the pool's own listener: a reply is counted before the pool hands out the next piece.
      this.on('message', () => { seen.inFlight.set(this, seen.inFlight.get(this)! - 1) })
    }

    override postMessage (message: { kind?: string }, transfer?: readonly TransferListItem[]): void {
      if (message.kind === 'prepare') seen.prepared++
      else {
        const now = seen.inFlight.get(this)! + 1
        seen.inFlight.set(this, now)
        seen.most = Math.max(seen.most, now)
      }
      super.postMessage(message, transfer)
    }
  }
  return { ...real, Worker: CountedWorker }
})
const { createWorkerBlockEncoders } = await import('../../src/node/worker-block-encoders.js')
const { blockLayoutOf, encodeInBlocks, encodePiece } = await import('../../src/compression/recipe/blocks.js')

const recipe = { encoder: 'bzip2', params: { level: 1 } }
const text = (i: number, n: number): Uint8Array => new TextEncoder().encode(`piece ${i} of a dispatch test\n`.repeat(n))

let close: (() => Promise<void>) | undefined
afterEach(async () => { await close?.(); close = undefined })

describe('worker block encoders: hand-out', () => {
  it('gives a worker one piece at a time; pieces given while both are busy wait for the first one done', async () => {
    seen.most = 0
    const encoders = createWorkerBlockEncoders(2)
    close = encoders.close
    // One large piece and several small ones, all given at once.
    const pieces = [text(0, 60_000), ...[1, 2, 3, 4, 5].map(i => text(i, 2_000))]
    const want = await Promise.all(pieces.map(async p => await encodePiece(recipe, p.slice())))
    const got = await Promise.all(pieces.map(async p => await encoders.encode(recipe, p)))
    expect(got.map(g => Buffer.from(g))).toEqual(want.map(w => Buffer.from(w)))
    expect(seen.most).toBe(1)
  }, 120_000)

  it('encodeInBlocks starts the workers and has them load the encoder before its first piece is cut', async () => {
    seen.started = 0
    seen.prepared = 0
    const encoders = createWorkerBlockEncoders(2)
    close = encoders.close
    let before: [number, number] | undefined
    async function * input (): AsyncGenerator<Uint8Array> {
      before = [seen.started, seen.prepared]
      yield text(0, 4_000)
    }
    const stream = encodeInBlocks(recipe, blockLayoutOf(recipe)!, input(), encoders)
    const parts: Uint8Array[] = []
    for await (const part of stream) parts.push(part)
    expect(before).toEqual([2, 2])
    expect(Buffer.concat(parts)).toEqual(Buffer.from(await encodePiece(recipe, text(0, 4_000))))
  }, 120_000)
})
