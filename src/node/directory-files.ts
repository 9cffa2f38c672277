/**
 * An unpacked tree on disk as restore's `files` (TreeFiles): the file at a tree path is DIR/path. Only
 * regular files are read, never through a symlink at the last component (O_NOFOLLOW); every read gets a
 * fresh buffer, since the reader keeps chunks while it hashes them.
 */
import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { NotAFileError } from '../errors.js'
import type { TreeFiles } from '../manifest/files-tree.js'
import { typedFsError } from './fs-errors.js'

/** Bytes read at once, at most; and at least, once stat's size has been read (to see the end). */
const READ_BYTES = 1024 * 1024
const MIN_READ_BYTES = 4096

/**
 * @example
 * ```ts
 * await writeFileAtomically('src.tar.gz', restoreArchive(manifestCid, car, { files: directoryFiles('/nix/store/…-source'), strip: true }))
 * ```
 */
export function directoryFiles (dir: string): TreeFiles {
  return {
    async * read (path) {
      const file = join(dir, ...path)
      let handle
      try {
        // Without waiting: a FIFO where the tree has a file would block open(2) until a writer came; opened
        // at once, it is refused from its fstat below.
        handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0))
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new NotAFileError(`${file} is a symlink, where the tree has a file`, { path: file })
        throw typedFsError(err)
      }
      try {
        const info = await handle.stat()
        if (!info.isFile()) throw new NotAFileError(`${file} is not a regular file, where the tree has one`, { path: file })
        for (let total = 0; ;) {
          // Sized by what stat says is left (most files are small); a file that grows is still read to its end.
          const length = Math.min(READ_BYTES, Math.max(info.size - total, MIN_READ_BYTES))
          const buffer = new Uint8Array(length)
          const { bytesRead } = await handle.read(buffer, 0, length, null)
          if (bytesRead === 0) break
          total += bytesRead
          yield buffer.subarray(0, bytesRead)
        }
      } catch (err) {
        throw typedFsError(err)
      } finally {
        await handle.close()
      }
    }
  }
}
