/**
 * The worker thread of createWorkerBlockEncoders (worker-block-encoders.ts): encodes each piece it is
 * sent with the recipe's own encoder and sends the stream back (its buffer transferred), or the error.
 * Told to prepare, it loads a recipe's encoder (its code and WebAssembly) and warms it up before the
 * first piece arrives.
 */
import { parentPort } from 'node:worker_threads'
import { encodePiece, prepareEncoder } from '../compression/recipe/blocks.js'
import { errorReply } from './worker-errors.js'
import type { BlockJob, BlockReply } from './worker-block-encoders.js'

const port = parentPort
if (port === null) throw new Error('block-worker.js runs as a worker thread')

port.on('message', (job: BlockJob) => {
  // A bad recipe is reported by its first piece, as without this.
  if (job.kind === 'prepare') { prepareEncoder(job.recipe).catch(() => {}); return }
  encodePiece(job.recipe, new Uint8Array(job.buffer, 0, job.length)).then(
    (stream) => {
      const own = stream.byteOffset === 0 && stream.byteLength === stream.buffer.byteLength ? stream : stream.slice()
      port.postMessage({ kind: 'done', id: job.id, buffer: own.buffer as ArrayBuffer, length: own.length } satisfies BlockReply, [own.buffer as ArrayBuffer])
    },
    (err: unknown) => { port.postMessage({ ...errorReply(err), id: job.id } satisfies BlockReply) }
  )
})
