/**
 * A temporary file in a new private directory (mode 0700, the file 0600) under the system's temporary
 * directory: the spools' storage (spool.ts, spool-blocks.ts).
 */
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { typedFsError } from './fs-errors.js'

/**
 * Creates the file `name` (open with `flags`) in a new directory named from `prefix`. When the file cannot
 * be made (no descriptor or inode left) the directory is removed again: nothing is left for nobody to remove.
 * Errors are typed (fs-errors.ts).
 */
export async function createTempFile (prefix: string, name: string, flags: string): Promise<{ dir: string, path: string, handle: FileHandle }> {
  let dir: string
  try {
    dir = await mkdtemp(join(tmpdir(), prefix))
  } catch (err) {
    throw typedFsError(err)
  }
  const path = join(dir, name)
  try {
    return { dir, path, handle: await open(path, flags, 0o600) }
  } catch (err) {
    await rm(dir, { recursive: true, force: true }).catch(() => {})
    throw typedFsError(err)
  }
}
