/**
 * The tree's files read from elsewhere (an unpacked directory on disk, such as a Nix store path) instead
 * of from the blocks: what `restoreArchive`'s `files` option uses to rebuild an archive from its
 * extraction plus the side data, as tar-split's `asm --path` does. Nothing read is trusted: each file's
 * bytes are checked as they pass, against the size (and a zip entry's CRC-32) its entry records and,
 * when the blockstore holds the tree's directories, against the file's CID there (chunked under the
 * manifest's profile); the restored archive's sha256 is checked at the end whatever happens here. A
 * mismatch names the entry and the file.
 */
import type { CID } from 'multiformats/cid'
import { discardBlocks, getBlock, type BlockSource } from '../blocks.js'
import { crc32 } from '../compression/container/crc32.js'
import { BlockNotFoundError, DigestMismatchError, InvalidArgumentError, InvalidManifestError } from '../errors.js'
import type { Manifest } from '../schema/types.js'
import { FileDagBuilder } from '../unixfs/file-builder.js'
import type { ReadFileOptions } from '../unixfs/file-reader.js'
import { TreePathResolver } from '../unixfs/path-resolver.js'
import { getProfile, type Profile } from '../unixfs/profile.js'
import { treePath } from '../unixfs/tree-path.js'
import type { EntryPlace, FileExpectation, TreeContents, TreeFile } from './tree-contents.js'

/** Files of an unpacked tree, by path: how a restore reads a directory (src/node/directory-files.ts on Node). */
export interface TreeFiles {
  /**
   * The bytes of the regular file at `path` (components, none of them empty, "." or "..") under the
   * tree's top, in order. Throws a typed error when there is none (ERR_FILE_NOT_FOUND, ERR_NOT_A_FILE).
   */
  read (path: readonly string[]): AsyncIterable<Uint8Array>
}

export interface FilesTreeOptions {
  /** The files are those of the stripped tree (the single top-level directory's contents), as fetchzip keeps them. */
  strip?: boolean
}

/** The tree's files from `files`, checked as described in the module comment. */
export async function filesTree (manifest: Manifest, source: BlockSource, files: TreeFiles, options: FilesTreeOptions = {}): Promise<TreeContents> {
  const strip = options.strip === true
  if (strip && manifest.tree.stripped === undefined) {
    throw new InvalidArgumentError('the tree has no single top-level directory to strip (its root holds other entries, or a file)')
  }
  const profile = getProfile(manifest.profile)
  const cids = await hasBlock(source, manifest.tree.root) ? new TreePathResolver(manifest.tree.root, source) : undefined
  return {
    async file (path, expect, where) {
      const parts = treePath(path)
      if (typeof parts === 'string' || parts.length < (strip ? 2 : 1)) {
        throw new InvalidManifestError('an entry that is a file of the tree has a path that names no file under the tree\'s top', { ...where })
      }
      const under = strip ? parts.slice(1) : parts
      const cid = cids === undefined ? undefined : await linkOrUndefined(cids, path)
      return checkedFile(() => files.read(under), under.join('/'), expect, where, profile, cid)
    }
  }
}

/** A file whose bytes are checked as they are read (see the module comment); a range still reads it all. */
function checkedFile (open: () => AsyncIterable<Uint8Array>, name: string, expect: FileExpectation, where: EntryPlace, profile: Profile, cid: CID | undefined): TreeFile {
  const fail = (what: string, details: Record<string, unknown> = {}): DigestMismatchError =>
    new DigestMismatchError(`the file ${JSON.stringify(name)} ${what}`, { ...where, path: name, ...details })
  return {
    ...(cid === undefined ? {} : { cid }),
    async * read (range?: ReadFileOptions) {
      const from = range?.offset ?? 0
      const to = range?.length === undefined ? Infinity : from + range.length
      const builder = cid === undefined ? undefined : new FileDagBuilder(profile, discardBlocks)
      let crc = 0
      let at = 0
      for await (const chunk of open()) {
        if (at + chunk.length > expect.size) throw fail(`has more than the ${expect.size} bytes its entry records`, { expected: expect.size })
        await builder?.write(chunk)
        if (expect.crc32 !== undefined) crc = crc32(chunk, crc)
        const piece = chunk.subarray(Math.max(from - at, 0), Math.max(Math.min(to - at, chunk.length), 0))
        at += chunk.length
        if (piece.length > 0) yield piece
      }
      if (at !== expect.size) throw fail(`has ${at} bytes where its entry records ${expect.size}`, { expected: expect.size, actual: at })
      if (expect.crc32 !== undefined && crc !== expect.crc32) throw fail('does not have the CRC-32 its entry records', { expected: expect.crc32, actual: crc })
      if (builder !== undefined && cid !== undefined) {
        const made = (await builder.finish()).cid.toString()
        const expected = cid.toString()
        if (made !== expected) throw fail(`is not the tree's file: it chunks to ${made}, the tree has ${expected}`, { expected, actual: made })
      }
    }
  }
}

/** Whether the blockstore has a block (a missing one is the normal case here: a store without the tree). */
async function hasBlock (source: BlockSource, cid: CID): Promise<boolean> {
  try {
    await getBlock(source, cid)
    return true
  } catch (err) {
    if (err instanceof BlockNotFoundError) return false
    throw err
  }
}

/** The CID the tree's directories give the path, or undefined when a directory block is missing. */
async function linkOrUndefined (resolver: TreePathResolver, path: Uint8Array): Promise<CID | undefined> {
  try {
    return await resolver.linkAt(path)
  } catch (err) {
    if (err instanceof BlockNotFoundError) return undefined
    throw err
  }
}
