/**
 * The archives a command line names: each FILE as given, and under each DIR every regular file whose
 * content is an archive (recognizeArchive), in path order; the other files are listed as skipped, with why.
 */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { recognizeArchive } from '../manifest/recognize.js'
import { openRandomAccessFile } from './files.js'
import { typedFsError } from './fs-errors.js'

export interface ArchiveFile {
  readonly path: string
  readonly size: number
}

export interface SkippedFile {
  readonly path: string
  readonly reason: string
}

/**
 * Expands `paths`: a file is taken as it is (describing it says whether it is an archive); a directory is
 * walked (symlinks to files are followed, symlinks to directories are not, so no cycle is walked) and
 * each file in it is taken when its content is an archive.
 */
export async function findArchives (paths: readonly string[]): Promise<{ archives: ArchiveFile[], skipped: SkippedFile[] }> {
  const archives: ArchiveFile[] = []
  const skipped: SkippedFile[] = []
  for (const path of paths) {
    const info = await stat(path).catch(err => { throw typedFsError(err) })
    if (!info.isDirectory()) {
      archives.push({ path, size: info.size })
      continue
    }
    for await (const file of filesUnder(path)) {
      if (file.size === 0) { skipped.push({ path: file.path, reason: 'empty file' }); continue }
      const source = await openRandomAccessFile(file.path)
      try {
        if (await recognizeArchive(source) === undefined) skipped.push({ path: file.path, reason: 'not a tar or zip archive (plain or compressed)' })
        else archives.push(file)
      } finally {
        await source.close()
      }
    }
  }
  return { archives, skipped }
}

/** The regular files under `dir`, depth first, each directory's names in code unit order. */
async function * filesUnder (dir: string): AsyncGenerator<ArchiveFile> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(err => { throw typedFsError(err) })
  entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) { yield * filesUnder(path); continue }
    if (!entry.isFile() && !entry.isSymbolicLink()) continue
    const info = await stat(path).catch(() => undefined)
    if (info?.isFile() === true) yield { path, size: info.size }
  }
}
