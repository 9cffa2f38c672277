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

/**
 * The first `n` bytes of `source` (fewer when it is shorter) and all of its chunks again, from the first:
 * what format detection needs from a stream that can be read only once. Chunks after the head are pulled
 * on demand; a consumer that stops early closes the source, and `cancel` closes it when the chunks are
 * not to be read at all (a generator that never started runs no `finally`).
 *
 * @example
 * ```ts
 * const { head, chunks } = await peekHead(stream, 512)
 * ```
 */
export async function peekHead (source: ByteSource, n: number): Promise<{ head: Uint8Array, chunks: AsyncGenerator<Uint8Array>, cancel: () => Promise<void> }> {
  const iterator = toChunks(source)[Symbol.asyncIterator]()
  const pulled: Uint8Array[] = []
  let length = 0
  let done = false
  while (length < n) {
    const next = await iterator.next()
    if (next.done === true) { done = true; break }
    pulled.push(next.value)
    length += next.value.length
  }
  const head = new Uint8Array(Math.min(length, n))
  let at = 0
  for (const chunk of pulled) {
    if (at === head.length) break
    const count = Math.min(chunk.length, head.length - at)
    head.set(chunk.subarray(0, count), at)
    at += count
  }
  const chunks = (async function * (): AsyncGenerator<Uint8Array> {
    try {
      yield * pulled
      while (!done) {
        const next = await iterator.next()
        if (next.done === true) done = true
        else yield next.value
      }
    } finally {
      // Stopped early (an error in the archive): let the source close (a file handle, a stream's lock).
      if (!done) await iterator.return?.(undefined)
    }
  })()
  const cancel = async (): Promise<void> => { if (!done) { done = true; await iterator.return?.(undefined) } }
  return { head, chunks, cancel }
}
