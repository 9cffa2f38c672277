/**
 * The worker thread of createWorkerStreamEncoders (worker-stream-encoders.ts): runs one recipe's encoder at
 * a time over the input it is sent, answering each piece of input with the stream written so far (its
 * own buffer, transferred), and the end with the rest; or with the error that stopped it.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { StreamEncoder } from '../compression/recipe/encoder.js'
import { encoderFor } from '../compression/recipe/registry.js'
import { joinBytes } from '../bytes-concat.js'
import { errorReply } from './worker-errors.js'
import type { StreamJob, StreamReply } from './worker-stream-encoders.js'

if (parentPort === null) throw new Error('stream-worker.js runs as a worker thread')
const port = parentPort

/** The input slots this worker's streams come through (worker-stream-encoders.ts). */
const slots = (workerData as { slots: SharedArrayBuffer[] }).slots
let encoder: Promise<StreamEncoder> | undefined
// Messages are handled one after another: the encoder is loaded asynchronously (its module, its wasm) once.
let queue = Promise.resolve()

port.on('message', (job: StreamJob) => { queue = queue.then(async () => { await handle(job) }) })

async function handle (job: StreamJob): Promise<void> {
  try {
    if (job.kind === 'start') {
      encoder = encoderFor(job.recipe, job.contentSize).then(factory => factory.create())
      // A bad recipe is reported now, not at the first input.
      await encoder
      return
    }
    if (encoder === undefined) return // the stream already failed (its error was sent)
    const current = await encoder
    const parts = job.kind === 'input' ? current.write(new Uint8Array(slots[job.slot] as SharedArrayBuffer, 0, job.length)) : current.end()
    if (job.kind === 'end') { current.dispose?.(); encoder = undefined }
    // Always a fresh buffer: an encoder may hand out views of memory it reuses.
    const out = joinBytes(parts)
    port.postMessage({ kind: job.kind === 'input' ? 'output' : 'done', buffer: out.buffer as ArrayBuffer, length: out.length, ...(job.kind === 'input' ? { slot: job.slot } : {}) } satisfies StreamReply, [out.buffer as ArrayBuffer])
  } catch (err) {
    const failed = encoder
    encoder = undefined
    void failed?.then(e => e.dispose?.(), () => {})
    port.postMessage(errorReply(err) satisfies StreamReply)
  }
}
