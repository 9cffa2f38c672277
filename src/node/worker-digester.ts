/**
 * The archive's sha256 and sha512 on other cores, one worker thread each. The main thread parses the
 * archive and hashes every UnixFS leaf (as many bytes as the archive's sha256, plus the per-entry work);
 * sha512 alone costs more than that (1.2 against 2.1 GB/s for sha256 on the machines measured). With a
 * worker per digest the three streams share two cores as the operating system schedules them, which
 * balances a tar of large files (main thread: leaves only) as well as one of many small files (main
 * thread: mostly per-entry work).
 *
 * Bytes in shared memory (what openArchiveFile reads with `shared`) are handed to both workers as they
 * are; other bytes are first copied into a small pool of shared buffers. Either way the bytes in flight
 * are bounded, and no chunk is transferred or cloned.
 */
import { Worker } from 'node:worker_threads'
import type { ArchiveDigester, ArchiveDigestValues } from '../digest/incremental.js'

/** One read of openArchiveFile fits a slot, so a file costs one message per read and digest. */
const SLOT_BYTES = 4 * 1024 * 1024
const SLOTS = 6
/** Shared input in flight at most (as much as the pool holds). */
const MAX_SHARED_BYTES = SLOTS * SLOT_BYTES
const ALGORITHMS = ['sha256', 'sha512'] as const

/** To a worker: hash a pool slot's first `length` bytes, or bytes of a shared buffer; or finish. */
type Request = { slot: number, length: number } | { buffer: SharedArrayBuffer, offset: number, length: number } | 'finish'
/** From a worker: a slot it is done with, the length of shared bytes it is done with, or the digest. */
type Reply = { slot: number } | { length: number } | { digest: Uint8Array }

// Runs as CommonJS inside the worker (eval), so it needs no separate file in either src/ or dist/.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads')
const hash = require('node:crypto').createHash(workerData.algorithm)
const slots = workerData.slots.map(buffer => new Uint8Array(buffer))
parentPort.on('message', (m) => {
  if (m === 'finish') { parentPort.postMessage({ digest: hash.digest() }); return }
  if (m.slot !== undefined) {
    hash.update(slots[m.slot].subarray(0, m.length))
    parentPort.postMessage({ slot: m.slot })
  } else {
    hash.update(new Uint8Array(m.buffer, m.offset, m.length))
    parentPort.postMessage({ length: m.length })
  }
})
`

/**
 * An ArchiveDigester for `manifestFromTarball` that computes sha256 and sha512 on worker threads. Call
 * `close()` when the manifest is abandoned before `finish()` (an error), so that the workers do not keep
 * the process alive.
 */
export function createWorkerDigester (): ArchiveDigester & { close(): Promise<void> } {
  const buffers = Array.from({ length: SLOTS }, () => new SharedArrayBuffer(SLOT_BYTES))
  const slots = buffers.map(buffer => new Uint8Array(buffer))
  /** Per slot, how many workers have yet to hash it. */
  const pending = new Uint8Array(SLOTS)
  const free = slots.map((_, i) => SLOTS - 1 - i)
  /** Shared input bytes posted, counted once per worker, that the workers have not hashed yet. */
  let sharedInFlight = 0
  const digests: Array<Promise<Uint8Array>> = []
  let size = 0
  let failure: Error | undefined
  let waiting: (() => void) | undefined
  const wake = (): void => { const w = waiting; waiting = undefined; w?.() }

  const workers = ALGORITHMS.map(algorithm => {
    const worker = new Worker(workerSource, { eval: true, workerData: { algorithm, slots: buffers } })
    let done: ((digest: Uint8Array) => void) | undefined
    let failed: ((err: Error) => void) | undefined
    const digest = new Promise<Uint8Array>((resolve, reject) => { done = resolve; failed = reject })
    // Awaited by finish() only; until then update() sees a failure through `failure`.
    digest.catch(() => {})
    digests.push(digest)
    worker.on('message', (reply: Reply) => {
      if ('digest' in reply) done?.(new Uint8Array(reply.digest))
      else if ('slot' in reply) { if (--(pending[reply.slot] as number) === 0) { free.push(reply.slot); wake() } } else { sharedInFlight -= reply.length; wake() }
    })
    worker.on('error', (err) => { failure = err; failed?.(err); wake() })
    return worker
  })
  const postAll = (request: Request): void => { for (const worker of workers) worker.postMessage(request) }
  const wait = async (): Promise<void> => {
    if (failure !== undefined) throw failure
    await new Promise<void>(resolve => { waiting = resolve })
    if (failure !== undefined) throw failure
  }

  const copy = (bytes: Uint8Array): void => {
    const slot = free.pop() as number
    slots[slot]?.set(bytes)
    pending[slot] = workers.length
    postAll({ slot, length: bytes.length })
  }
  const share = (bytes: Uint8Array): void => {
    sharedInFlight += bytes.length * workers.length
    postAll({ buffer: bytes.buffer as SharedArrayBuffer, offset: bytes.byteOffset, length: bytes.length })
  }
  const isShared = (bytes: Uint8Array): boolean => bytes.buffer instanceof SharedArrayBuffer
  const roomFor = (bytes: Uint8Array): boolean => isShared(bytes)
    ? sharedInFlight === 0 || sharedInFlight + bytes.length * workers.length <= MAX_SHARED_BYTES * workers.length
    : bytes.length <= SLOT_BYTES && free.length > 0

  const send = async (bytes: Uint8Array): Promise<void> => {
    if (isShared(bytes)) {
      while (!roomFor(bytes)) await wait()
      share(bytes)
      return
    }
    for (let at = 0; at < bytes.length; at += SLOT_BYTES) {
      while (free.length === 0) await wait()
      copy(bytes.subarray(at, at + SLOT_BYTES))
    }
  }
  const terminate = async (): Promise<void> => { await Promise.all(workers.map(async worker => await worker.terminate())) }

  return {
    update (bytes) {
      size += bytes.length
      if (bytes.length === 0) return undefined
      // Fast path: room in flight needs no await.
      if (failure === undefined && roomFor(bytes)) {
        if (isShared(bytes)) share(bytes)
        else copy(bytes)
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
    close: terminate
  }
}
