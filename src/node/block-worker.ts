/**
 * The worker thread of createWorkerBlockEncoders (worker-block-encoders.ts): encodes each piece it is
 * sent (whole, or begun and written to as its input arrives) with the recipe's own encoder and sends the
 * stream back (its buffer transferred), or the error.
 * Told to prepare, it loads a recipe's encoder (its code and WebAssembly) and warms it up before the
 * first piece arrives.
 */
import { parentPort } from 'node:worker_threads'
import { encodePiece, PieceEncoder, prepareEncoder } from '../compression/recipe/blocks.js'
import { errorReply } from './worker-errors.js'
import type { BlockJob, BlockReply } from './worker-block-encoders.js'

const port = parentPort
if (port === null) throw new Error('block-worker.js runs as a worker thread')

/** Pieces begun and not ended, encoded as their input arrives. */
const begun = new Map<number, PieceEncoder>()

port.on('message', (job: BlockJob) => {
  switch (job.kind) {
    // A bad recipe is reported by its first piece, as without this.
    case 'prepare': prepareEncoder(job.recipe).catch(() => {}); return
    case 'piece': answer(job.id, encodePiece(job.recipe, new Uint8Array(job.buffer, 0, job.length))); return
    case 'begin': begun.set(job.id, new PieceEncoder(job.recipe)); return
    case 'write': begun.get(job.id)?.write(new Uint8Array(job.buffer, 0, job.length)); return
    case 'end': {
      const piece = begun.get(job.id)
      begun.delete(job.id)
      if (piece !== undefined) answer(job.id, piece.end())
    }
  }
})

/** Sends piece `id`'s stream back (transferred), or the error that stopped it. */
function answer (id: number, stream: Promise<Uint8Array>): void {
  stream.then(
    (bytes) => {
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()
      port!.postMessage({ kind: 'done', id, buffer: own.buffer as ArrayBuffer, length: own.length } satisfies BlockReply, [own.buffer as ArrayBuffer])
    },
    (err: unknown) => { port!.postMessage({ ...errorReply(err), id } satisfies BlockReply) }
  )
}
