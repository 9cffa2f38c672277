/** Events yielded by the streaming decompressors: output bytes in order, and the compressed structure. */
import type { CompressionFormat } from '../container/detect.js'
import type { GzipMember } from '../container/gzip.js'
import type { XzBlockInfo, XzCheckType } from '../container/xz.js'
import type { ZstdFrameHeader } from '../container/zstd.js'

/** Decompressed output, in order: the consumer's to keep, unless the decompressor lends it (LendOptions). */
export interface DataEvent { kind: 'data', bytes: Uint8Array }

export interface LendOptions {
  /**
   * The xz and bzip2 decompressors hand on their output as views of their own memory, which they reuse
   * once the consumer asks for the next event: no buffer is made per piece (the consumer copies what it
   * keeps). A long decompression otherwise leaves its output behind as dead buffers, which a thread that
   * allocates little else collects late (#16: ~100 MB of them at the peak of a 155 MB .tar.xz). The other
   * decompressors' output is always the consumer's.
   */
  lend?: boolean
}

/** After each gzip member's data. */
export interface GzipMemberEvent { kind: 'gzip-member', member: GzipMember }

/** After each bzip2 stream's data ("BZh" .. end-of-stream marker, padding bits, byte-aligned). */
export interface Bzip2StreamEvent {
  kind: 'bzip2-stream'
  offset: number
  size: number
  /** Block size level 1..9 from the "BZhN" header. */
  level: number
  uncompressedOffset: number
  uncompressedSize: number
}

/** After each xz stream's data (stream header .. stream footer, without stream padding). */
export interface XzStreamEvent {
  kind: 'xz-stream'
  offset: number
  size: number
  /** The two stream flag bytes as stored (first byte 0, second the check type). */
  flags: number
  checkType: XzCheckType
  /** Bytes of each block's check field (0, 4, 8, 32). */
  checkSize: number
  blocks: XzBlockInfo[]
  indexOffset: number
  indexSize: number
  footerOffset: number
  uncompressedOffset: number
  uncompressedSize: number
}

/** Stream padding (a multiple of 4 zero bytes) between two xz streams. Padding after the last stream is reported as trailing. */
export interface XzStreamPaddingEvent { kind: 'xz-stream-padding', offset: number, size: number }

/** After each zstd frame's data. */
export interface ZstdFrameEvent {
  kind: 'zstd-frame'
  offset: number
  size: number
  /** Frame header exactly as stored (magic included). */
  headerBytes: Uint8Array
  header: ZstdFrameHeader
  /** Number of blocks and how they were coded. */
  blocks: { raw: number, rle: number, compressed: number }
  /** Stored (and verified) content checksum (low 32 bits of XXH64), when the header's checksum flag is set. */
  checksum?: number
  uncompressedOffset: number
  uncompressedSize: number
}

/** A zstd skippable frame (magic 0x184D2A50..5F): its bytes are not output. */
export interface ZstdSkippableFrameEvent {
  kind: 'zstd-skippable-frame'
  offset: number
  size: number
  /** Low nibble of the magic (0..15). */
  magicVariant: number
}

/** Always last. */
export interface EndEvent {
  kind: 'end'
  format: CompressionFormat
  /** Bytes of compressed input read, trailing bytes included. */
  compressedSize: number
  uncompressedSize: number
  /** Bytes after the last member/stream/frame that do not start another one (length 0 when none). */
  trailing: { offset: number, length: number, allZero: boolean }
}

export type DecompressEvent =
  | DataEvent | GzipMemberEvent | Bzip2StreamEvent | XzStreamEvent | XzStreamPaddingEvent
  | ZstdFrameEvent | ZstdSkippableFrameEvent | EndEvent
