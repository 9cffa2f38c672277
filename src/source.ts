/**
 * What a caller may hand in as archive bytes, normalised to one async iterable of chunks so that the rest of
 * the library has one input shape. Nothing is buffered here: chunks pass through as they arrive.
 */
import { InvalidArgumentError } from './errors.js'

export type ByteSource =
  | Uint8Array
  | AsyncIterable<Uint8Array>
  | Iterable<Uint8Array>
  | ReadableStream<Uint8Array>

export async function * toChunks (source: ByteSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source
    return
  }
  if (isReadableStream(source)) {
    const reader = source.getReader()
    try {
      while (true) {
        const { done, value } = await reader.read()
        if (done) return
        yield checkChunk(value)
      }
    } finally {
      reader.releaseLock()
    }
  }
  if (source != null && (Symbol.asyncIterator in Object(source) || Symbol.iterator in Object(source))) {
    for await (const chunk of source as AsyncIterable<Uint8Array>) yield checkChunk(chunk)
    return
  }
  throw new InvalidArgumentError('archive source must be a Uint8Array, an (async) iterable of Uint8Array or a ReadableStream')
}

function isReadableStream (value: unknown): value is ReadableStream<Uint8Array> {
  return typeof (value as ReadableStream | undefined)?.getReader === 'function'
}

function checkChunk (chunk: unknown): Uint8Array {
  if (!(chunk instanceof Uint8Array)) throw new InvalidArgumentError(`archive source yielded ${typeof chunk}, not a Uint8Array`)
  return chunk
}
