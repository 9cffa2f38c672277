/** Node file I/O for archives: a file as a stream of chunks, read ahead so that parsing never waits. */
import { open } from 'node:fs/promises'

/** Large reads: few chunks to route, and few v1-2025 chunks that straddle two reads (those are copied). */
const READ_BYTES = 4 * 1024 * 1024
/** Reads kept in flight while the consumer works on the current chunk. */
const READ_AHEAD = 2

export async function openArchiveFile (path: string): Promise<{ size: number, chunks: AsyncIterable<Uint8Array> }> {
  const handle = await open(path, 'r')
  const { size } = await handle.stat()
  async function * chunks (): AsyncGenerator<Uint8Array> {
    const reads: Array<Promise<Uint8Array>> = []
    let next = 0
    const schedule = (): void => {
      while (reads.length < READ_AHEAD && next < size) {
        const position = next
        const length = Math.min(READ_BYTES, size - position)
        next += length
        reads.push(handle.read(new Uint8Array(length), 0, length, position).then(({ bytesRead, buffer }) =>
          bytesRead === length ? buffer : buffer.subarray(0, bytesRead)))
      }
    }
    try {
      schedule()
      while (reads.length > 0) {
        const chunk = await (reads.shift() as Promise<Uint8Array>)
        schedule()
        if (chunk.length > 0) yield chunk
      }
    } finally {
      // Settle reads still in flight before closing the handle under them.
      await Promise.allSettled(reads)
      await handle.close()
    }
  }
  return { size, chunks: chunks() }
}

/** A file as a RandomAccessSource (what zip needs: it is read from its end); close it when done. */
export async function openRandomAccessFile (path: string): Promise<{ size: number, read: (offset: number, length: number) => Promise<Uint8Array>, close: () => Promise<void> }> {
  const handle = await open(path, 'r')
  const { size } = await handle.stat()
  let closed = false
  return {
    size,
    read: async (offset, length) => {
      const buffer = new Uint8Array(length)
      let done = 0
      while (done < length) {
        const { bytesRead } = await handle.read(buffer, done, length - done, offset + done)
        if (bytesRead === 0) break
        done += bytesRead
      }
      return done === length ? buffer : buffer.subarray(0, done)
    },
    close: async () => { if (!closed) { closed = true; await handle.close() } }
  }
}
