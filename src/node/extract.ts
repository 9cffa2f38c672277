/**
 * extractTree: writes a manifest's unpacked tree into a new directory, with the permission bits of the
 * entries that define each path. Safety does not rest on checking paths against the file system, nor on
 * refusing archives:
 *   - the target must be new or empty, and everything below it is created by this function, directories with
 *     mkdir and files with O_EXCL | O_NOFOLLOW, so nothing is ever written through a symlink or over
 *     something existing;
 *   - every name is checked (no "", ".", "..", "/", NUL; no duplicates in one directory), whatever the
 *     blocks say, because a tree read from an untrusted blockstore may be crafted;
 *   - symlinks are kept as they are, absolute ones and ones that climb out with ".." too (as GNU tar and
 *     Nix's fetchzip keep them), and are created last, once every file and directory is written, so that no
 *     path this function writes to ever passes through one. A symlink points outside only when followed
 *     later, which is the reader's business, as with any unpacked archive.
 * All or nothing: the tree is written into a new hidden directory, beside the target when the target is
 * new (then renamed onto it), inside it when it is an existing empty directory (then its children are
 * moved up, so the directory itself, its owner and permissions, and a mount or a symlink to it, stay).
 * On failure the hidden directory (and anything already moved up) is removed, so the target is as it was:
 * absent, or empty; the error's message says so (and `details.leftBehind` lists anything that could not be
 * removed). Only a killed process can leave a hidden `.NAME.<random>.tmp` directory behind.
 */
import { constants } from 'node:fs'
import { chmod, mkdir, open, readdir, realpath, rename, rm, rmdir, stat, symlink } from 'node:fs/promises'
import { join, resolve, sep } from 'node:path'
import type { CID } from 'multiformats/cid'
import type { BlockSource } from '../blocks.js'
import { ArchiveManifestError, NoSingleTopDirectoryError, UnsafeExtractionError } from '../errors.js'
import { loadEntries, loadManifest } from '../manifest/load.js'
import type { AnyEntry, Name } from '../schema/types.js'
import { readDirectory, readFile, readSymlinkTarget } from '../unixfs/file-reader.js'
import { treePath } from '../unixfs/tree-path.js'
import { tempPathBeside } from './atomic-file.js'
import { writeFully } from './write-fully.js'
import { checkOutputParent, typedFsError } from './fs-errors.js'

export interface ExtractOptions {
  /** Extract the single top-level directory's contents (Nix fetchzip's stripRoot); fails when there is none. */
  strip?: boolean
  /**
   * Accepted and ignored: symlinks are always kept as they are (see the module comment). It used to allow
   * symlinks whose targets point outside the target directory, which were refused.
   *
   * @deprecated no longer needed
   */
  allowEscapingSymlinks?: boolean
}

export interface ExtractReport { files: number, directories: number, symlinks: number, bytes: number }

/** A new file, never through a symlink: O_NOFOLLOW on top of O_EXCL, which already refuses an existing one. */
const WRITE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW

/**
 * Writes the unpacked tree of the manifest `manifestCid` into `target` (see the module comment). The file
 * system's errors are typed (fs-errors.ts): a missing parent is ERR_FILE_NOT_FOUND, for instance.
 */
export async function extractTree (manifestCid: CID, source: BlockSource, target: string, options: ExtractOptions = {}): Promise<ExtractReport> {
  try {
    return await extract(manifestCid, source, target, options)
  } catch (err) {
    throw typedFsError(err)
  }
}

async function extract (manifestCid: CID, source: BlockSource, target: string, options: ExtractOptions): Promise<ExtractReport> {
  const manifest = await loadManifest(manifestCid, source)
  const rootCid = options.strip === true ? manifest.tree.stripped : manifest.tree.root
  if (rootCid === undefined) throw new NoSingleTopDirectoryError('the tree has no single top-level directory to strip (its top level holds several entries, or a file)')
  const modes = await modesByPath(manifest, source, options.strip === true)
  const destination = await checkTarget(resolve(target))
  const root = tempPathBeside(destination.existed ? join(destination.path, 'extracting') : destination.path)
  await mkdir(root)

  const report: ExtractReport = { files: 0, directories: 0, symlinks: 0, bytes: 0 }
  const directoryModes: Array<[string, number]> = []
  // Made once everything else is written: no path written to then can pass through one.
  const symlinks: Array<[string, Uint8Array]> = []

  const extractDirectory = async (cid: CID, dir: string, relative: string): Promise<void> => {
    const seen = new Set<string>()
    for await (const child of readDirectory(cid, source)) {
      checkName(child.name, relative)
      if (seen.has(child.name)) throw new UnsafeExtractionError(`directory ${relative || '.'} lists ${JSON.stringify(child.name)} twice`)
      seen.add(child.name)
      const path = join(dir, child.name)
      const rel = relative === '' ? child.name : `${relative}/${child.name}`
      const mode = modes.get(rel)
      if (child.kind === 'directory') {
        await mkdir(path)
        report.directories++
        await extractDirectory(child.cid, path, rel)
        if (mode !== undefined) directoryModes.push([rel, mode])
      } else if (child.kind === 'file') {
        const handle = await open(path, WRITE_NEW, 0o600)
        try {
          for await (const chunk of readFile(child.cid, source)) { await writeFully(handle, chunk); report.bytes += chunk.length }
          await handle.chmod(mode ?? 0o644)
        } finally {
          await handle.close()
        }
        report.files++
      } else {
        symlinks.push([path, await readSymlinkTarget(child.cid, source)])
      }
    }
  }
  const moved: string[] = []
  try {
    await extractDirectory(rootCid, root, '')
    for (const [path, target] of symlinks) { await symlink(Buffer.from(target), path); report.symlinks++ }
    if (destination.existed) {
      for (const name of await readdir(root)) { moved.push(name); await rename(join(root, name), join(destination.path, name)) }
      await rmdir(root)
    } else {
      await rename(root, destination.path)
    }
  } catch (err) {
    const leftBehind: string[] = []
    const remove = async (path: string): Promise<void> => { await rm(path, { recursive: true, force: true }).catch(() => { leftBehind.push(path) }) }
    for (const name of moved) await remove(join(destination.path, name))
    await remove(root)
    throw saidWhatWasLeft(typedFsError(err), target, destination.existed, leftBehind)
  }
  // Directory permissions last, deepest first, so that a read-only directory is still filled, and moved
  // (moving a directory to another parent needs write permission on it, for its "..").
  for (const [rel, mode] of directoryModes.reverse()) await chmod(join(destination.path, rel), mode)
  return report
}

/**
 * Where the tree goes: `target` when it does not exist (its parent must be an existing directory), else the
 * directory it resolves to, which must be empty. Parents are not created: a recursive mkdir under /proc
 * never settles in Node 20 (mkdir of /proc/x gives ENOENT, so it retries the parent, which exists, forever),
 * and parents made for a failed extraction would stay behind.
 */
async function checkTarget (target: string): Promise<{ path: string, existed: boolean }> {
  let path: string
  try {
    path = await realpath(target)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    await checkOutputParent(target)
    return { path: target, existed: false }
  }
  if (!(await stat(path)).isDirectory()) throw new UnsafeExtractionError(`extraction target ${target} is not a directory`)
  if ((await readdir(path)).length > 0) throw new UnsafeExtractionError(`extraction target ${path} is not empty`)
  return { path, existed: true }
}

function checkName (name: string, parent: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0') || (sep !== '/' && name.includes(sep))) {
    throw new UnsafeExtractionError(`directory ${parent || '.'} has a child named ${JSON.stringify(name)}, which is not a plain name`)
  }
}

/** Adds to a failed extraction's error what it left: nothing (the target as it was), or what could not be removed. */
function saidWhatWasLeft (err: unknown, target: string, existed: boolean, leftBehind: string[]): unknown {
  if (!(err instanceof ArchiveManifestError)) return err
  err.details.leftBehind = leftBehind
  err.message += leftBehind.length === 0
    ? `; nothing was left behind: ${target} is ${existed ? 'empty, as it was' : 'not created'}`
    : `; left behind, could not be removed: ${leftBehind.join(', ')}`
  return err
}

/**
 * Permission bits per normalised path, from the last in-tree entry that defines the path, applied in
 * archive order as GNU tar applies them: a hardlink is its target's inode (link(2)), so it takes the
 * target's bits as they are at that point, not its own header's; a later entry at the target's path is a
 * new file (GNU tar unlinks the old one first) and leaves the link as it was.
 */
async function modesByPath (manifest: Awaited<ReturnType<typeof loadManifest>>, source: BlockSource, strip: boolean): Promise<Map<string, number>> {
  const modes = new Map<string, number>()
  for await (const entry of loadEntries(manifest, source) as AsyncIterable<AnyEntry>) {
    // A shadowed entry was in the tree until a later one replaced it: a hardlink made meanwhile took its bits.
    if (entry.excluded !== undefined && entry.excluded !== 'shadowed') continue
    const key = pathKey(entry.path)
    if (key === undefined) continue
    if (entry.type === 'hardlink') {
      const mode = entry.linkTarget === undefined ? undefined : modes.get(pathKey(entry.linkTarget) ?? '')
      if (mode === undefined) modes.delete(key)
      else modes.set(key, mode)
    } else if ((entry.type === 'file' || entry.type === 'directory') && entry.mode !== undefined) {
      modes.set(key, entry.mode & 0o777)
    } else {
      // A zip entry records a mode only when made on Unix (the others get the defaults); symlinks have none.
      modes.delete(key)
    }
  }
  if (!strip) return modes
  // The stripped tree is the single top-level directory's: its paths lose their first component.
  const stripped = new Map<string, number>()
  for (const [key, mode] of modes) if (key.includes('/')) stripped.set(key.slice(key.indexOf('/') + 1), mode)
  return stripped
}

/** An entry's path (or a hardlink's target) as a key of the tree's paths: components joined by '/'. */
function pathKey (name: Name): string | undefined {
  const parts = treePath(typeof name === 'string' ? new TextEncoder().encode(name) : name)
  return typeof parts === 'string' || parts.length === 0 ? undefined : parts.join('/')
}
