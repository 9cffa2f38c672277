/**
 * createWorkerBlockEncoders' close() while pieces are being encoded or wait for a worker (a consumer that
 * stops and closes, a server shutting down): those pieces fail, typed (ERR_WORKER_FAILED), instead of
 * waiting forever for workers that are gone; a piece given afterwards starts the pool afresh.
 */
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { createWorkerBlockEncoders } from '../../src/node/worker-block-encoders.js'

const recipe = { encoder: 'bzip2', params: { level: 1 } }
const text = (n: number): Uint8Array => new TextEncoder().encode('a piece for a closed pool\n'.repeat(n))

describe('block encoders closed with pieces in flight', () => {
  it('fail those pieces (ERR_WORKER_FAILED) and encode later ones afresh', async () => {
    const encoders = createWorkerBlockEncoders(1)
    try {
      // Both given before close(), with no turn of the event loop between: no reply can have come. The
      // first is with the worker, the second waits for it.
      const outcomes = [encoders.encode(recipe, text(40_000)), encoders.encode(recipe, text(10))].map(async p => await p.then(() => 'encoded', (err: { code?: string }) => err.code))
      await encoders.close()
      // A promise settled by close() has its handlers run before this macrotask; one still waiting would not.
      const settled = await Promise.race([Promise.all(outcomes), new Promise(resolve => setImmediate(() => resolve('still waiting')))])
      expect(settled).toEqual(['ERR_WORKER_FAILED', 'ERR_WORKER_FAILED'])
      const piece = text(1000)
      expect(Buffer.from(await encoders.encode(recipe, piece.slice()))).toEqual(execFileSync('bzip2', ['-1', '-c'], { input: piece }))
    } finally {
      await encoders.close()
    }
  }, 120_000)
})
