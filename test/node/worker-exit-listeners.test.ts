/**
 * A pool of worker threads removes only the listeners it added: one added from outside (a test counting
 * exits, say) still sees its worker exit when the pool closes it or gives it up after an error. Every
 * worker started here gets such a listener as it is made; the first block worker started throws at once.
 */
import { Worker } from 'node:worker_threads'
import { describe, expect, it, vi } from 'vitest'

const seen = vi.hoisted(() => ({ started: [] as Worker[], exits: 0, failFirst: false }))
vi.mock('../../src/node/script-worker.js', async (importActual) => {
  const actual = await importActual<typeof import('../../src/node/script-worker.js')>()
  return {
    startScriptWorker: (name: string, workerData: unknown): Worker => {
      const failing = seen.failFirst
      seen.failFirst = false
      const worker = failing ? new Worker('throw new Error("a worker that fails")', { eval: true }) : actual.startScriptWorker(name, workerData)
      worker.on('exit', () => { seen.exits++ })
      seen.started.push(worker)
      return worker
    }
  }
})

const { createWorkerBlockEncoders } = await import('../../src/node/worker-block-encoders.js')
const { createWorkerRaces } = await import('../../src/node/worker-races.js')

const recipe = { encoder: 'bzip2', params: { level: 1 } }
const text = new TextEncoder().encode('a piece for a block encoder\n'.repeat(1000))

/** Runs `body` from no worker started; the number of workers started and of exits seen from outside. */
async function counted (body: () => Promise<void>): Promise<{ started: number, exits: number }> {
  seen.started = []
  seen.exits = 0
  await body()
  return { started: seen.started.length, exits: seen.exits }
}

describe('worker pools leave outside listeners alone', () => {
  it('block encoders: an outside exit listener sees the exits close() causes', async () => {
    const result = await counted(async () => {
      const encoders = createWorkerBlockEncoders(2)
      await encoders.encode(recipe, text.slice())
      await encoders.close()
    })
    expect(result).toEqual({ started: 2, exits: 2 })
  }, 120_000)

  it('block encoders: an outside exit listener sees the exit of a worker given up after its error', async () => {
    const result = await counted(async () => {
      const encoders = createWorkerBlockEncoders(1)
      try {
        seen.failFirst = true
        await expect(encoders.encode(recipe, text.slice())).rejects.toMatchObject({ code: 'ERR_WORKER_FAILED' })
        const failed = seen.started[0] as Worker
        // Resolves once the worker has exited (at once if it has).
        await failed.terminate()
      } finally {
        await encoders.close()
      }
    })
    expect(result).toEqual({ started: 1, exits: 1 })
  }, 120_000)

  it('recipe races: an outside exit listener sees the exit close() causes', async () => {
    const result = await counted(async () => {
      const races = createWorkerRaces({ blockThreads: 0 })
      await races.close()
    })
    expect(result).toEqual({ started: 1, exits: 1 })
  }, 120_000)
})
