/**
 * BlockEncoders (compression/recipe/blocks.ts) on worker threads: the pieces of a bzip2 stream, or of an
 * xz stream in the threaded layout, are encoded on the other cores while this thread rebuilds the tar and
 * checks its digests. A piece's bytes are transferred to its worker and its stream transferred back (each
 * is a buffer of its own, made for that one hand-over). A worker is given a piece only when it is idle:
 * pieces given while every worker is busy wait here, in order, for the first to be done (a piece queued
 * behind a busy worker would leave another idle meanwhile). A piece begun (`begin`) has its worker chosen
 * the same way, its input posted to it as it arrives (kept here only while it waits for one). A deflate
 * segment to parse (`parseDeflate`) is a job like a piece: its input transferred, given to an idle worker
 * or waiting in the same queue, its tokens transferred back. The workers start on `prepare()` or the first
 * job, so a restore that has none starts none.
 */
import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import { parseDeflateSegment, type DeflateSegment } from '../compression/deflate/gnu-gzip-segments.js'
import { encodePiece, PieceEncoder, type BlockEncoders, type PieceSink } from '../compression/recipe/blocks.js'
import type { Recipe } from '../compression/recipe/encoder.js'
import { startScriptWorker } from './script-worker.js'
import { type ErrorReply, rebuiltError, workerFailure } from './worker-errors.js'

/**
 * To a worker: a piece to encode (its bytes in `buffer`, transferred), or a recipe whose encoder to load now;
 * or a piece begun ('begin'), its input in 'write's (transferred), answered once its 'end' is encoded; or a
 * deflate segment to parse (a DeflateSegmentJob, its `data` in `buffer` and the room for its tokens in `tokens`, both
 * transferred whole).
 */
export type BlockJob = { kind: 'piece', id: number, recipe: Recipe, buffer: ArrayBuffer, length: number } | { kind: 'prepare', recipe: Recipe }
  | { kind: 'begin', id: number, recipe: Recipe } | { kind: 'write', id: number, buffer: ArrayBuffer, length: number } | { kind: 'end', id: number }
  | { kind: 'deflate-segment', id: number, level: number, dataStart: number, from: number, next: number | undefined, ends: boolean, buffer: ArrayBuffer, length: number, tokens: ArrayBuffer | undefined }
/**
 * From a worker: the piece's stream ('done'), or the segment's parse ('segment': `length` tokens at the start
 * of `buffer`, and the job's data given back in `data`, both transferred), or the error that stopped either.
 */
export type BlockReply = { kind: 'done', id: number, buffer: ArrayBuffer, length: number }
  | { kind: 'segment', id: number, buffer: ArrayBuffer, length: number, end: number, converged: boolean, data: ArrayBuffer }
  | (ErrorReply & { id: number })
/** A job's answer, as a worker sends it. */
type AnswerReply = Exclude<BlockReply, { kind: 'error' }>

interface Pending { resolve: (reply: AnswerReply) => void, reject: (err: Error) => void, worker: number }
/** A piece waiting for an idle worker: `give` gives it the worker. */
interface Queued { give: (worker: number) => void, reject: Pending['reject'] }

export interface WorkerBlockEncodersOptions {
  /**
   * One more encoder, in the calling thread, taking a piece only while every worker is busy (it blocks
   * the thread meanwhile): for a thread that would otherwise wait for the workers, like the race worker
   * on two cores once a race is handed over to block verification.
   */
  here?: boolean
}

/**
 * Block encoders on `threads` worker threads (default: one per core, at most 4). Call `close()` when done,
 * so that the workers do not keep the process alive (pieces not encoded by then fail, ERR_WORKER_FAILED).
 */
export function createWorkerBlockEncoders (threads = Math.min(4, availableParallelism()), options: WorkerBlockEncodersOptions = {}): BlockEncoders & { close(): Promise<void> } {
  const count = Math.max(1, threads)
  const here = options.here === true
  const workers: Worker[] = []
  /** Whether each worker has a piece. */
  const busy: boolean[] = []
  const pending = new Map<number, Pending>()
  /** Pieces waiting for a worker to be idle, in order. */
  const queue: Queued[] = []
  /** The listeners this pool added to each worker (beside `workers`): it removes these only, never an outside one. */
  const added: Array<{ message: (reply: BlockReply) => void, exit: (code: number) => void }> = []
  let nextId = 0

  // Pieces in flight fail with the worker's error, and the pool starts afresh on the next piece: one failed
  // worker must not stop every later rebuild of a long-lived server.
  function fail (cause: unknown): void {
    for (const worker of stop(cause)) void worker.terminate()
  }

  /** Fails the pieces in flight or waiting with `cause`, and lets go of the workers (for the caller to terminate). */
  function stop (cause: unknown): Worker[] {
    const err = workerFailure('block encoder', cause)
    for (const p of [...pending.values(), ...queue.splice(0)]) p.reject(err)
    pending.clear()
    const dead = workers.splice(0)
    busy.splice(0)
    const listeners = added.splice(0)
    dead.forEach((worker, i) => { worker.off('message', listeners[i]!.message).off('error', fail).off('exit', listeners[i]!.exit) })
    return dead
  }

  function start (): void {
    for (let i = 0; i < count; i++) {
      const worker = startScriptWorker('block-worker', undefined)
      const onMessage = (reply: BlockReply): void => {
        const p = pending.get(reply.id)
        if (p === undefined) return
        pending.delete(reply.id)
        busy[p.worker] = false
        queue.shift()?.give(p.worker)
        if (reply.kind === 'error') p.reject(rebuiltError(reply))
        else p.resolve(reply)
      }
      const onExit = (code: number): void => { fail(`exit code ${code}`) }
      worker.on('message', onMessage)
      worker.on('error', fail)
      worker.on('exit', onExit)
      workers.push(worker)
      added.push({ message: onMessage, exit: onExit })
      busy.push(false)
    }
  }

  /** Gives worker `w` the job `id`, answered through `resolve` or `reject`. */
  function take (w: number, id: number, resolve: Pending['resolve'], reject: Pending['reject']): void {
    busy[w] = true
    pending.set(id, { resolve, reject, worker: w })
  }

  /** Resolves a piece with its stream. */
  const streamTo = (resolve: (stream: Uint8Array) => void, reject: Pending['reject']): Pending['resolve'] =>
    expecting('done', reply => { resolve(new Uint8Array(reply.buffer, 0, reply.length)) }, reject)

  /** Starts the workers if need be, and calls `give` with an idle worker's index now or once one is. */
  function withWorker (give: Queued['give'], reject: Queued['reject']): void {
    if (workers.length === 0) start()
    const idle = busy.indexOf(false)
    if (idle >= 0) give(idle)
    else queue.push({ give, reject })
  }

  /** Posts to piece `id`'s worker (nothing once the piece failed: its worker is gone). */
  function post (id: number, job: BlockJob, transfer: ArrayBuffer[] = []): void {
    const p = pending.get(id)
    if (p !== undefined) workers[p.worker]!.postMessage(job, transfer)
  }

  /** Whether every worker is busy, so that a piece is encoded in this thread instead (`here`). */
  const hereNow = (): boolean => here && busy.length === count && busy.every(b => b)

  return {
    width: here ? count + 1 : count,
    prepare (recipe) {
      if (workers.length === 0) start()
      for (const worker of workers) worker.postMessage({ kind: 'prepare', recipe } satisfies BlockJob)
    },
    async encode (recipe, piece) {
      // The first pieces go to the workers, so that this thread takes the input of the next one meanwhile.
      if (hereNow()) return await encodePiece(recipe, piece)
      const own = ownBytes(piece)
      const job = { kind: 'piece', id: nextId++, recipe, buffer: own.buffer as ArrayBuffer, length: own.length } satisfies BlockJob
      return await new Promise<Uint8Array>((resolve, reject) => {
        withWorker(w => { take(w, job.id, streamTo(resolve, reject), reject); workers[w]!.postMessage(job, [job.buffer]) }, reject)
      })
    },
    begin (recipe): PieceSink {
      if (hereNow()) return new PieceEncoder(recipe)
      const id = nextId++
      /** Input given while the piece waits for a worker; undefined once it has one. */
      let waiting: Uint8Array[] | undefined = []
      let ended = false
      const write = (bytes: Uint8Array): void => {
        const own = ownBytes(bytes)
        post(id, { kind: 'write', id, buffer: own.buffer as ArrayBuffer, length: own.length }, [own.buffer as ArrayBuffer])
      }
      const stream = new Promise<Uint8Array>((resolve, reject) => {
        withWorker(w => {
          take(w, id, streamTo(resolve, reject), reject)
          workers[w]!.postMessage({ kind: 'begin', id, recipe } satisfies BlockJob)
          for (const bytes of waiting ?? []) write(bytes)
          waiting = undefined
          if (ended) post(id, { kind: 'end', id })
        }, (err) => { waiting = undefined; reject(err) }) // failed while waiting: later input is dropped, not kept
      })
      return {
        write (bytes) { if (waiting !== undefined) waiting.push(bytes); else write(bytes) },
        async end () {
          ended = true
          if (waiting === undefined) post(id, { kind: 'end', id })
          return await stream
        }
      }
    },
    async parseDeflate (segment) {
      // In this thread only while every worker is busy, as a piece (it blocks this thread meanwhile).
      if (hereNow()) return parseDeflateSegment(segment)
      // The data and the room for tokens go over whole (the caller gave up the buffers they view) and come back.
      const data = segment.data.byteOffset === 0 && segment.data.buffer instanceof ArrayBuffer ? segment.data : new Uint8Array(segment.data)
      const room = segment.tokens !== undefined && segment.tokens.byteOffset === 0 && segment.tokens.buffer instanceof ArrayBuffer ? segment.tokens.buffer : undefined
      const { level, dataStart, from, next, ends } = segment
      const job = { kind: 'deflate-segment', id: nextId++, level, dataStart, from, next, ends, buffer: data.buffer as ArrayBuffer, length: data.length, tokens: room } satisfies BlockJob
      return await new Promise<DeflateSegment>((resolve, reject) => {
        const parsed = expecting('segment', reply => {
          resolve({ tokens: new Uint32Array(reply.buffer, 0, reply.length), end: reply.end, converged: reply.converged, data: new Uint8Array(reply.data, 0, job.length) })
        }, reject)
        withWorker(w => { take(w, job.id, parsed, reject); workers[w]!.postMessage(job, room === undefined ? [job.buffer] : [job.buffer, room]) }, reject)
      })
    },
    async close () {
      // Pieces not encoded yet fail rather than wait forever for workers that are gone (a later piece starts
      // the pool afresh). Exits asked for are no failures; an outside listener still hears them.
      await Promise.all(stop('closed').map(async worker => await worker.terminate()))
    }
  }
}

/**
 * Settles a job whose answer is a `kind` reply through `settle`; another kind (a worker out of step with
 * this module) fails it, typed, rather than being read as the wrong thing.
 */
function expecting<K extends AnswerReply['kind']> (kind: K, settle: (reply: Extract<AnswerReply, { kind: K }>) => void, reject: Pending['reject']): Pending['resolve'] {
  return reply => {
    if (reply.kind === kind) settle(reply as Extract<AnswerReply, { kind: K }>)
    else reject(workerFailure('block encoder', `a '${reply.kind}' reply to a job awaiting '${kind}'`))
  }
}

/** `bytes` as all of an ArrayBuffer of their own, to transfer: a copy unless they are (not slice(): on a Node Buffer that is a view of the caller's memory). */
function ownBytes (bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes : new Uint8Array(bytes)
}
