/**
 * The worker thread of createWorkerBlockEncoders (worker-block-encoders.ts): encodes each piece it is
 * sent (whole, or begun and written to as its input arrives) with the recipe's own encoder and sends the
 * stream back (its buffer transferred), or the error.
 * Told to prepare, it loads a recipe's encoder (its code and WebAssembly) and warms it up before the
 * first piece arrives. A deflate segment it is sent is parsed (parseDeflateSegment) and its tokens sent
 * back the same way.
 */
import { parentPort } from 'node:worker_threads'
import { DeflateSegmentParser, type DeflateSegment } from '../compression/deflate/gnu-gzip-segments.js'
import { encodePiece, PieceEncoder, prepareEncoder } from '../compression/recipe/blocks.js'
import { errorReply } from './worker-errors.js'
import type { BlockJob, BlockReply } from './worker-block-encoders.js'

const port = parentPort
if (port === null) throw new Error('block-worker.js runs as a worker thread')

/** This thread's deflate segment parser: its deflaters' buffers serve segment after segment. */
const segmentParser = new DeflateSegmentParser()
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
      return
    }
    case 'deflate-segment': {
      const { id, level, dataStart, from, next, ends } = job
      let segment: DeflateSegment
      try {
        const tokens = job.tokens === undefined ? undefined : new Uint32Array(job.tokens)
        segment = segmentParser.parse({ level, data: new Uint8Array(job.buffer, 0, job.length), dataStart, from, next, ends, tokens })
      } catch (err) {
        port.postMessage({ ...errorReply(err), id } satisfies BlockReply)
        return
      }
      // The tokens are a view of the parse's own buffer (the room it was given, unless it outgrew it): sent whole.
      const { end, converged, tokens } = segment
      const buffer = tokens.byteOffset === 0 && tokens.buffer instanceof ArrayBuffer ? tokens.buffer : new Uint32Array(tokens).buffer
      port.postMessage({ kind: 'segment', id, buffer, length: tokens.length, end, converged, data: job.buffer } satisfies BlockReply, [buffer, job.buffer])
    }
  }
})

/** Sends piece `id`'s stream back (transferred), or the error that stopped it. */
function answer (id: number, stream: Promise<Uint8Array>): void {
  stream.then(
    (bytes) => {
      const own = ownBuffer(bytes)
      port!.postMessage({ kind: 'done', id, buffer: own.buffer, length: own.length } satisfies BlockReply, [own.buffer])
    },
    (err: unknown) => { port!.postMessage({ ...errorReply(err), id } satisfies BlockReply) }
  )
}

/**
 * `bytes` as all of an ArrayBuffer of its own, to transfer: a copy unless it is (a view of a larger buffer
 * would send all of it). Copied by its constructor, not slice(): on a Node Buffer that is a view.
 */
function ownBuffer (bytes: Uint8Array): Uint8Array & { buffer: ArrayBuffer } {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
  return (whole ? bytes : new Uint8Array(bytes)) as Uint8Array & { buffer: ArrayBuffer }
}
