/**
 * Output that appears whole or not at all. Bytes go to a new temporary file beside the target (the same
 * directory, so the same file system), which is flushed to disk and renamed over the target only once its
 * source has ended without an error: a verified stream (restoreArchive) throws after its last chunk when
 * the digest is wrong, so nothing unverified ever sits at the target. On failure the temporary file is
 * removed and the target is as it was (absent, or the earlier file untouched). A process killed midway
 * can leave a temporary `.NAME.<random>.tmp` behind, never a partial target.
 */
import { randomBytes } from 'node:crypto'
import { open, rename, rm, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Chunks are gathered into writes of up to this many bytes (a restored tar comes as 512-byte headers too). */
const WRITE_BYTES = 1 << 20

/**
 * A fresh name in `path`'s directory, hidden and unique (48 random bits). The target's name is cut to
 * 128 bytes in it, so that the temporary name stays within NAME_MAX (255 bytes) whenever the target's does.
 */
export function tempPathBeside (path: string): string {
  const name = Buffer.from(basename(path)).subarray(0, 128).toString()
  return join(dirname(path), `.${name}.${randomBytes(6).toString('hex')}.tmp`)
}

/**
 * Writes `chunks` to `path` atomically (see the module comment) and returns the number of bytes written.
 * The file is created with mode 0o666 less the umask, as a new file (an earlier file at `path` is replaced,
 * not rewritten, so its permissions are not kept; a symlink at `path` is replaced, not followed).
 *
 * @example
 * ```ts
 * await writeFileAtomically('hello-2.12.tar', restoreArchive(manifestCid, blockstore))
 * ```
 */
export async function writeFileAtomically (path: string, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<number> {
  const file = await createAtomicFile(path)
  try {
    for await (const chunk of chunks) await file.write(chunk)
    return await file.commit()
  } catch (err) {
    await file.discard()
    throw err
  }
}

/** A file being written atomically, for writers that may have to take back what they wrote (`rewind`). */
export interface AtomicFile {
  /** Appends `chunk` (gathered into larger writes). The chunk must not be changed afterwards until the next write. */
  write: (chunk: Uint8Array) => Promise<void>
  /** Drops every byte written so far: the next write goes to the start of an empty file. */
  rewind: () => Promise<void>
  /** Flushes, syncs and renames the file onto the target; returns its size. */
  commit: () => Promise<number>
  /** Removes the temporary file; the target is as it was. */
  discard: () => Promise<void>
}

/**
 * The temporary file of an atomic write to `path` (see writeFileAtomically, which is built on it). Call
 * `commit` once every byte is written and checked, or `discard` on failure.
 *
 * @example
 * ```ts
 * const file = await createAtomicFile('hello-2.12.tar.gz')
 * try {
 *   for await (const chunk of fetchArchive({ ...request, onRestart: file.rewind })) await file.write(chunk)
 *   await file.commit()
 * } catch (err) { await file.discard(); throw err }
 * ```
 */
export async function createAtomicFile (path: string): Promise<AtomicFile> {
  const temp = tempPathBeside(path)
  // O_EXCL: never write through something that appeared at the temporary name.
  const handle = await open(temp, 'wx', 0o666)
  const buffer = new Uint8Array(WRITE_BYTES)
  let fill = 0
  let position = 0
  let closed = false
  const flush = async (): Promise<void> => {
    await writeFully(handle, buffer.subarray(0, fill), position)
    position += fill
    fill = 0
  }
  return {
    write: async (chunk) => {
      if (fill + chunk.length > buffer.length) await flush()
      if (chunk.length >= buffer.length) {
        await writeFully(handle, chunk, position)
        position += chunk.length
        return
      }
      buffer.set(chunk, fill)
      fill += chunk.length
    },
    rewind: async () => {
      fill = 0
      position = 0
      await handle.truncate(0)
    },
    commit: async () => {
      await flush()
      await handle.sync()
      closed = true
      await handle.close()
      await rename(temp, path)
      return position
    },
    discard: async () => {
      if (!closed) await handle.close().catch(() => {})
      closed = true
      await rm(temp, { force: true })
    }
  }
}

/** handle.write may write fewer bytes than asked: loop until all are written, at `position` onwards. */
async function writeFully (handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let at = 0; at < bytes.length;) at += (await handle.write(bytes, at, bytes.length - at, position + at)).bytesWritten
}
