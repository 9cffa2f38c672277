/**
 * TypeScript shapes of the blocks that manifest.ipldsch defines (the schema is normative; these mirror it
 * field for field, and the generated validator checks every block against the schema itself).
 */
import type { CID } from 'multiformats/cid'
import type { ProfileName } from '../unixfs/profile.js'

/** Text when the bytes are valid UTF-8, else the bytes themselves. */
export type Name = string | Uint8Array

export type EntryType =
  | 'file' | 'directory' | 'symlink' | 'hardlink' | 'char-device' | 'block-device' | 'fifo'
  | 'pax-global' | 'volume-label' | 'other'

export type Exclusion =
  | 'shadowed' | 'unsafe-path' | 'non-utf8-path' | 'path-conflict' | 'dangling-hardlink'
  | 'special-file' | 'sparse' | 'metadata' | 'encrypted' | 'unsupported-method'

export interface Entry {
  path: Name
  type: EntryType
  typeflag: number
  mode: number
  uid: number
  gid: number
  uname?: Name
  gname?: Name
  mtime: number
  mtimeNanos?: number
  size: number
  linkTarget?: Name
  devMajor?: number
  devMinor?: number
  pax?: Record<string, Name>
  headerOffset: number
  dataOffset: number
  dataSize: number
  content?: CID
  excluded?: Exclusion
}

export type EntryPage = Entry[]

export type ZipEntryType = 'file' | 'directory' | 'symlink'

export interface ZipEntry {
  path: Name
  type: ZipEntryType
  mode?: number
  mtime?: number
  method: number
  flags: number
  crc32: number
  compressedSize: number
  size: number
  localHeaderOffset: number
  dataOffset: number
  content?: CID
  recipe?: Recipe
  encrypted?: true
  excluded?: Exclusion
}

export type ZipEntryPage = ZipEntry[]

/** An entry of either list: a tar's `Entry` or a zip's `ZipEntry` (the manifest's format says which). */
export type AnyEntry = Entry | ZipEntry

export type ArchiveFormat = 'tar' | 'tar+gzip' | 'tar+bzip2' | 'tar+xz' | 'tar+zstd' | 'zip'

export interface Archive {
  format: ArchiveFormat
  size: number
  sha256: Uint8Array
  sha512: Uint8Array
  root?: CID
}

export interface Recipe {
  encoder: string
  params: Record<string, number>
}

export interface CompressedMember {
  offset: number
  size: number
  tarOffset: number
  tarSize: number
  header: Uint8Array
  trailer: Uint8Array
  recipe?: Recipe
}

export interface Compression {
  fileCid: Uint8Array
  members: CompressedMember[]
  trailing?: Uint8Array
}

export interface Tar {
  size: number
  sha256: Uint8Array
  root: CID
  treeContentBytes: number
  endOffset: number
  endOfArchive: 'zero-blocks' | 'missing'
}

export interface Zip {
  fileCid: Uint8Array
  skeleton: CID
  skeletonSize: number
  treeContentBytes: number
}

export interface Tree {
  root: CID
  stripped?: CID
}

export interface Manifest {
  version: 1
  profile: ProfileName
  archive: Archive
  compression?: Compression
  /** Exactly one of `tar` and `zip` is present. */
  tar?: Tar
  zip?: Zip
  entryCount: number
  entries: CID[]
  tree: Tree
}

export const MANIFEST_VERSION = 1
