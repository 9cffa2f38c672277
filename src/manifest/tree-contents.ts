/**
 * Where a restore finds the files of the unpacked tree: the entries of a tar or zip that are files of the
 * tree carry no content of their own, so their bytes are read from the tree's file at the entry's path.
 * Usually that is the tree's blocks (`blockTree`); `restoreArchive`'s `files` option reads them from
 * elsewhere instead (an unpacked directory: files-tree.ts).
 */
import type { CID } from 'multiformats/cid'
import type { BlockSource } from '../blocks.js'
import { InvalidManifestError } from '../errors.js'
import { readFile, type ReadFileOptions } from '../unixfs/file-reader.js'
import { TreePathResolver, withBlock } from '../unixfs/path-resolver.js'

/** A file of the tree as a restore reads it: its CID when known, and its bytes (or a range of them). */
export interface TreeFile {
  readonly cid?: CID
  read (range?: ReadFileOptions): AsyncIterable<Uint8Array>
}

/** What the entry says the file holds: its size, and (a zip's) CRC-32. */
export interface FileExpectation {
  readonly size: number
  readonly crc32?: number
}

/** Where an entry sits, to name it in errors. */
export interface EntryPlace { readonly offset: number, readonly entry: string }

export interface TreeContents {
  /**
   * The tree's file at an entry's path (its raw bytes). Throws InvalidManifestError, naming the entry,
   * when the tree has no file there. Its bytes may be checked against `expect` as they are read (an
   * implementation that reads files from outside the blocks does).
   */
  file (path: Uint8Array, expect: FileExpectation, where: EntryPlace): Promise<TreeFile>
}

/** The tree's files from its blocks, found through the directories from `root`. */
export function blockTree (root: CID, source: BlockSource): TreeContents {
  const resolver = new TreePathResolver(root, source)
  return {
    async file (path, _expect, where) {
      const found = await resolver.resolve(path)
      if (found === undefined || found.kind !== 'file') throw new InvalidManifestError('the tree has no file at the path of an entry that is in it', { ...where })
      const from = withBlock(source, found)
      return { cid: found.cid, read: range => readFile(found.cid, from, range) }
    }
  }
}
