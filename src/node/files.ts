/** Node file I/O for archives: a file as a stream of chunks, with its size for progress reporting. */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'

/** 1 MiB reads: one v1-2025 chunk per read, and few enough reads for the per-chunk work to vanish. */
const READ_BYTES = 1024 * 1024

export async function openArchiveFile (path: string): Promise<{ size: number, chunks: AsyncIterable<Uint8Array> }> {
  const { size } = await stat(path)
  return { size, chunks: createReadStream(path, { highWaterMark: READ_BYTES }) }
}
