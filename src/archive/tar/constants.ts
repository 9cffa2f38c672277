/**
 * Layout of a tar header block. Offsets and lengths are those of POSIX.1-2017 `pax` "ustar Interchange
 * Format" (name … prefix), of the GNU tar manual "Basic Tar Format" (struct oldgnu_header: atime, ctime,
 * sparse map, isextended, realsize) and of star (131-byte prefix, "tar\0" trailer at 508).
 */

/** Every header, extension record and data area is a whole number of these. */
export const BLOCK_SIZE = 512

export const NAME_OFFSET = 0
export const NAME_LENGTH = 100
export const MODE_OFFSET = 100
export const MODE_LENGTH = 8
export const UID_OFFSET = 108
export const UID_LENGTH = 8
export const GID_OFFSET = 116
export const GID_LENGTH = 8
export const SIZE_OFFSET = 124
export const SIZE_LENGTH = 12
export const MTIME_OFFSET = 136
export const MTIME_LENGTH = 12
export const CHECKSUM_OFFSET = 148
export const CHECKSUM_LENGTH = 8
export const TYPEFLAG_OFFSET = 156
export const LINKNAME_OFFSET = 157
export const LINKNAME_LENGTH = 100
export const MAGIC_OFFSET = 257
export const UNAME_OFFSET = 265
export const UNAME_LENGTH = 32
export const GNAME_OFFSET = 297
export const GNAME_LENGTH = 32
export const DEVMAJOR_OFFSET = 329
export const DEVMAJOR_LENGTH = 8
export const DEVMINOR_OFFSET = 337
export const DEVMINOR_LENGTH = 8
export const PREFIX_OFFSET = 345
export const PREFIX_LENGTH = 155
/** star writes atime and ctime after a shorter prefix and marks the block with "tar\0" at 508. */
export const STAR_PREFIX_LENGTH = 131
export const STAR_TRAILER_OFFSET = 508

/** gnu-magic headers: atime and ctime where ustar has its prefix (GNU tar --incremental, Go's GNU format). */
export const GNU_ATIME_OFFSET = 345
export const GNU_CTIME_OFFSET = 357
export const GNU_TIME_LENGTH = 12

/** Old-GNU sparse header ('S'): 4 map entries of (offset, numbytes), 12 bytes each, then the flags. */
export const OLDGNU_SPARSE_OFFSET = 386
export const OLDGNU_SPARSE_ENTRIES = 4
export const OLDGNU_ISEXTENDED_OFFSET = 482
export const OLDGNU_REALSIZE_OFFSET = 483
export const OLDGNU_REALSIZE_LENGTH = 12
/** An old-GNU sparse extension block holds 21 map entries, then its own isextended flag. */
export const SPARSE_EXT_ENTRIES = 21
export const SPARSE_EXT_ISEXTENDED_OFFSET = 504

/** Typeflag bytes (POSIX ustar, POSIX pax, GNU tar manual "Basic Tar Format"). */
export const TYPE_AREG = 0x00 // '\0': regular file, pre-POSIX
export const TYPE_REG = 0x30 // '0'
export const TYPE_LINK = 0x31 // '1'
export const TYPE_SYMLINK = 0x32 // '2'
export const TYPE_CHAR = 0x33 // '3'
export const TYPE_BLOCK = 0x34 // '4'
export const TYPE_DIR = 0x35 // '5'
export const TYPE_FIFO = 0x36 // '6'
export const TYPE_CONT = 0x37 // '7': contiguous file
export const TYPE_PAX_LOCAL = 0x78 // 'x'
export const TYPE_PAX_GLOBAL = 0x67 // 'g'
export const TYPE_SOLARIS_PAX = 0x58 // 'X': Solaris' name for 'x'; GNU tar and libarchive read it as 'x'
export const TYPE_GNU_LONGNAME = 0x4c // 'L'
export const TYPE_GNU_LONGLINK = 0x4b // 'K'
export const TYPE_GNU_SPARSE = 0x53 // 'S'
export const TYPE_GNU_DUMPDIR = 0x44 // 'D'
export const TYPE_GNU_VOLHDR = 0x56 // 'V'
