/**
 * createWorkerBlockEncoders after a worker dies (out of memory, an exit): the pieces in flight fail with
 * ERR_WORKER_FAILED, and the next piece starts the pool afresh, so a long-lived server's later rebuilds
 * still work. The first worker started here exits at once; the others are the real block workers.
 */
import { execFileSync } from 'node:child_process'
import { Worker } from 'node:worker_threads'
import { describe, expect, it, vi } from 'vitest'

let started = 0
vi.mock('../../src/node/script-worker.js', async (importActual) => {
  const actual = await importActual<typeof import('../../src/node/script-worker.js')>()
  return {
    startScriptWorker: (name: string, workerData: unknown): Worker => {
      started++
      return started === 1 ? new Worker('process.exit(3)', { eval: true }) : actual.startScriptWorker(name, workerData)
    }
  }
})

const { createWorkerBlockEncoders } = await import('../../src/node/worker-block-encoders.js')

describe('block encoders after a worker failed', () => {
  it('fail the pieces in flight with ERR_WORKER_FAILED, then start afresh and encode exactly', async () => {
    const encoders = createWorkerBlockEncoders(1)
    try {
      const recipe = { encoder: 'bzip2', params: { level: 1 } }
      const text = new TextEncoder().encode('a piece for a block encoder\n'.repeat(1000))
      await expect(encoders.encode(recipe, text.slice())).rejects.toMatchObject({ code: 'ERR_WORKER_FAILED', details: { worker: 'block encoder', reason: 'exit code 3' } })
      const stream = await encoders.encode(recipe, text.slice())
      expect(Buffer.from(stream)).toEqual(execFileSync('bzip2', ['-1', '-c'], { input: text }))
      expect(started).toBe(2)
    } finally {
      await encoders.close()
    }
  })
})
