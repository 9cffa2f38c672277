/**
 * The .xz container (xz file format 1.2.1), modelled: stream header and footer, block headers (with
 * their filter chains), and the index. LZMA2 chunk headers give each chunk's sizes, so a block's extent is
 * known without decoding it. Pure: no I/O, no node: imports.
 */
import { CorruptCompressedDataError, UnsupportedFormatError } from '../../errors.js'
import { crc32 } from './crc32.js'

export const XZ_HEADER_MAGIC = Uint8Array.of(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)
export const XZ_FOOTER_MAGIC = Uint8Array.of(0x59, 0x5a)
export const XZ_STREAM_HEADER_SIZE = 12
export const XZ_STREAM_FOOTER_SIZE = 12
/** Filter id of LZMA2, which must be last in an xz filter chain as written by xz-utils. */
export const XZ_FILTER_LZMA2 = 0x21

/** Check type id (0 none, 1 CRC32, 4 CRC64, 10 SHA-256; other ids are reserved but sized by the spec). */
export type XzCheckType = number

/** Size in bytes of the check field for each check type id 0..15. */
export function xzCheckSize (checkType: number): number {
  return checkType === 0 ? 0 : 4 << Math.floor((checkType - 1) / 3)
}

export const XZ_CHECK_NAMES: Record<number, string> = { 0: 'none', 1: 'crc32', 4: 'crc64', 10: 'sha256' }

export interface XzFilter { id: number, props: Uint8Array }

export interface XzBlockInfo {
  /** Offset of the block header in the compressed input. */
  offset: number
  headerSize: number
  /** Compressed data bytes (LZMA2 chunks), without block padding and check. */
  compressedSize: number
  /** Block padding bytes (0..3). */
  paddingSize: number
  checkSize: number
  /** headerSize + compressedSize + checkSize, as in the index. */
  unpaddedSize: number
  uncompressedSize: number
  uncompressedOffset: number
  /** Sizes the block header stores (xz -T writes them, single-threaded xz does not). */
  headerCompressedSize?: number
  headerUncompressedSize?: number
  filters: XzFilter[]
  /** The stored check field (CRC32, CRC64 or SHA-256 of the block's uncompressed data; empty for none). */
  check: Uint8Array
  /** LZMA2 chunks in the block. */
  chunks: number
}

export interface XzStreamHeader { flags: number, checkType: number }

function corrupt (reason: string, offset: number): CorruptCompressedDataError {
  return new CorruptCompressedDataError(`corrupt xz data: ${reason}`, { offset, format: 'xz', reason })
}

function le32 (b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0
}

export function isXzStreamStart (b: Uint8Array, at = 0): boolean {
  for (let i = 0; i < 6; i++) if (b[at + i] !== XZ_HEADER_MAGIC[i]) return false
  return true
}

/** Parse the 12-byte stream header (magic, flags, CRC32 of the flags). */
export function parseXzStreamHeader (b: Uint8Array, offset: number): XzStreamHeader {
  if (!isXzStreamStart(b)) throw corrupt('bad stream header magic', offset)
  if (le32(b, 8) !== crc32(b.subarray(6, 8))) throw corrupt('stream header CRC32 mismatch', offset + 8)
  if (b[6] !== 0 || (b[7]! & 0xf0) !== 0) throw new UnsupportedFormatError('xz stream flags use reserved bits', { offset: offset + 6, format: 'xz' })
  return { flags: (b[6]! << 8) | b[7]!, checkType: b[7]! & 0x0f }
}

/** Parse the 12-byte stream footer; `backwardSize` is the index size in bytes. */
export function parseXzStreamFooter (b: Uint8Array, offset: number): { backwardSize: number, flags: number } {
  if (b[10] !== 0x59 || b[11] !== 0x5a) throw corrupt('bad stream footer magic', offset + 10)
  if (le32(b, 0) !== crc32(b.subarray(4, 10))) throw corrupt('stream footer CRC32 mismatch', offset)
  return { backwardSize: (le32(b, 4) + 1) * 4, flags: (b[8]! << 8) | b[9]! }
}

/** Read a multibyte integer (1..9 bytes, 7 bits each, little-endian); returns undefined when `b` ends first. */
export function readXzVli (b: Uint8Array, p: number, offset: number): [value: number, next: number] | undefined {
  let v = 0
  for (let i = 0; i < 9; i++) {
    if (p + i >= b.length) return undefined
    const byte = b[p + i]!
    v += (byte & 0x7f) * 2 ** (7 * i)
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 0) throw corrupt('non-minimal variable-length integer', offset + p + i)
      if (v > Number.MAX_SAFE_INTEGER) throw new UnsupportedFormatError('xz size beyond 2^53', { offset: offset + p, format: 'xz' })
      return [v, p + i + 1]
    }
  }
  throw corrupt('variable-length integer longer than 9 bytes', offset + p)
}

/**
 * Parse a complete block header (`b.length` = (b[0] + 1) * 4). Only chains ending in LZMA2 are accepted,
 * as their compressed data can be walked chunk by chunk.
 */
export function parseXzBlockHeader (b: Uint8Array, offset: number): Pick<XzBlockInfo, 'headerSize' | 'filters' | 'headerCompressedSize' | 'headerUncompressedSize'> {
  const headerSize = (b[0]! + 1) * 4
  if (b.length !== headerSize) throw new RangeError('parseXzBlockHeader needs the whole header')
  if (le32(b, headerSize - 4) !== crc32(b.subarray(0, headerSize - 4))) throw corrupt('block header CRC32 mismatch', offset + headerSize - 4)
  const flags = b[1]!
  if ((flags & 0x3c) !== 0) throw new UnsupportedFormatError('xz block flags use reserved bits', { offset: offset + 1, format: 'xz' })
  const end = headerSize - 4
  let p = 2
  const vli = (): number => {
    const r = readXzVli(b.subarray(0, end), p, offset)
    if (r === undefined) throw corrupt('block header field runs past the header', offset + p)
    p = r[1]
    return r[0]
  }
  const info: ReturnType<typeof parseXzBlockHeader> = { headerSize, filters: [] }
  if ((flags & 0x40) !== 0) { info.headerCompressedSize = vli(); if (info.headerCompressedSize === 0) throw corrupt('zero compressed size in block header', offset + p) }
  if ((flags & 0x80) !== 0) info.headerUncompressedSize = vli()
  const nFilters = (flags & 3) + 1
  for (let i = 0; i < nFilters; i++) {
    const id = vli()
    const propsSize = vli()
    if (p + propsSize > end) throw corrupt('filter properties run past the header', offset + p)
    info.filters.push({ id, props: new Uint8Array(b.subarray(p, p + propsSize)) })
    p += propsSize
  }
  for (; p < end; p++) if (b[p] !== 0) throw corrupt('non-zero block header padding', offset + p)
  const last = info.filters[info.filters.length - 1]!
  if (last.id !== XZ_FILTER_LZMA2) {
    throw new UnsupportedFormatError(`xz filter chain ends in filter 0x${last.id.toString(16)}, not LZMA2`, { offset, format: 'xz' })
  }
  return info
}

/**
 * An LZMA2 chunk header at `b[0..]`: its length (control byte included, data excluded) and the data and
 * uncompressed sizes; `end: true` for the end marker (0x00). Undefined when `b` is too short to tell.
 */
export function parseLzma2ChunkHeader (b: Uint8Array, offset: number): { headerSize: number, dataSize: number, uncompressedSize: number, end: boolean } | undefined {
  if (b.length < 1) return undefined
  const c = b[0]!
  if (c === 0) return { headerSize: 1, dataSize: 0, uncompressedSize: 0, end: true }
  if (c === 1 || c === 2) {
    if (b.length < 3) return undefined
    const size = ((b[1]! << 8) | b[2]!) + 1
    return { headerSize: 3, dataSize: size, uncompressedSize: size, end: false }
  }
  if (c < 0x80) throw corrupt(`invalid LZMA2 control byte 0x${c.toString(16)}`, offset)
  const headerSize = c >= 0xc0 ? 6 : 5 // reset modes 2 and 3 carry a properties byte
  if (b.length < headerSize) return undefined
  const uncompressedSize = ((c & 0x1f) << 16) + ((b[1]! << 8) | b[2]!) + 1
  const dataSize = ((b[3]! << 8) | b[4]!) + 1
  return { headerSize, dataSize, uncompressedSize, end: false }
}

/** Encode a multibyte integer. */
export function encodeXzVli (v: number): number[] {
  const out: number[] = []
  while (v >= 0x80) { out.push((v % 128) | 0x80); v = Math.floor(v / 128) }
  out.push(v)
  return out
}

function withCrc32 (bytes: number[]): Uint8Array {
  const b = Uint8Array.from(bytes)
  const c = crc32(b)
  const out = new Uint8Array(b.length + 4)
  out.set(b)
  out[b.length] = c & 0xff; out[b.length + 1] = (c >>> 8) & 0xff; out[b.length + 2] = (c >>> 16) & 0xff; out[b.length + 3] = c >>> 24
  return out
}

/** A 12-byte stream header with the given two flag bytes (as a 16-bit number). */
export function encodeXzStreamHeader (flags: number): Uint8Array {
  const crcPart = withCrc32([flags >> 8, flags & 0xff])
  const out = new Uint8Array(12)
  out.set(XZ_HEADER_MAGIC)
  out.set(crcPart.subarray(2), 8)
  out[6] = flags >> 8; out[7] = flags & 0xff
  return out
}

/** An index for the given (unpadded size, uncompressed size) records, padding and CRC32 included. */
export function encodeXzIndex (records: Array<{ unpaddedSize: number, uncompressedSize: number }>): Uint8Array {
  const b: number[] = [0, ...encodeXzVli(records.length)]
  for (const r of records) b.push(...encodeXzVli(r.unpaddedSize), ...encodeXzVli(r.uncompressedSize))
  while ((b.length & 3) !== 0) b.push(0)
  return withCrc32(b)
}

/** A 12-byte stream footer for an index of `indexSize` bytes. */
export function encodeXzStreamFooter (indexSize: number, flags: number): Uint8Array {
  const v = indexSize / 4 - 1
  const body = withCrc32([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24, flags >> 8, flags & 0xff])
  // withCrc32 appends the CRC; the footer puts it first.
  const out = new Uint8Array(12)
  out.set(body.subarray(6, 10), 0)
  out.set(body.subarray(0, 6), 4)
  out[10] = 0x59; out[11] = 0x5a
  return out
}
