/**
 * Recipe races on a worker thread (src/node/race-worker.ts): while this thread decompresses the archive
 * and describes the tar, the other core runs the candidate encoders, whose cost for a compressed archive
 * is about that of compressing it again. The bytes cross in order through a pool of shared slots
 * (slot-pool.ts; a transferred copy when none is free), and `ready()` holds the caller back while more
 * than MAX_IN_FLIGHT bytes wait for the worker.
 */
import { availableParallelism } from 'node:os'
import type { Recipe } from '../compression/recipe/encoder.js'
import type { RacePlan, RecipeRaces } from '../compression/recipe/races.js'
import { startScriptWorker } from './script-worker.js'
import { type ErrorReply, rebuiltError, workerFailure } from './worker-errors.js'
import { SlotPool } from './slot-pool.js'

/** Bytes handed to the worker and not yet raced, at most (then `ready()` waits). */
const MAX_IN_FLIGHT = 4 * 1024 * 1024
/**
 * A slot holds one piece: the decompressors hand on 64-128 KiB at a time, so larger slots would be mostly
 * empty, and the bytes in flight beyond them would cross as copies, a buffer each, which the worker frees
 * only when its heap is collected (1 MiB slots: 9 of sed's 11 MB tar crossed as copies).
 */
const SLOT_BYTES = 64 * 1024
const SLOTS = MAX_IN_FLIGHT / SLOT_BYTES

/** To the worker: a member's plan, its next bytes (in a slot, or a buffer of their own), or its end. */
export type RaceMessage =
  | { kind: 'start', plan: RacePlan }
  | { kind: 'expected' | 'input', slot: number, length: number }
  | { kind: 'expected' | 'input', buffer: ArrayBuffer, length: number }
  | { kind: 'end', length: number }

/** From the worker: bytes it has raced (and the slot they were in), the current member's verdict, or the error that stopped it. */
export type RaceReply =
  | { kind: 'done', length: number, slot?: number }
  | { kind: 'verdict', recipe?: Recipe }
  | ErrorReply

export interface WorkerRacesOptions {
  /**
   * Threads of the race worker's own on which a bzip2 member's recipe is verified block by block
   * (BlockVerifier); 0: its race runs on the race worker alone. Default: the cores beyond the two that the
   * main thread (decompressing, describing) and the race worker already keep busy (at most 4), so none on two cores,
   * where more threads would only add their start-up to the same total work.
   */
  blockThreads?: number
  /**
   * Whether an xz member in the threaded layout (`xz -T2`), once its race is down to one candidate, is
   * verified block by block on a thread of its own (or the `blockThreads`) and the race worker, two blocks
   * at once: about half the time on two cores, for a second encoder's memory (an `xz -6` block's encoder,
   * its input and output: ~190 MB more at the peak). Default false.
   */
  xzBlocks?: boolean
}

/**
 * RecipeRaces for `manifestFromTarball` (option `recipeRaces`) that run on a worker thread. Call `close()`
 * when done (or abandoned), so that the worker does not keep the process alive.
 */
export function createWorkerRaces (options: WorkerRacesOptions = {}): RecipeRaces & { close(): Promise<void> } {
  const pool = new SlotPool(SLOTS, SLOT_BYTES)
  const blockThreads = options.blockThreads ?? Math.min(4, Math.max(0, availableParallelism() - 2))
  const worker = startScriptWorker('race-worker', { slots: pool.buffers, blockThreads, xzBlocks: options.xzBlocks === true })
  const verdicts: Array<{ resolve: (recipe: Recipe | undefined) => void, reject: (err: Error) => void }> = []
  let inFlight = 0
  let failure: Error | undefined
  let waiting: (() => void) | undefined
  const wake = (): void => { const w = waiting; waiting = undefined; w?.() }

  worker.on('message', (reply: RaceReply) => {
    if (reply.kind === 'done') {
      inFlight -= reply.length
      if (reply.slot !== undefined) pool.release(reply.slot)
      if (inFlight <= MAX_IN_FLIGHT) wake()
    } else if (reply.kind === 'verdict') {
      verdicts.shift()?.resolve(reply.recipe)
    } else {
      fail(rebuiltError(reply))
    }
  })
  function fail (err: Error): void {
    failure ??= err
    for (const v of verdicts.splice(0)) v.reject(failure)
    wake()
  }
  worker.on('error', (err) => { fail(workerFailure('recipe race', err)) })
  const onExit = (code: number): void => { fail(workerFailure('recipe race', `exit code ${code}`)) }
  worker.on('exit', onExit)

  const send = (kind: 'expected' | 'input', bytes: Uint8Array): void => {
    if (failure !== undefined || bytes.length === 0) return
    inFlight += bytes.length
    // The caller keeps its bytes (the tar description reads them too): the worker reads a copy in a slot,
    // or when none is free (ready() bounds that), a copy of its own.
    for (let at = 0; at < bytes.length; at += SLOT_BYTES) {
      const piece = bytes.subarray(at, at + SLOT_BYTES)
      if (pool.hasFree) {
        worker.postMessage({ kind, slot: pool.put(piece, 1), length: piece.length } satisfies RaceMessage)
      } else {
        const copy = new Uint8Array(piece) // not slice(): on a Node Buffer that is a view of the caller's memory
        worker.postMessage({ kind, buffer: copy.buffer, length: copy.length } satisfies RaceMessage, [copy.buffer])
      }
    }
  }

  return {
    start (plan) {
      if (failure === undefined) worker.postMessage({ kind: 'start', plan } satisfies RaceMessage)
      return undefined
    },
    expected (bytes) { send('expected', bytes) },
    input (bytes) { send('input', bytes) },
    // send() copies: lent bytes are safe to hand over.
    inputLent (bytes) { send('input', bytes) },
    async end (length) {
      if (failure !== undefined) throw failure
      const verdict = new Promise<Recipe | undefined>((resolve, reject) => { verdicts.push({ resolve, reject }) })
      worker.postMessage({ kind: 'end', length } satisfies RaceMessage)
      return await verdict
    },
    ready () {
      if (failure !== undefined) return Promise.reject(failure)
      if (inFlight <= MAX_IN_FLIGHT) return undefined
      return new Promise<void>((resolve) => { waiting = resolve }).then(() => { if (failure !== undefined) throw failure })
    },
    async close () {
      // The exit asked for is no failure; an outside listener still hears it.
      worker.off('exit', onExit)
      await worker.terminate()
    }
  }
}
