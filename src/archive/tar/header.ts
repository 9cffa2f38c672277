/**
 * Decoding one 512-byte header block into its fields. Which fields exist depends on the magic:
 * - v7 (no magic): name, mode, uid, gid, size, mtime, chksum, typeflag, linkname; the rest is unused.
 * - ustar (POSIX, magic "ustar\0"): adds uname, gname, devmajor, devminor and the 155-byte name prefix
 *   (star: 131-byte prefix when the block ends with "tar\0").
 * - gnu (magic+version "ustar  \0"): like ustar but without prefix; bytes 345… hold atime, ctime and the
 *   old-GNU sparse map instead (GNU tar manual, "Basic Tar Format").
 * GNU tar tests only the 6 magic bytes to recognise ustar, not the version; we do the same so that
 * archives with a non-"00" version still get their prefix.
 */

import { cString, cStringReusing, EMPTY, joinPrefix } from './bytes.js'
import {
  DEVMAJOR_LENGTH, GNU_ATIME_OFFSET, GNU_CTIME_OFFSET, GNU_TIME_LENGTH, DEVMAJOR_OFFSET, DEVMINOR_LENGTH, DEVMINOR_OFFSET, GID_LENGTH, GID_OFFSET, GNAME_LENGTH,
  GNAME_OFFSET, LINKNAME_LENGTH, LINKNAME_OFFSET, MAGIC_OFFSET, MODE_LENGTH, MODE_OFFSET, MTIME_LENGTH,
  MTIME_OFFSET, NAME_LENGTH, NAME_OFFSET, OLDGNU_ISEXTENDED_OFFSET, OLDGNU_REALSIZE_LENGTH,
  OLDGNU_REALSIZE_OFFSET, PREFIX_LENGTH, PREFIX_OFFSET, SIZE_LENGTH, SIZE_OFFSET, STAR_PREFIX_LENGTH,
  STAR_TRAILER_OFFSET, TYPEFLAG_OFFSET, TYPE_BLOCK, TYPE_CHAR, TYPE_GNU_SPARSE, UID_LENGTH, UID_OFFSET,
  UNAME_LENGTH, UNAME_OFFSET
} from './constants.js'
import { parseNumericField } from './numeric.js'
import { HeaderFieldError } from '../../errors.js'

/** How a header block is written, from its magic. ('pax' is decided by the reader, not the block.) */
export type HeaderMagic = 'v7' | 'ustar' | 'gnu'

/** The fields of one header block, before any extension record is applied. */
export interface HeaderFields {
  typeflag: number
  magic: HeaderMagic
  /** name, or prefix + '/' + name for ustar; copied bytes up to the first NUL. */
  name: Uint8Array
  linkname: Uint8Array
  mode: number
  uid: number
  gid: number
  /** The size field: bytes stored after the header (before padding). */
  size: number
  mtime: number
  /** Empty for v7 headers, which have no such field. */
  uname: Uint8Array
  gname: Uint8Array
  /** 0 unless ustar/gnu char or block device. */
  devMajor: number
  devMinor: number
  /** Old-GNU sparse ('S') only: the expanded file size, and whether extension blocks follow. */
  realSize: number
  isExtended: boolean
}

/** The magic of a (valid) header block. */
export function headerMagic (block: Uint8Array): HeaderMagic {
  const m = MAGIC_OFFSET
  if (block[m] !== 0x75 || block[m + 1] !== 0x73 || block[m + 2] !== 0x74 || block[m + 3] !== 0x61 ||
    block[m + 4] !== 0x72) return 'v7' // "ustar"
  if (block[m + 5] === 0) return 'ustar' // "ustar\0", any version
  if (block[m + 5] === 0x20 && block[m + 6] === 0x20 && block[m + 7] === 0) return 'gnu' // "ustar  \0"
  return 'v7'
}

/** Only the size field: enough for extension headers, whose other fields readers ignore. */
export function decodeSize (block: Uint8Array, headerOffset: number): number {
  return nonNegative(parseNumericField(block, SIZE_OFFSET, SIZE_LENGTH, { field: 'size', headerOffset }), 'size', headerOffset)
}

/**
 * All fields of a header block whose checksum was already verified. `previous` (the last header decoded
 * by the same reader) lets equal uname/gname values share one array.
 */
export function decodeHeader (block: Uint8Array, headerOffset: number, previous?: HeaderFields): HeaderFields {
  const typeflag = block[TYPEFLAG_OFFSET]!
  const magic = headerMagic(block)
  const num = (start: number, length: number, field: string): number =>
    parseNumericField(block, start, length, { field, headerOffset })

  let name = cString(block, NAME_OFFSET, NAME_LENGTH)
  if (magic === 'ustar') {
    const star = block[STAR_TRAILER_OFFSET] === 0x74 && block[STAR_TRAILER_OFFSET + 1] === 0x61 &&
      block[STAR_TRAILER_OFFSET + 2] === 0x72 && block[STAR_TRAILER_OFFSET + 3] === 0
    name = joinPrefix(cString(block, PREFIX_OFFSET, star ? STAR_PREFIX_LENGTH : PREFIX_LENGTH), name)
  }
  const device = magic !== 'v7' && (typeflag === TYPE_CHAR || typeflag === TYPE_BLOCK)
  const sparse = typeflag === TYPE_GNU_SPARSE
  return {
    typeflag,
    magic,
    name,
    linkname: cString(block, LINKNAME_OFFSET, LINKNAME_LENGTH),
    mode: nonNegative(num(MODE_OFFSET, MODE_LENGTH, 'mode'), 'mode', headerOffset),
    uid: nonNegative(num(UID_OFFSET, UID_LENGTH, 'uid'), 'uid', headerOffset),
    gid: nonNegative(num(GID_OFFSET, GID_LENGTH, 'gid'), 'gid', headerOffset),
    size: nonNegative(num(SIZE_OFFSET, SIZE_LENGTH, 'size'), 'size', headerOffset),
    mtime: num(MTIME_OFFSET, MTIME_LENGTH, 'mtime'),
    uname: magic === 'v7' ? EMPTY : cStringReusing(block, UNAME_OFFSET, UNAME_LENGTH, previous?.uname ?? EMPTY),
    gname: magic === 'v7' ? EMPTY : cStringReusing(block, GNAME_OFFSET, GNAME_LENGTH, previous?.gname ?? EMPTY),
    devMajor: device ? nonNegative(num(DEVMAJOR_OFFSET, DEVMAJOR_LENGTH, 'devmajor'), 'devmajor', headerOffset) : 0,
    devMinor: device ? nonNegative(num(DEVMINOR_OFFSET, DEVMINOR_LENGTH, 'devminor'), 'devminor', headerOffset) : 0,
    realSize: sparse
      ? nonNegative(num(OLDGNU_REALSIZE_OFFSET, OLDGNU_REALSIZE_LENGTH, 'realsize'), 'realsize', headerOffset)
      : 0,
    isExtended: sparse && block[OLDGNU_ISEXTENDED_OFFSET] !== 0
  }
}

/**
 * The atime and ctime of a gnu-magic header, read leniently: a field that is all NUL or not a number is
 * undefined (no reader interprets these fields, so they never make an archive invalid).
 */
export function decodeGnuTimes (block: Uint8Array): { atime?: number, ctime?: number } {
  return { atime: lenientNumber(block, GNU_ATIME_OFFSET), ctime: lenientNumber(block, GNU_CTIME_OFFSET) }
}

function lenientNumber (block: Uint8Array, start: number): number | undefined {
  let blank = true
  for (let i = start; i < start + GNU_TIME_LENGTH; i++) if (block[i] !== 0) { blank = false; break }
  if (blank) return undefined
  try {
    return parseNumericField(block, start, GNU_TIME_LENGTH, { field: 'time', headerOffset: 0 })
  } catch (err) {
    if (err instanceof HeaderFieldError) return undefined
    throw err
  }
}

function nonNegative (value: number, field: string, headerOffset: number): number {
  if (value < 0) throw new HeaderFieldError(`header field ${field} is negative`, { offset: headerOffset, field })
  return value
}
