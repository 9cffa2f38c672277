/**
 * A temporary copy of bytes that can be read only once (a pipe, stdin), for the readers that need them
 * again: a zip is read from its end, and a compressed archive that no recipe rebuilds stores its own blocks
 * in a second pass. The copy lives in a new private directory under the system's temporary directory
 * (mode 0700, the file 0600) and is removed by `remove`, on success or failure alike.
 */
import { rm } from 'node:fs/promises'
import { writeFully } from './write-fully.js'
import { typedFsError } from './fs-errors.js'
import { createTempFile } from './temp-file.js'

export interface Spool {
  /** The temporary file's path (complete once the chunks given to `copy` have ended). */
  path: string
  /** `chunks` passed through unchanged, each written to the file first; the file is closed at their end. */
  copy: (chunks: AsyncIterable<Uint8Array>) => AsyncGenerator<Uint8Array>
  /** Removes the file and its directory (never fails). */
  remove: () => Promise<void>
}

export async function createSpool (): Promise<Spool> {
  const { dir, path, handle } = await createTempFile('ipld-archive-manifest-', 'input', 'wx')
  let open_ = true
  const close = async (): Promise<void> => { if (open_) { open_ = false; await handle.close() } }
  return {
    path,
    copy: async function * (chunks) {
      try {
        for await (const chunk of chunks) {
          await writeFully(handle, chunk)
          yield chunk
        }
      } catch (err) {
        throw typedFsError(err)
      } finally {
        await close()
      }
    },
    remove: async () => {
      await close().catch(() => {})
      await rm(dir, { recursive: true, force: true }).catch(() => {})
    }
  }
}

/** Copies `chunks` to a new spool (see createSpool) and returns it once they have ended. */
export async function spoolAll (chunks: AsyncIterable<Uint8Array>): Promise<Spool> {
  const spool = await createSpool()
  try {
    for await (const _ of spool.copy(chunks)) { /* written */ }
  } catch (err) {
    await spool.remove()
    throw err
  }
  return spool
}
