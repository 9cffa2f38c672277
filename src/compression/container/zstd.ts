/**
 * The Zstandard frame format (RFC 8878), modelled: frame headers, block headers, skippable frames.
 * Block headers give each block's size, so a frame's extent is known without decoding it.
 * Pure: no I/O, no node: imports.
 */
import { CorruptCompressedDataError, UnsupportedFormatError } from '../../errors.js'

export const ZSTD_MAGIC = 0xfd2fb528
export const ZSTD_SKIPPABLE_MASK = 0xfffffff0
export const ZSTD_SKIPPABLE_MAGIC = 0x184d2a50
/** Largest block size the format allows (128 KiB). */
export const ZSTD_BLOCK_SIZE_MAX = 131072

export interface ZstdFrameHeader {
  /** Frame_Header_Descriptor byte as stored. */
  descriptor: number
  singleSegment: boolean
  checksumFlag: boolean
  /** Dictionary id, 0 when absent. */
  dictionaryId: number
  /** Window_Descriptor byte, absent in single-segment frames. */
  windowDescriptor?: number
  /** Window size in bytes (for single-segment frames, the content size). */
  windowSize: number
  /** Frame_Content_Size, when stored. */
  contentSize?: number
  /** Header length, magic included. */
  size: number
}

function le (b: Uint8Array, p: number, n: number): number {
  let v = 0
  for (let i = n - 1; i >= 0; i--) v = v * 256 + b[p + i]!
  return v
}

export function readLe32 (b: Uint8Array, p: number): number { return le(b, p, 4) }

/** What a 4-byte magic number starts: a zstd frame, a skippable frame (with its variant), or neither. */
export function zstdMagicKind (b: Uint8Array, at = 0): 'frame' | 'skippable' | undefined {
  if (b.length < at + 4) return undefined
  const m = le(b, at, 4)
  if (m === ZSTD_MAGIC) return 'frame'
  if (((m & ZSTD_SKIPPABLE_MASK) >>> 0) === ZSTD_SKIPPABLE_MAGIC) return 'skippable'
  return undefined
}

/** Length of the frame header starting at `b[0]` (magic included) once its descriptor byte (b[4]) is known. */
export function zstdFrameHeaderSize (descriptor: number): number {
  const fcsFlag = descriptor >> 6
  const singleSegment = (descriptor & 0x20) !== 0
  const didFlag = descriptor & 3
  const fcsSize = fcsFlag === 0 ? (singleSegment ? 1 : 0) : 1 << fcsFlag
  return 4 + 1 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][didFlag]! + fcsSize
}

/** Parse a complete frame header (`b.length >= zstdFrameHeaderSize(b[4])`). */
export function parseZstdFrameHeader (b: Uint8Array, offset: number): ZstdFrameHeader {
  if (zstdMagicKind(b) !== 'frame') throw new CorruptCompressedDataError('corrupt zstd data: bad frame magic', { offset, format: 'zstd', reason: 'bad frame magic' })
  const d = b[4]!
  if ((d & 0x08) !== 0) throw new CorruptCompressedDataError('corrupt zstd data: reserved frame header bit set', { offset: offset + 4, format: 'zstd', reason: 'reserved bit' })
  const singleSegment = (d & 0x20) !== 0
  const fcsFlag = d >> 6
  let p = 5
  const h: ZstdFrameHeader = { descriptor: d, singleSegment, checksumFlag: (d & 0x04) !== 0, dictionaryId: 0, windowSize: 0, size: zstdFrameHeaderSize(d) }
  if (!singleSegment) {
    const wd = b[p++]!
    h.windowDescriptor = wd
    const base = 2 ** (10 + (wd >> 3))
    h.windowSize = base + (base / 8) * (wd & 7)
  }
  const didSize = [0, 1, 2, 4][d & 3]!
  h.dictionaryId = le(b, p, didSize)
  p += didSize
  const fcsSize = fcsFlag === 0 ? (singleSegment ? 1 : 0) : 1 << fcsFlag
  if (fcsSize > 0) {
    let v = le(b, p, fcsSize)
    if (fcsSize === 2) v += 256
    if (v > Number.MAX_SAFE_INTEGER) throw new UnsupportedFormatError('zstd content size beyond 2^53', { offset: offset + p, format: 'zstd' })
    h.contentSize = v
  }
  if (singleSegment) h.windowSize = h.contentSize!
  return h
}

/** A 3-byte block header: last-block flag, type (0 raw, 1 RLE, 2 compressed, 3 reserved), size field. */
export function parseZstdBlockHeader (b: Uint8Array, p: number): { last: boolean, type: number, size: number, dataSize: number } {
  const v = b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)
  const type = (v >> 1) & 3
  const size = v >>> 3
  return { last: (v & 1) === 1, type, size, dataSize: type === 1 ? 1 : size }
}
