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

/**
 * A tar entry as readers see it: the record's fields made absolute (§7.2), with the type, offsets and
 * PAX values derived. Not a block shape: pages hold `EntryRecord` values.
 */
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
  /** The stored data size, except for sparse files, where it is the expanded file size. */
  size: number
  linkTarget?: Name
  devMajor?: number
  devMinor?: number
  /** The member's own PAX records, the last of each key, except `path` and `linkpath` (all of them for a "pax-global" entry). */
  pax?: Record<string, Name>
  headerOffset: number
  dataOffset: number
  dataSize: number
  /** The header style that regenerated its header bytes, and whether they needed a patch or were kept verbatim. */
  style: string
  header?: 'patched' | 'verbatim'
  /** The data's UnixFS file when it is not the tree's file at the entry's path. */
  content?: CID
  excluded?: Exclusion
}

/** A run of a header patch: [offset, bytes]. */
export type PatchRun = [number, Uint8Array]

/** One stored tar entry (schema `EntryRecord`, spec §7.2): fields omitted when implied by the entries before. */
export interface EntryRecord {
  k?: number
  p: Name
  y?: number
  m?: number
  u?: number
  g?: number
  un?: Name
  gn?: Name
  t?: number
  tn?: number
  s?: number
  sz?: number
  l?: Name
  dv?: number[]
  at?: number
  ct?: number
  x?: Name[][]
  h?: string
  hp?: PatchRun[]
  hb?: Uint8Array
  pd?: Uint8Array
  c?: CID
  e?: Exclusion
}

export type EntryPage = EntryRecord[]


export type ZipEntryType = 'file' | 'directory' | 'symlink'

/**
 * A zip entry as readers see it: its record's fields made absolute (§18.2), with the type, mode, mtime
 * and offsets derived. Not a block shape: pages hold `ZipEntryRecord` values.
 */
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
  /** The uncompressed data's UnixFS file when it is needed and is not the tree's file at the entry's path. */
  content?: CID
  /** For a deflated entry rebuilt from its content: the encoder. */
  recipe?: Recipe
  encrypted?: true
  excluded?: Exclusion
  /**
   * A symlink's target (its data), when known: on the entries manifestFromZip returns. Not a record field
   * (the entry's data holds it, and the tree's symlink node), so entries loaded from records lack it.
   */
  linkTarget?: Name
  /** Whether the local / central header needed a patch or was kept verbatim (omitted: regenerated exactly). */
  localHeader?: 'patched' | 'verbatim'
  centralHeader?: 'patched' | 'verbatim'
}

/** One stored zip entry (schema `ZipEntryRecord`, spec §18.2). */
export interface ZipEntryRecord {
  k?: number
  p: Name
  vm?: number
  vn?: number
  f?: number
  mt?: number
  t?: number
  crc?: number
  s?: number
  cs?: number
  ia?: number
  ea?: number
  dk?: number
  o?: number
  x?: Uint8Array
  xp?: PatchRun[]
  cx?: Uint8Array
  cm?: Name
  dd?: number
  lp?: PatchRun[]
  lb?: Uint8Array
  cp?: PatchRun[]
  cb?: Uint8Array
  r?: Recipe
  z?: CID
  zb?: Uint8Array
  c?: CID
  e?: Exclusion
}

export type ZipEntryPage = ZipEntryRecord[]

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

/**
 * The tar stream. `size` and `sha256` are always filled in memory; the root block omits them for format
 * "tar", where they are the archive's (decodeManifest fills them in, encodeManifest leaves them out).
 */
export interface Tar {
  size: number
  sha256: Uint8Array
  /** The view's CID as bytes: a reference, not a link (see materializeView). */
  view: Uint8Array
  endOffset: number
  endZeros: number
  trailing?: CID
}

export interface Zip {
  fileCid: Uint8Array
  shift?: number
  comment?: Uint8Array
  zip64?: Zip64End
  endPatch?: PatchRun[]
  endBytes?: Uint8Array
  spans?: ZipSpan[]
  treeContentBytes: number
}

export interface Zip64End {
  versionMadeBy: number
  versionNeeded: number
}

export interface ZipSpan {
  offset: number
  bytes?: Uint8Array
  file?: CID
}

export interface Tree {
  root: CID
  stripped?: CID
  /** Recorded only on request (create --nar): the NAR hash of `root`, and of `stripped` when present. */
  nar?: NarHash
  strippedNar?: NarHash
}

/** A NAR's sha256 and length (Nix's recursive hash of a tree). */
export interface NarHash {
  sha256: Uint8Array
  size: number
}

export interface Manifest {
  version: 2
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

export const MANIFEST_VERSION = 2
