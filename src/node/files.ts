/**
 * Node file I/O for archives: a file as a stream of chunks, read ahead so that parsing never waits. A
 * regular file is read by position; anything else that can be read (a pipe, a FIFO, a socket, stdin) is read
 * once, in order, as it comes: its size is known only at its end, never from stat (0 for a pipe).
 */
import { type BigIntStats, closeSync, constants, createReadStream, fstatSync, open as openFd } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { Socket } from 'node:net'
import type { Readable } from 'node:stream'
import { joinBytes } from '../bytes-concat.js'
import { FileChangedError, NotAFileError } from '../errors.js'
import { statInput, typedFsError } from './fs-errors.js'
import type { SlotPool } from './slot-pool.js'

/** Large reads: few chunks to route, and few v1-2025 chunks that straddle two reads (those are copied). */
const READ_BYTES = 4 * 1024 * 1024
/** Reads kept in flight while the consumer works on the current chunk. */
const READ_AHEAD = 2

/**
 * A regular file as found when it was first stat'ed or opened: each later open of its path must find this
 * file (device and inode), of this size, or the reader would describe another file than the one it was
 * asked for, or the one it read first.
 */
export interface FileIdentity {
  readonly dev: bigint
  readonly ino: bigint
  readonly size: number
}

const identityOf = (info: BigIntStats): FileIdentity => ({ dev: info.dev, ino: info.ino, size: Number(info.size) })

/**
 * The bytes of the file at `path` as chunks, with its size when it is a regular file (undefined for a pipe,
 * FIFO or socket: such a file is read as a stream, once). A missing file is a FileNotFoundError and a
 * directory or a device a NotAFileError, here; the file is opened only when the first chunk is asked for
 * (an error in opening it comes from there, typed: NotAFileError if no regular file is there any more,
 * FileChangedError if another one is, or this one was cut or grown) and closed when the chunks end, fail
 * or are given up.
 */
export async function openArchiveFile (path: string): Promise<{ size: number | undefined, chunks: AsyncIterable<Uint8Array> }> {
  const info = await statInput(path)
  if (!info.isFile()) return { size: undefined, chunks: streamChunks(path) }
  return readRegularFile(path, identityOf(info))
}

/** openArchiveFile's chunks of a regular file, which must be `file` when opened. */
export function readRegularFile (path: string, file: FileIdentity): { size: number, chunks: AsyncIterable<Uint8Array> } {
  const size = file.size
  async function * chunks (handle: FileHandle): AsyncGenerator<Uint8Array> {
    const reads: Array<Promise<Uint8Array>> = []
    let next = 0
    const schedule = (): void => {
      while (reads.length < READ_AHEAD && next < size) {
        const position = next
        const length = Math.min(READ_BYTES, size - position)
        next += length
        const buffer = new Uint8Array(length)
        const read = readAt(handle, buffer, position).then(bytesRead => {
          if (bytesRead < length) throw cutWhileRead(path, position + bytesRead, size)
          return buffer
        })
        // Thrown in order, where it is awaited: not reported unhandled while the chunks before it are used.
        read.catch(() => {})
        reads.push(read)
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
      // Settle reads still in flight before the handle is closed under them.
      await Promise.allSettled(reads)
    }
  }
  return { size, chunks: whileOpen(path, file, chunks) }
}

/**
 * The bytes of the regular file at `path`, read straight into `pool`'s slots, a slot a read: no buffer per
 * read (fresh memory costs a page fault a page and the collector's work), and a digester on the same pool
 * (createWorkerDigester) hashes them where they lie. The chunks are lent: a chunk's memory is reused once
 * the chunk after the next has been asked for (one chunk of slack for a look-ahead such as peekHead's), so
 * the consumer copies what it keeps longer (manifestFromTarball's `lentChunks`). Opened and closed as
 * openArchiveFile's; when `file` is given (the file as a first open found it), the one opened must be
 * that one.
 */
export async function lendArchiveFile (path: string, pool: SlotPool, file?: FileIdentity): Promise<{ size: number, chunks: AsyncIterable<Uint8Array> }> {
  const expected = file ?? identityOf(await statRegularFile(path))
  const size = expected.size
  async function * chunks (handle: FileHandle): AsyncGenerator<Uint8Array> {
    const reads: Array<{ slot: number, read: Promise<number>, position: number, length: number }> = []
    /** Slots yielded and not yet released, oldest first. */
    const lent: number[] = []
    let next = 0
    // Reads ahead into the free slots (never waiting: the workers free slots as they hash).
    const schedule = (): void => {
      while (reads.length < READ_AHEAD && next < size && pool.hasFree) {
        const position = next
        const length = Math.min(pool.slotBytes, size - position)
        next += length
        const slot = pool.claim(1)
        reads.push({ slot, read: readAt(handle, pool.view(slot).subarray(0, length), position), position, length })
      }
    }
    try {
      while (true) {
        schedule()
        if (reads.length === 0) {
          if (next >= size) break
          await pool.free()
          continue
        }
        const { slot, read, position, length } = reads[0] as (typeof reads)[number]
        const bytesRead = await read
        if (bytesRead < length) throw cutWhileRead(path, position + bytesRead, size)
        reads.shift()
        schedule()
        lent.push(slot)
        yield pool.view(slot).subarray(0, bytesRead)
        // Asked for the next chunk: the consumer is done with the one before the last.
        if (lent.length > 1) pool.release(lent.shift() as number)
      }
    } finally {
      // Settle reads still in flight before the handle is closed under them; the consumer is done with all.
      await Promise.allSettled(reads.map(async ({ read }) => await read))
      for (const { slot } of reads) pool.release(slot)
      for (const slot of lent) pool.release(slot)
    }
  }
  return { size, chunks: whileOpen(path, expected, chunks) }
}

/** Fills `buffer` from `position` on, read after read (one may give less), up to the file's end: the bytes read. */
async function readAt (handle: FileHandle, buffer: Uint8Array, position: number): Promise<number> {
  let done = 0
  while (done < buffer.length) {
    const { bytesRead } = await handle.read(buffer, done, buffer.length - done, position + done)
    if (bytesRead === 0) break
    done += bytesRead
  }
  return done
}

/**
 * A regular file that ends before the size it had when opened: cut while it was read. Read on as if it
 * ended there, an archive cut at an entry's end would be described as a shorter one (a tar needs no end
 * marker), never the file asked for.
 */
function cutWhileRead (path: string, at: number, size: number): FileChangedError {
  return new FileChangedError(`${path} ends at ${at} bytes, ${size} when opened: it was cut while being read`, { path, size: at, expected: size })
}

/** The stat of `path`, a regular file: FileNotFoundError, or NotAFileError for anything else. */
async function statRegularFile (path: string): Promise<BigIntStats> {
  const info = await statInput(path)
  if (!info.isFile()) throw new NotAFileError(`${path} is not a regular file`, { path })
  return info
}

/**
 * The chunks `read` makes of the file at `path`, opened when the first is asked for and closed once they
 * end, fail or are given up (`return()`). Opened any earlier, the file would stay open for a caller that
 * never asks (or fails before asking): an async generator's `finally` runs only once its body has started.
 * What was stat'ed then may have been replaced since: the handle must be `file`.
 */
async function * whileOpen (path: string, file: FileIdentity, read: (handle: FileHandle) => AsyncGenerator<Uint8Array>): AsyncGenerator<Uint8Array> {
  const { handle } = await openRegularFile(path, file)
  try {
    yield * read(handle)
    // Read to the size it had: one that has grown meanwhile (an archive still being written) is not the
    // file asked for, and a tar's first entries read as a whole archive (it needs no end marker).
    const size = Number((await handle.stat({ bigint: true })).size)
    if (size !== file.size) throw new FileChangedError(`${path} is ${size} bytes now, ${file.size} when opened: it changed while being read`, { path, size, expected: file.size })
  } finally {
    await handle.close()
  }
}

/**
 * Opened without waiting: open(2) of a FIFO for reading blocks until a writer comes (it may never), so a
 * FIFO put where a regular file was is opened at once, then refused from its fstat. Reads of a regular
 * file ignore the flag.
 */
const READ_NOW = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)

/**
 * `path` opened for reading, decided from the open handle's fstat (a stat of the path says nothing of what
 * an open of it finds later): NotAFileError unless it is a regular file, FileChangedError unless it is
 * `expected` (when given) with its size. Every failure is typed, and closes the handle.
 */
async function openRegularFile (path: string, expected?: FileIdentity): Promise<{ handle: FileHandle, file: FileIdentity }> {
  let handle: FileHandle
  try {
    handle = await open(path, READ_NOW)
  } catch (err) {
    throw typedFsError(err)
  }
  try {
    const info = await handle.stat({ bigint: true })
    if (!info.isFile()) throw new NotAFileError(`${path} is ${info.isDirectory() ? 'a directory' : 'not a regular file'} (now)`, { path })
    const file = identityOf(info)
    if (expected !== undefined && (file.dev !== expected.dev || file.ino !== expected.ino)) {
      throw new FileChangedError(`${path} is another file than the one read before: it was replaced`, { path })
    }
    if (expected !== undefined && file.size !== expected.size) {
      throw new FileChangedError(`${path} is ${file.size} bytes now, ${expected.size} when read before: it changed`, { path, size: file.size, expected: expected.size })
    }
    return { handle, file }
  } catch (err) {
    await handle.close().catch(() => {})
    throw typedFsError(err)
  }
}

/**
 * The bytes of a pipe, FIFO or socket at `path`, or of stdin (`{ fd: 0 }`), as they come (what has
 * arrived together is gathered into chunks of up to about READ_BYTES); read errors are typed. A pipe is read through a non-blocking socket, never
 * by blocking reads on libuv's thread pool: such a read, waiting on a writer that sends nothing more,
 * would keep the process from exiting after a failure until the writer ends.
 */
export async function * streamChunks (from: string | { fd: 0 }): AsyncGenerator<Uint8Array> {
  let stream: Readable
  try {
    stream = typeof from === 'string' ? await openPipe(from) : process.stdin
  } catch (err) {
    throw typedFsError(err)
  }
  const pieces: Uint8Array[] = []
  let length = 0
  try {
    for await (const piece of stream) {
      const bytes = piece as Buffer
      pieces.push(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length))
      length += bytes.length
      // Gathered while more is already buffered; handed on as soon as the pipe has nothing more for now.
      if (length >= READ_BYTES || stream.readableLength === 0) { yield joinBytes(pieces); pieces.length = 0; length = 0 }
    }
    if (length > 0) yield joinBytes(pieces)
  } catch (err) {
    throw typedFsError(err)
  } finally {
    stream.destroy()
  }
}

/** A FIFO or socket opened for reading, as a non-blocking stream (opening a FIFO waits for its writer). */
async function openPipe (path: string): Promise<Readable> {
  const fd = await new Promise<number>((resolve, reject) => { openFd(path, 'r', (err, fd) => { if (err === null) resolve(fd); else reject(err) }) })
  const info = fstatSync(fd)
  if (info.isFIFO() || info.isSocket()) return new Socket({ fd, readable: true, writable: false })
  // What was a pipe when stat'ed may be something else now: a regular file is read as a stream too.
  if (info.isFile()) return createReadStream('', { fd, highWaterMark: READ_BYTES })
  closeSync(fd)
  throw new NotAFileError(`${path} is ${info.isDirectory() ? 'a directory' : 'a device, not a file or a pipe'} (now)`, { path })
}

/**
 * A regular file as a RandomAccessSource (what zip needs: it is read from its end); close it when done.
 * NotAFileError for anything else (a FIFO is not waited on); `file` is what a later open of the path must
 * find (readRegularFile, lendArchiveFile).
 */
export async function openRandomAccessFile (path: string): Promise<{ size: number, file: FileIdentity, read: (offset: number, length: number) => Promise<Uint8Array>, close: () => Promise<void> }> {
  const { handle, file } = await openRegularFile(path)
  let closed = false
  return {
    size: file.size,
    file,
    read: async (offset, length) => {
      const buffer = new Uint8Array(length)
      const done = await readAt(handle, buffer, offset)
      return done === length ? buffer : buffer.subarray(0, done)
    },
    close: async () => { if (!closed) { closed = true; await handle.close() } }
  }
}
