/** Record signatures and fixed sizes from PKWARE's APPNOTE.TXT (6.3.10); section numbers cited where used. */

/** Local file header, "PK\3\4" (4.3.7). */
export const SIG_LOCAL_HEADER = 0x04034b50
/** Central directory file header, "PK\1\2" (4.3.12). */
export const SIG_CENTRAL_HEADER = 0x02014b50
/** End of central directory record, "PK\5\6" (4.3.16). */
export const SIG_EOCD = 0x06054b50
/** Zip64 end of central directory record, "PK\6\6" (4.3.14). */
export const SIG_ZIP64_EOCD = 0x06064b50
/** Zip64 end of central directory locator, "PK\6\7" (4.3.15). */
export const SIG_ZIP64_LOCATOR = 0x07064b50
/** Optional data descriptor signature, "PK\7\8" (4.3.9.3). */
export const SIG_DATA_DESCRIPTOR = 0x08074b50

export const LOCAL_HEADER_SIZE = 30
export const CENTRAL_HEADER_SIZE = 46
export const EOCD_SIZE = 22
export const ZIP64_LOCATOR_SIZE = 20
/** The zip64 end record without its extensible data sector (12 + the 44 its size field counts at least). */
export const ZIP64_EOCD_MIN_SIZE = 56
/** The EOCD comment length is a 16-bit field. */
export const MAX_COMMENT = 0xffff

/** Values that mean "see the zip64 field" (4.4.8, 4.5.3). */
export const U16_MAX = 0xffff
export const U32_MAX = 0xffffffff

// Extra field ids (4.5.2, 4.6 and Info-ZIP's extrafld.txt).
export const EXTRA_ZIP64 = 0x0001
export const EXTRA_NTFS = 0x000a
export const EXTRA_PKWARE_UNIX = 0x000d
export const EXTRA_EXTENDED_TIMESTAMP = 0x5455
export const EXTRA_INFOZIP_UNIX_OLD = 0x5855
export const EXTRA_INFOZIP_UNIX_NEW = 0x7875
/** Info-ZIP Unicode Path: version 1, CRC-32 of the header's name field, the name in UTF-8. */
export const EXTRA_UNICODE_PATH = 0x7075

// General purpose bit flags (4.4.4).
export const FLAG_ENCRYPTED = 0x0001
export const FLAG_DATA_DESCRIPTOR = 0x0008
export const FLAG_UTF8 = 0x0800
/** Bit 13: the local header's values are masked (central directory encryption, 4.4.4). */
export const FLAG_MASKED_LOCAL_HEADER = 0x2000

/** Compression method 8: deflate (APPNOTE 4.4.5). */
export const METHOD_DEFLATED = 8
export const METHOD_AES = 99

/** Host system in the high byte of "version made by" (4.4.2.2). */
export const HOST_UNIX = 3

export const S_IFMT = 0o170000
export const S_IFDIR = 0o040000
export const S_IFLNK = 0o120000
/** MS-DOS directory attribute, in the low byte of the external attributes. */
export const DOS_DIRECTORY = 0x10
