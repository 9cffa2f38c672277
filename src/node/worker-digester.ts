/**
 * The archive's sha512 on another core. sha512 alone costs more than chunking and hashing every UnixFS
 * leaf (0.8 GB/s against 1.65 GB/s for sha256 on the machines measured), so it runs in a worker thread
 * while the main thread parses, hashes leaves and keeps the whole-archive sha256; on two cores that
 * balances the load. Chunks travel in buffers of a small pool that the worker hands back after hashing
 * (transfers, no clone; reused memory, no page faults), and the pool's size bounds the memory in flight.
 */
import { Worker } from 'node:worker_threads'
import { createDigest, type ArchiveDigester, type ArchiveDigestValues } from '../digest/incremental.js'

const SLOT_BYTES = 4 * 1024 * 1024
const SLOTS = 4

// Runs as CommonJS inside the worker (eval), so it needs no separate file in either src/ or dist/.
const workerSource = `
const { parentPort } = require('node:worker_threads')
const hash = require('node:crypto').createHash('sha512')
parentPort.on('message', ({ buffer, length }) => {
  if (buffer === undefined) { parentPort.postMessage({ digest: hash.digest() }); return }
  hash.update(new Uint8Array(buffer, 0, length))
  parentPort.postMessage({ buffer }, [buffer])
})
`

/**
 * An ArchiveDigester for `manifestFromTarball` that computes sha512 on a worker thread. Call `close()`
 * when the manifest is abandoned before `finish()` (an error), so that the worker does not keep the
 * process alive.
 */
export function createWorkerDigester (): ArchiveDigester & { close(): Promise<void> } {
  const worker = new Worker(workerSource, { eval: true })
  const sha256 = createDigest('sha256')
  const free: ArrayBuffer[] = []
  let allocated = 0
  let size = 0
  let failure: Error | undefined
  let waiting: (() => void) | undefined
  let result: ((digest: Uint8Array) => void) | undefined

  worker.on('message', (message: { buffer?: ArrayBuffer, digest?: Uint8Array }) => {
    if (message.digest !== undefined) { result?.(new Uint8Array(message.digest)); return }
    free.push(message.buffer as ArrayBuffer)
    const wake = waiting; waiting = undefined; wake?.()
  })
  worker.on('error', (err) => { failure = err; const wake = waiting; waiting = undefined; wake?.() })

  const slot = async (): Promise<ArrayBuffer> => {
    while (true) {
      if (failure !== undefined) throw failure
      const buffer = free.pop()
      if (buffer !== undefined) return buffer
      if (allocated < SLOTS) { allocated++; return new ArrayBuffer(SLOT_BYTES) }
      await new Promise<void>(resolve => { waiting = resolve })
    }
  }

  const send = async (bytes: Uint8Array): Promise<void> => {
    for (let at = 0; at < bytes.length; at += SLOT_BYTES) {
      const piece = bytes.subarray(at, at + SLOT_BYTES)
      const buffer = await slot()
      new Uint8Array(buffer).set(piece)
      worker.postMessage({ buffer, length: piece.length }, [buffer])
    }
  }

  return {
    update (bytes) {
      size += bytes.length
      sha256.update(bytes)
      // Fast path: a free slot and a piece that fits need no await.
      if (failure === undefined && bytes.length <= SLOT_BYTES && (free.length > 0 || allocated < SLOTS)) {
        const buffer = free.pop() ?? (allocated++, new ArrayBuffer(SLOT_BYTES))
        new Uint8Array(buffer).set(bytes)
        worker.postMessage({ buffer, length: bytes.length }, [buffer])
        return undefined
      }
      return send(bytes)
    },
    async finish (): Promise<ArchiveDigestValues> {
      const digest = new Promise<Uint8Array>((resolve, reject) => {
        result = resolve
        worker.once('error', reject)
      })
      worker.postMessage({})
      try {
        return { size, sha256: sha256.digest(), sha512: await digest }
      } finally {
        await worker.terminate()
      }
    },
    async close () { await worker.terminate() }
  }
}
