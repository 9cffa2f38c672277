/**
 * StreamEncoders (compression/recipe/stream-encoders.ts) on worker threads: a gzip, single-block xz or zstd
 * member is encoded on a worker while this thread reads the blocks, assembles the tar and checks digests.
 * The input reaches the worker through slots of shared memory of its own (slot-pool.ts): each chunk of the
 * tar is copied into the slot being filled (tar pieces are views of blocks still in use), a full slot is
 * handed over, and it is free again when the worker has answered it with the stream written so far (a
 * buffer of its own, transferred). So a stream holds at most SLOTS slots of input and their output, however
 * large the archive. A worker serves one stream at a time; one whose stream ended well waits (unreferenced)
 * for the next, any other is terminated: a stream stopped early, a failure.
 */
import type { Worker } from 'node:worker_threads'
import type { Recipe } from '../compression/recipe/encoder.js'
import type { StreamEncoders } from '../compression/recipe/stream-encoders.js'
import { startScriptWorker } from './script-worker.js'
import { SlotPool } from './slot-pool.js'
import { type ErrorReply, rebuiltError, workerFailure } from './worker-errors.js'

/** Input handed over per message: large enough that messages cost nothing next to encoding it. */
const SLOT_BYTES = 512 * 1024
/** Slots per worker: the input in flight (4 MiB), which keeps the worker busy while this thread makes more. */
const SLOTS = 8
/**
 * Workers kept between streams. One: a server's next rebuild need not start a thread, while a burst of
 * parallel rebuilds leaves no crowd of threads behind, each holding its encoder's memory (xz -9: 674 MiB).
 */
const MAX_IDLE = 1

/** To a worker: a stream's recipe, then its input slot by slot, then its end. */
export type StreamJob =
  | { kind: 'start', recipe: Recipe, contentSize: number }
  | { kind: 'input', slot: number, length: number }
  | { kind: 'end' }
/** From a worker: the stream written for an input slot (which it is done with), the rest at the end, or the error. */
export type StreamReply = { kind: 'output' | 'done', buffer: ArrayBuffer, length: number, slot?: number } | ErrorReply

/** One worker, its input slots and the replies not yet taken. */
class StreamWorker {
  readonly worker: Worker
  readonly slots = new SlotPool(SLOTS, SLOT_BYTES)
  readonly #replies: StreamReply[] = []
  #wake: (() => void) | undefined
  #failure: Error | undefined

  constructor () {
    this.worker = startScriptWorker('stream-worker', { slots: this.slots.buffers })
    this.worker.on('message', (reply: StreamReply) => { this.#replies.push(reply); this.#notify() })
    this.worker.on('error', (cause) => { this.#fail(cause) })
    this.worker.on('exit', (code) => { this.#fail(`exit code ${code}`) })
  }

  get ready (): boolean { return this.#replies.length > 0 }
  /** It stopped (an error, an exit): not to be given a stream. */
  get failed (): boolean { return this.#failure !== undefined }

  /** The next reply, in order; the worker's failure once none is left. */
  async next (): Promise<StreamReply> {
    for (;;) {
      const reply = this.#replies.shift()
      if (reply !== undefined) return reply
      if (this.#failure !== undefined) throw this.#failure
      await new Promise<void>(resolve => { this.#wake = resolve })
    }
  }

  /** Stops it; a stream still awaiting it (close() during a restore) fails with WorkerFailedError. */
  async terminate (): Promise<void> {
    await this.worker.terminate()
  }

  #fail (cause: unknown): void {
    this.#failure ??= workerFailure('stream encoder', cause)
    this.#notify()
  }

  #notify (): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }
}

/**
 * Stream encoders on worker threads, one per stream being encoded (started on the first; a worker whose
 * stream ended well is kept for the next, at most MAX_IDLE of them). Call `close()` when done, so that no worker is left running.
 *
 * @example
 * ```ts
 * const streamEncoders = createWorkerStreamEncoders()
 * try {
 *   await writeFileAtomically('hello-2.10.tar.gz', restoreArchive(cid, car, { streamEncoders }))
 * } finally { await streamEncoders.close() }
 * ```
 */
export function createWorkerStreamEncoders (): StreamEncoders & { close(): Promise<void> } {
  const idle: StreamWorker[] = []
  const live = new Set<StreamWorker>()
  let closed = false

  function acquire (): StreamWorker {
    // One that died while idle is dropped (it is gone already).
    let w = idle.pop()
    while (w?.failed === true) w = idle.pop()
    w ??= new StreamWorker()
    live.add(w)
    // Referenced while it works: a stream awaiting it must keep the process alive.
    w.worker.ref()
    return w
  }

  function release (w: StreamWorker, reusable: boolean): void {
    live.delete(w)
    if (reusable && !closed && idle.length < MAX_IDLE) {
      w.worker.unref()
      idle.push(w)
    } else {
      // Its encoder may be midway (its state and its slots): it is not reused.
      w.terminate().catch(() => {})
    }
  }

  async function * encode (recipe: Recipe, contentSize: number, input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    const w = acquire()
    let ended = false
    try {
      const { slots, worker } = w
      worker.postMessage({ kind: 'start', recipe, contentSize } satisfies StreamJob)
      // The next reply's bytes (undefined: none to give), the stream's end noted.
      const take = async (): Promise<Uint8Array | undefined> => {
        const reply = await w.next()
        if (reply.kind === 'error') throw rebuiltError(reply)
        if (reply.slot !== undefined) slots.release(reply.slot)
        if (reply.kind === 'done') ended = true
        return reply.length === 0 ? undefined : new Uint8Array(reply.buffer, 0, reply.length)
      }
      let slot = -1
      let filled = 0
      const handOver = (): void => {
        worker.postMessage({ kind: 'input', slot, length: filled } satisfies StreamJob)
        slot = -1
      }
      for await (const chunk of input) {
        // Copied before the next chunk is asked for: the caller may reuse its memory.
        for (let at = 0; at < chunk.length;) {
          if (slot < 0) {
            while (!slots.hasFree) { const out = await take(); if (out !== undefined) yield out }
            slot = slots.claim(1)
            filled = 0
          }
          const n = Math.min(SLOT_BYTES - filled, chunk.length - at)
          slots.view(slot).set(chunk.subarray(at, at + n), filled)
          filled += n
          at += n
          if (filled === SLOT_BYTES) handOver()
        }
        // What the worker has answered meanwhile goes on now, not when the slots run out.
        while (w.ready) { const out = await take(); if (out !== undefined) yield out }
      }
      if (slot >= 0) handOver()
      worker.postMessage({ kind: 'end' } satisfies StreamJob)
      while (!ended) { const out = await take(); if (out !== undefined) yield out }
    } finally {
      release(w, ended)
    }
  }

  return {
    encode,
    async close () {
      closed = true
      const all = [...idle.splice(0), ...live]
      live.clear()
      await Promise.all(all.map(async w => { await w.terminate() }))
    }
  }
}
