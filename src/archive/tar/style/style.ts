/**
 * A header style: the formatting habits of one tar writer, as a small record of named choices. Each
 * choice is one rule of docs/spec-header-styles.md; the encoder (encode.ts) is the one interpreter of
 * these records, so a port implements the rules once and gets every style.
 */

import type { NumberFormat } from './numbers.js'

/** The names of the catalogue's styles (catalogue.ts), stable: manifests record them. */
export type StyleName =
  | 'gnu' | 'gnu-numeric' | 'oldgnu' | 'oldgnu-numeric' | 'posix' | 'v7'
  | 'npm' | 'bsdtar' | 'git' | 'python-gnu' | 'python' | 'go' | 'go-gnu'
  | 'node-tar' | 'cargo' | 'cargo-generated' | 'openbsd' | 'tar-stream'

/**
 * How a path and a link target become the name, prefix and linkname fields, and which GNU 'L'/'K'
 * records precede the header (docs/spec-header-styles.md §H4):
 * - `gnu`: 'K' when the target exceeds 100 bytes, 'L' when the path does; fields cut to 100.
 * - `oldgnu`: the same from 100 bytes on; the name field holds 99 bytes and a NUL.
 * - `go-gnu`: like `gnu`, fields cut by Go's formatString.
 * - `posix`: ustar split, longest prefix; under an 'x' header, fields cut to 100 and no prefix.
 * - `v7`: no split: paths of at most 100 bytes (GNU tar refuses longer ones).
 * - `npm`: node-tar's splitPrefix and UTF-8 fields.
 * - `bsdtar`: ustar split, shortest prefix; under an 'x' header libarchive's ustar entry name and
 *   "././@LongSymLink"/"././@LongHardLink".
 * - `git`: ustar split, longest prefix of at most 154 bytes, else `<oid>.data`; "see <oid>.paxheader".
 * - `python`: ustar split, shortest prefix; under an 'x' header ASCII with '?' and cut.
 * - `go`: ustar split, longest prefix (ASCII only); under an 'x' header ASCII only and formatString.
 * - `tar-stream`: ustar split, shortest prefix (ASCII paths only); under an 'x' header the name
 *   "PaxHeader", no prefix, and the linkname "PaxHeader" for a link.
 */
export type NameRule = 'gnu' | 'oldgnu' | 'go-gnu' | 'posix' | 'v7' | 'npm' | 'bsdtar' | 'git' | 'python' | 'go' | 'tar-stream'

/** Bytes 257-264: "ustar  \0" (gnu), "ustar\0" "00" (ustar), or eight NULs (v7). */
export type Magic = 'gnu' | 'ustar' | 'v7'

/** The checksum field: "%06o\0 " (most), "%06o \0" (node-tar), "%07o\0" (git). */
export type ChecksumFormat = 'nul-space' | 'space-nul' | 'seven-nul'

/** The fields of the GNU 'L'/'K' pseudo-header ("././@LongLink"). */
export interface LongNameHabits {
  /** Its mode field: 0o644 (GNU tar) or 0 (Python, Go). */
  readonly mode: number
  /** Its uname and gname: "root" (GNU tar without --numeric-owner) or empty. */
  readonly owner: 'root' | 'none'
  /** Which record comes first when both are written: the link's (GNU tar, Python) or the name's (Go, Rust). */
  readonly order: 'link-first' | 'name-first'
}

/** The name and fields of the PAX 'x' pseudo-header (docs/spec-header-styles.md §H5). */
export interface PaxHabits {
  /**
   * - `gnu`: `%d/PaxHeaders/%f`, cut to 100;
   * - `bsdtar`: libarchive's ustar entry name of the path with a "PaxHeader" component, split;
   * - `npm`: "PaxHeader/" and the basename, cut to 99 code units, split as node-tar splits;
   * - `python`: "././@PaxHeader";
   * - `go`: `dir/PaxHeaders.0/file`, ASCII, cut to 100, no trailing '/';
   * - `git`: `<oid>.paxheader`;
   * - `tar-stream`: "PaxHeader", and the linkname "PaxHeader" for a link (the only rule that fills it).
   */
  readonly name: 'gnu' | 'bsdtar' | 'npm' | 'python' | 'go' | 'git' | 'tar-stream'
  /** Its mode field: a constant, the entry's permission bits (mode & 0o777), or the entry's mode field. */
  readonly mode: number | 'permissions' | 'entry'
  /** Its uid and gid: 0, the entry's, or the entry's clipped to 0o777777 (libarchive). */
  readonly ids: 'zero' | 'entry' | 'clip18'
  /** Its uname and gname: empty, or the entry's. */
  readonly names: 'empty' | 'entry'
  /**
   * Its mtime: 0; the entry's; the entry's clamped to [0, 8^11-1] (GNU tar); or clamped to
   * [0, 2^31-1] (libarchive).
   */
  readonly mtime: 'zero' | 'entry' | 'clamp-octal' | 'clamp-31'
  /**
   * Its devmajor/devminor fields: NULs, 0 formatted as a number, or the entry's device numbers (a 'g'
   * header, which has none, gets 0 for both of the latter).
   */
  readonly devices: 'nul' | 'zero' | 'entry'
}

/** One writer's habits. */
export interface HeaderStyle {
  readonly name: StyleName
  /** Which writer, for people. */
  readonly writer: string
  readonly magic: Magic
  readonly numbers: NumberFormat
  readonly checksum: ChecksumFormat
  /** devmajor/devminor of members that are not devices: NULs (`devices-only`) or 0 formatted (`always`). */
  readonly devices: 'devices-only' | 'always'
  /** Whether the uid and gid fields are written (npm leaves them NUL: uid and gid must be 0). */
  readonly ids: 'written' | 'absent'
  /** Whether uname and gname are written (v7 has no such fields). */
  readonly ownerNames: 'written' | 'absent'
  /** How an mtime of 0 is written: as a number, or left NUL (npm writes no mtime for directories). */
  readonly zeroMtime: 'written' | 'absent'
  readonly names: NameRule
  /** GNU 'L'/'K' records, for the name rules that write them. */
  readonly longNames?: LongNameHabits
  /** The 'x' header; undefined when the writer never writes one. */
  readonly pax?: PaxHabits
  /**
   * The mtime field of a member with an 'x' header and a fractional mtime: `floor`; `half-even`, the
   * mtime rounded half to even (Python); `bsdtar`, the floor plus one for negative times (libarchive
   * writes -1.5 s as the record "-2.5" and -2 in the field).
   */
  readonly paxMtime: 'floor' | 'half-even' | 'bsdtar'
}
