/** The public shapes of the zip reader: the random-access source it reads, an entry, and the archive layout. */

import type { Limits } from '../../limits.js'

/**
 * Random access to the archive bytes. Zip must be read from the end (the central directory is at the end and
 * is authoritative), so a stream will not do. `read` must return exactly `length` bytes for any range within
 * [0, size); the reader never asks for bytes outside it.
 */
export interface RandomAccessSource {
  /** Total size of the archive in bytes (a non-negative safe integer). */
  size: number
  read: (offset: number, length: number) => Promise<Uint8Array>
}

/** One extra field (APPNOTE 4.5): a 2-byte id and its data. `data` is an owned copy. */
export interface ExtraField {
  id: number
  data: Uint8Array
}

/** What an entry is, from its name and attributes. */
export type ZipEntryType = 'file' | 'directory' | 'symlink'

/**
 * One entry, as the central directory describes it, with where its local header, data and data descriptor
 * sit in the file. Byte strings are owned copies. All offsets are absolute file offsets (the archive's own
 * offsets plus {@link ZipLayout.offsetShift}).
 */
export interface ZipEntry {
  /** Position in the central directory (0-based). */
  index: number
  /** Raw name bytes from the central directory (CP437 or, with `utf8Flag`, UTF-8; never decoded here). */
  path: Uint8Array
  /** General purpose bit 11: the name and comment are UTF-8. */
  utf8Flag: boolean
  comment: Uint8Array
  /** Compression method: 0 stored, 8 deflate, 9 deflate64, 12 bzip2, 14 lzma, 93 zstd, 95 xz, 99 AES, … */
  method: number
  /** General purpose bit flags, as in the central directory (the local header's must be the same except bits 3 and 11: docs/spec.md §18.1). */
  flags: number
  crc32: number
  /** Zip64-resolved sizes. */
  compressedSize: number
  uncompressedSize: number
  /** Absolute offset of the local header (zip64-resolved, shift applied). */
  localHeaderOffset: number
  /** Absolute offset of the first data byte: after the LOCAL header's name and extra field (their lengths may differ from the central ones). */
  dataOffset: number
  /** When the LOCAL header's bit 3 is set: where the data descriptor sits, its length (12/16, or 20/24 with zip64 sizes) and whether it starts with the optional signature. */
  dataDescriptor?: { offset: number, length: number, signed: boolean }
  versionMadeBy: number
  versionNeeded: number
  externalAttributes: number
  internalAttributes: number
  /** `externalAttributes >>> 16` when made by Unix (host 3) and non-zero. */
  unixMode?: number
  type: ZipEntryType
  /** The MS-DOS time and date fields of the central directory. */
  dosTime: number
  dosDate: number
  /**
   * Seconds since the epoch: from the extended timestamp (0x5455), else NTFS times (0x000a), else the Info-ZIP
   * / PKWARE Unix fields (0x5855, 0x000d), else the DOS time read as UTC; absent when the DOS fields are not a
   * valid date.
   */
  mtime?: number
  /** From the Info-ZIP Unix extra fields (0x7875, else 0x5855 / 0x000d), local header first. */
  uid?: number
  gid?: number
  /** The central directory's extra fields in order, all of them (unknown ones too). */
  extraFields: ExtraField[]
  /** Bytes after the last well-formed central extra field (zipalign padding, garbage); absent when none. */
  extraTail?: Uint8Array
  /** The local header's extra fields in order. */
  localExtraFields: ExtraField[]
  /** Bytes after the last well-formed local extra field; absent when none. */
  localExtraTail?: Uint8Array
  /** Bit 0 (traditional or strong encryption) or method 99 (WinZip AES). */
  encrypted: boolean
}

/** What a byte range of the file is. */
export type ZipSegmentKind =
  | 'prefix' | 'local-header' | 'data' | 'data-descriptor' | 'gap' | 'central-directory' | 'end-records' | 'trailing'

/** A byte range of the file. Segments are sorted, non-empty, and tile [0, size) exactly. */
export interface ZipSegment {
  offset: number
  length: number
  kind: ZipSegmentKind
  /** For 'local-header', 'data' and 'data-descriptor': the entry's `index`. */
  entry?: number
}

/** Everything {@link readZipLayout} found. */
export interface ZipLayout {
  /** In central directory order. */
  entries: ZipEntry[]
  /** Absolute offset and size of the central directory. */
  centralDirectory: { offset: number, size: number }
  /**
   * The end-of-central-directory record: its offset and length (22 + comment). With zip64, where the zip64
   * end record (`recordLength` = 12 + its size field, extensible data included) and its locator (20) sit.
   */
  endOfCentralDirectory: { offset: number, length: number, zip64?: { recordOffset: number, recordLength: number, locatorOffset: number } }
  /** The archive comment (from the EOCD record). */
  comment: Uint8Array
  /** Bytes before the first local header (or before the central directory when there are no entries). */
  prefixLength: number
  /**
   * What to add to the offsets written in the archive to get file offsets: non-zero when bytes were prepended
   * (a self-extracting stub, `cat stub a.zip`) without adjusting the offsets (`zip -A` adjusts them).
   */
  offsetShift: number
  segments: ZipSegment[]
}

/** Limits of the zip reader, on top of the common ones (`maxEntries` applies). */
export interface ZipLimits extends Limits {
  /** Bytes of the central directory, which is read into memory whole. */
  readonly maxCentralDirectoryBytes: number
  /** Largest uncompressedSize / compressedSize of one deflated entry whose uncompressed size is over `compressionRatioMinBytes`. */
  readonly maxCompressionRatio: number
  /** Entries up to this uncompressed size are never ratio-checked (small files of zeros compress extremely). */
  readonly compressionRatioMinBytes: number
}

/** Options of {@link readZipLayout}. */
export interface ZipReadOptions {
  limits?: Partial<ZipLimits>
}
