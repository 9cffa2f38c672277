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

/** Bytes read at once. */
const READ_BYTES = 1024 * 1024

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
        handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new NotAFileError(`${file} is a symlink, where the tree has a file`, { path: file })
        throw typedFsError(err)
      }
      try {
        if (!(await handle.stat()).isFile()) throw new NotAFileError(`${file} is not a regular file, where the tree has one`, { path: file })
        for (;;) {
          const buffer = new Uint8Array(READ_BYTES)
          const { bytesRead } = await handle.read(buffer, 0, READ_BYTES, null)
          if (bytesRead === 0) break
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
