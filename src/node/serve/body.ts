/**
 * Streaming a response body whose length the headers have already promised. Two rules make a failure
 * visible to any HTTP client: the last chunk is held back until the source has ended without error (a
 * restore checks the archive's digest only after its last byte, and throws there), and an error destroys
 * the connection. The client then holds fewer bytes than Content-Length and a broken connection, never a
 * complete wrong body. Writes wait for the socket to drain, so a slow reader costs one chunk of memory.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import type { Limiter } from './limiter.js'

export interface SendOptions {
  /** A reader that has not taken a written chunk for this long is cut off (its slot is freed). */
  drainTimeoutMs: number
}

/**
 * Writes `chunks` to `res` and ends it; on an error of the source or of the connection, destroys the
 * connection and rethrows (the caller logs). Stops reading the source when the client goes away.
 */
export async function sendBody (res: ServerResponse, chunks: AsyncIterable<Uint8Array>, options: SendOptions): Promise<void> {
  let held: Uint8Array | undefined
  // The status line goes out now, not with the first chunk: a client learns at once that the body is coming.
  res.flushHeaders()
  try {
    for await (const chunk of chunks) {
      if (chunk.length === 0) continue
      if (held !== undefined) await write(res, held, options)
      held = chunk
    }
    if (held !== undefined) await write(res, held, options)
    res.end()
  } catch (err) {
    res.destroy(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}

async function write (res: ServerResponse, chunk: Uint8Array, options: SendOptions): Promise<void> {
  if (res.destroyed) throw new ClientGoneError()
  if (res.write(chunk)) return
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error): void => {
      clearTimeout(timer)
      res.off('drain', onDrain)
      res.off('close', onClose)
      if (err === undefined) resolve()
      else reject(err)
    }
    const onDrain = (): void => done()
    const onClose = (): void => done(new ClientGoneError())
    const timer = setTimeout(() => done(new Error(`the client took no data for ${options.drainTimeoutMs} ms`)), options.drainTimeoutMs)
    res.on('drain', onDrain)
    res.on('close', onClose)
  })
}

/** The client closed the connection before the body was sent: not a failure of the server. */
export class ClientGoneError extends Error {
  constructor () {
    super('the client closed the connection')
    this.name = 'ClientGoneError'
  }
}

/**
 * A 200 response streamed from `body`: a HEAD request gets the headers alone; otherwise one of `streams`'
 * slots is held while the body is made and sent (sendBody's rules), so that at most that many run at once.
 */
export async function sendStreamed (req: IncomingMessage, res: ServerResponse, headers: OutgoingHttpHeaders, body: () => AsyncIterable<Uint8Array>, streams: Limiter, options: SendOptions, signal: AbortSignal): Promise<void> {
  if (req.method === 'HEAD') {
    res.writeHead(200, headers).end()
    return
  }
  const release = await streams.acquire(signal)
  try {
    res.writeHead(200, headers)
    await sendBody(res, body(), options)
  } finally {
    release()
  }
}
