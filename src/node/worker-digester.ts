/**
 * The archive's sha256 and sha512 on other cores, one worker thread each. The main thread parses the
 * archive and hashes every UnixFS leaf (as many bytes as the archive's sha256, plus the per-entry work);
 * sha512 alone costs more than that (1.2 against 2.1 GB/s for sha256 on the machines measured). With a
 * worker per digest the three streams share two cores as the operating system schedules them, which
 * balances a tar of large files (main thread: leaves only) as well as one of many small files (main
 * thread: mostly per-entry work).
 *
 * Chunks reach both workers through a small pool of shared slots (slot-pool.ts): a chunk that already lies
 * in a slot (read there by lendArchiveFile, files.ts) is hashed where it lies; any other is copied into a
 * free one. No transfer, no clone, no buffer per chunk; a slot is reused when both have hashed it.
 */
import { Worker } from 'node:worker_threads'
import type { ArchiveDigester, ArchiveDigestValues } from '../digest/incremental.js'
import { SlotPool } from './slot-pool.js'
import { workerFailure } from './worker-errors.js'

/**
 * A read of lendArchiveFile a slot. Its reads hold up to four (two read ahead, the chunk being described and
 * the one before it); the other four are the workers' backlog, which lets the slower sha512 fall behind by
 * 16 MiB while three threads share two cores.
 */
const SLOT_BYTES = 4 * 1024 * 1024
const SLOTS = 8
const ALGORITHMS = ['sha256', 'sha512'] as const

/** To a worker: hash `length` bytes of a pool slot from `offset`, or finish. */
type Request = { slot: number, offset: number, length: number } | 'finish'
/** From a worker: a slot it is done with, or the digest. */
type Reply = { slot: number } | { digest: Uint8Array }

// Runs as CommonJS inside the worker (eval), so it needs no separate file in either src/ or dist/.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads')
const hash = require('node:crypto').createHash(workerData.algorithm)
const slots = workerData.slots.map(buffer => new Uint8Array(buffer))
parentPort.on('message', (m) => {
  if (m === 'finish') { parentPort.postMessage({ digest: hash.digest() }); return }
  hash.update(slots[m.slot].subarray(m.offset, m.offset + m.length))
  parentPort.postMessage({ slot: m.slot })
})
`

/**
 * An ArchiveDigester for `manifestFromTarball` that computes sha256 and sha512 on worker threads. Call
 * `close()` when the manifest is abandoned before `finish()` (an error), so that the workers do not keep
 * the process alive.
 */
export function createWorkerDigester (): ArchiveDigester & { close(): Promise<void>, readonly pool: SlotPool } {
  const pool = new SlotPool(SLOTS, SLOT_BYTES)
  const digests: Array<Promise<Uint8Array>> = []
  let size = 0
  let failure: Error | undefined

  const workers: Worker[] = []
  const terminate = async (): Promise<void> => { await Promise.all(workers.map(async worker => await worker.terminate())) }
  try {
    for (const algorithm of ALGORITHMS) workers.push(startWorker(algorithm))
  } catch (err) {
    // The second did not start: the first must not live on, keeping the process from exiting.
    terminate().catch(() => {})
    throw err
  }

  function startWorker (algorithm: typeof ALGORITHMS[number]): Worker {
    const worker = new Worker(workerSource, { eval: true, workerData: { algorithm, slots: pool.buffers } })
    let done: ((digest: Uint8Array) => void) | undefined
    let failed: ((err: Error) => void) | undefined
    const digest = new Promise<Uint8Array>((resolve, reject) => { done = resolve; failed = reject })
    // Awaited by finish() only; until then update() sees a failure through `failure`.
    digest.catch(() => {})
    digests.push(digest)
    worker.on('message', (reply: Reply) => {
      if ('digest' in reply) done?.(new Uint8Array(reply.digest))
      else pool.release(reply.slot)
    })
    worker.on('error', (cause) => {
      const err = workerFailure(`${algorithm} digest`, cause)
      failure = err
      failed?.(err)
      pool.fail(err)
    })
    return worker
  }
  const postAll = (request: Request): void => { for (const worker of workers) worker.postMessage(request) }
  const copy = (bytes: Uint8Array): void => { postAll({ slot: pool.put(bytes, workers.length), offset: 0, length: bytes.length }) }
  const send = async (bytes: Uint8Array): Promise<void> => {
    for (let at = 0; at < bytes.length; at += SLOT_BYTES) {
      await pool.free()
      copy(bytes.subarray(at, at + SLOT_BYTES))
    }
  }
  return {
    update (bytes) {
      size += bytes.length
      if (bytes.length === 0) return undefined
      if (failure !== undefined) return Promise.reject(failure)
      // Read into a slot (lendArchiveFile): hashed where it lies, held by the workers as well as its reader.
      const slot = pool.slotOf(bytes)
      if (slot >= 0) {
        pool.retain(slot, workers.length)
        postAll({ slot, offset: bytes.byteOffset, length: bytes.length })
        return undefined
      }
      // Fast path: a free slot and a piece that fits need no await.
      if (bytes.length <= SLOT_BYTES && pool.hasFree) {
        copy(bytes)
        return undefined
      }
      return send(bytes)
    },
    async finish (): Promise<ArchiveDigestValues> {
      try {
        postAll('finish')
        const [sha256, sha512] = await Promise.all(digests) as [Uint8Array, Uint8Array]
        return { size, sha256, sha512 }
      } finally {
        await terminate()
      }
    },
    close: terminate,
    pool
  }
}
