/** The public shapes of the tar reader: what a member is and what `TarReader` emits. */

/** What a member is. */
export type EntryType =
  | 'file' | 'directory' | 'symlink' | 'hardlink' | 'char-device' | 'block-device' | 'fifo'
  | 'pax-global' | 'volume-label' | 'other'

/** How a member's header is written: its magic, or 'pax' when an 'x' header preceded it. */
export type TarFlavor = 'v7' | 'ustar' | 'gnu' | 'pax'

/** One archive member, with every extension record applied. Byte strings are owned copies. */
export interface TarMember {
  /** Offset of the first byte of this member's headers, including preceding 'L'/'K'/'x' records and their data. */
  headerOffset: number
  /** Offset of the first data byte: the end of the main header block (and of old-GNU sparse extension blocks). */
  dataOffset: number
  /** Bytes of data stored after the header(s), before padding to 512 (PAX size overrides the header field). */
  dataSize: number
  type: EntryType
  /** The raw typeflag byte of the main header. */
  typeflag: number
  flavor: TarFlavor
  /** Effective path: PAX GNU.sparse.name > PAX path > GNU long name > ustar prefix + '/' + name. Raw bytes. */
  path: Uint8Array
  /** Effective link target for symlinks and hardlinks: PAX linkpath > GNU long link > linkname. */
  linkTarget?: Uint8Array
  mode: number
  uid: number
  gid: number
  uname: Uint8Array
  gname: Uint8Array
  /** Whole seconds since the epoch (floor; may be negative). */
  mtime: number
  /** Nanoseconds to add to `mtime`, from a fractional PAX mtime; absent when zero. */
  mtimeNanos?: number
  /** Logical content size: `dataSize`, or for sparse members the real (expanded) size. */
  size: number
  /** For char and block devices. */
  devMajor?: number
  devMinor?: number
  /** This member's own extended-header records in order, only the last of each keyword; undefined if none. */
  pax?: Array<[string, Uint8Array]>
  /**
   * Every record of this member's own 'x' header(s), in order, duplicates and empty values included (for a
   * 'pax-global' member: the records of its 'g' header); undefined when there is no such header. What a
   * header style needs to write the extension header again (src/archive/tar/style/).
   */
  paxRecords?: Array<[string, Uint8Array]>
  /**
   * The atime and ctime fields of a gnu-magic main header (offsets 345 and 357, written by GNU tar's
   * incremental mode and by Go's GNU format); undefined when the field is all NUL or not a number.
   */
  gnuAtime?: number
  gnuCtime?: number
  /** GNU sparse ('S' typeflag or PAX GNU.sparse.* records): the data bytes are a sparse encoding, not the content. */
  sparse: boolean
}

/** What `TarReader` emits. Concatenating the bytes of the 'raw' and 'data' parts, in order, gives the input. */
export type TarPart =
  /** Bytes that are not member data: headers, extension records, padding, end-of-archive blocks, trailing bytes. */
  | { kind: 'raw', bytes: Uint8Array }
  /** A member begins; emitted right after all of its header bytes were emitted as raw parts. */
  | { kind: 'member', member: TarMember }
  /** Part of the current member's data (`dataSize` bytes in total); its padding comes as raw. */
  | { kind: 'data', bytes: Uint8Array }
  /** Emitted once: at the first all-zero header block (its offset), or at EOF when there is none. */
  | { kind: 'end', offset: number, endOfArchive: 'zero-blocks' | 'missing' }
