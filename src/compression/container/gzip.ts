/**
 * The gzip container (RFC 1952), modelled exactly: a member is a header (kept byte for byte), a raw
 * deflate stream, and an 8-byte trailer (CRC32 and ISIZE of the uncompressed data, little-endian).
 * Pure: no I/O, no node: imports.
 */
import { CorruptCompressedDataError, LimitExceededError } from '../../errors.js'
import { crc32 } from './crc32.js'

export const GZIP_FTEXT = 0x01
export const GZIP_FHCRC = 0x02
export const GZIP_FEXTRA = 0x04
export const GZIP_FNAME = 0x08
export const GZIP_FCOMMENT = 0x10
/** Flag bits RFC 1952 reserves; GNU gzip refuses members that set them. */
export const GZIP_RESERVED_FLAGS = 0xe0

export interface GzipHeader {
  /** FLG byte as stored (FTEXT 1, FHCRC 2, FEXTRA 4, FNAME 8, FCOMMENT 16). */
  flags: number
  /** MTIME, seconds since the epoch (0: none, as `gzip -n` writes). */
  mtime: number
  /** XFL (2: best compression, 4: fastest, for deflate), as stored. */
  xfl: number
  /** OS byte (3: Unix, 255: unknown), as stored. */
  os: number
  /** FEXTRA payload (without XLEN), when FLG.FEXTRA. */
  extra?: Uint8Array
  /** FNAME bytes (ISO 8859-1 by the RFC; without the terminating NUL), when FLG.FNAME. */
  name?: Uint8Array
  /** FCOMMENT bytes (without the terminating NUL), when FLG.FCOMMENT. */
  comment?: Uint8Array
  /** The stored CRC16 of the header, when FLG.FHCRC (verified). */
  hcrc?: number
}

export interface GzipMember {
  /** Offset of the member's first byte (1f) in the compressed input. */
  offset: number
  /** The header exactly as stored (10 bytes up to FHCRC included). */
  headerBytes: Uint8Array
  header: GzipHeader
  /** Offset and length of the raw deflate stream, which follows the header. */
  deflateOffset: number
  deflateSize: number
  /** Offset of the 8-byte trailer; the member ends at trailerOffset + 8. */
  trailerOffset: number
  /** Stored (and verified) CRC32 of the member's uncompressed data. */
  crc32: number
  /** Stored (and verified) ISIZE: uncompressed size modulo 2^32. */
  isize: number
  /** Where this member's output starts in the whole decompressed output, and its length. */
  uncompressedOffset: number
  uncompressedSize: number
}

export interface GzipHeaderLimits {
  /** Longest FNAME or FCOMMENT accepted, bytes, NUL excluded (default 65,536; GNU gzip itself has no limit). */
  maxFieldLength?: number
}

export const DEFAULT_GZIP_MAX_FIELD_LENGTH = 65536

export type GzipHeaderParse =
  | { complete: true, header: GzipHeader, length: number }
  | { complete: false, need: number }

/** True when `b[at..]` begins with a gzip member's magic and method (1f 8b 08). */
export function isGzipMemberStart (b: Uint8Array, at = 0): boolean {
  return b[at] === 0x1f && b[at + 1] === 0x8b && b[at + 2] === 0x08
}

/**
 * Parse the member header at the start of `b`. Returns the header and its exact length, or
 * `{ complete: false, need }` with the total number of bytes needed to go on (call again with more).
 * Throws CorruptCompressedDataError (bad magic, method, reserved flags, header CRC) or LimitExceededError
 * (an FNAME/FCOMMENT longer than the limit). `baseOffset` is where `b` starts in the input, for errors.
 */
export function parseGzipHeader (b: Uint8Array, baseOffset = 0, limits: GzipHeaderLimits = {}): GzipHeaderParse {
  const maxField = limits.maxFieldLength ?? DEFAULT_GZIP_MAX_FIELD_LENGTH
  const corrupt = (reason: string, at: number): CorruptCompressedDataError =>
    new CorruptCompressedDataError(`corrupt gzip header: ${reason}`, { offset: baseOffset + at, format: 'gzip', reason })
  if (b.length < 10) {
    // Check what we can early, so garbage is refused without waiting for more input.
    if (b.length >= 1 && b[0] !== 0x1f) throw corrupt('bad magic', 0)
    if (b.length >= 2 && b[1] !== 0x8b) throw corrupt('bad magic', 1)
    if (b.length >= 3 && b[2] !== 0x08) throw corrupt(`unknown compression method ${b[2]!}`, 2)
    return { complete: false, need: 10 }
  }
  if (b[0] !== 0x1f || b[1] !== 0x8b) throw corrupt('bad magic', 0)
  if (b[2] !== 0x08) throw corrupt(`unknown compression method ${b[2]!}`, 2)
  const flags = b[3]!
  if ((flags & GZIP_RESERVED_FLAGS) !== 0) throw corrupt(`reserved flag bits set (0x${flags.toString(16)})`, 3)
  const header: GzipHeader = {
    flags,
    mtime: (b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24)) >>> 0,
    xfl: b[8]!,
    os: b[9]!
  }
  let p = 10
  if ((flags & GZIP_FEXTRA) !== 0) {
    if (b.length < p + 2) return { complete: false, need: p + 2 }
    const xlen = b[p]! | (b[p + 1]! << 8)
    if (b.length < p + 2 + xlen) return { complete: false, need: p + 2 + xlen }
    header.extra = new Uint8Array(b.subarray(p + 2, p + 2 + xlen))
    p += 2 + xlen
  }
  for (const [flag, key] of [[GZIP_FNAME, 'name'], [GZIP_FCOMMENT, 'comment']] as const) {
    if ((flags & flag) === 0) continue
    const end = b.indexOf(0, p)
    if (end < 0) {
      if (b.length - p > maxField) {
        throw new LimitExceededError(`gzip FNAME/FCOMMENT longer than ${maxField} bytes`,
          { offset: baseOffset + p, format: 'gzip', limit: 'maxFieldLength', value: maxField })
      }
      return { complete: false, need: b.length + 1 }
    }
    if (end - p > maxField) {
      throw new LimitExceededError(`gzip FNAME/FCOMMENT longer than ${maxField} bytes`,
        { offset: baseOffset + p, format: 'gzip', limit: 'maxFieldLength', value: maxField })
    }
    header[key] = new Uint8Array(b.subarray(p, end))
    p = end + 1
  }
  if ((flags & GZIP_FHCRC) !== 0) {
    if (b.length < p + 2) return { complete: false, need: p + 2 }
    const stored = b[p]! | (b[p + 1]! << 8)
    const computed = crc32(b.subarray(0, p)) & 0xffff
    if (stored !== computed) throw corrupt(`header CRC16 mismatch (stored ${stored.toString(16)}, computed ${computed.toString(16)})`, p)
    header.hcrc = stored
    p += 2
  }
  return { complete: true, header, length: p }
}

/** Serialise a header back to bytes (the inverse of parseGzipHeader; FHCRC recomputed when flagged). */
export function encodeGzipHeader (h: GzipHeader): Uint8Array {
  const parts: number[] = [0x1f, 0x8b, 0x08, h.flags, h.mtime & 0xff, (h.mtime >>> 8) & 0xff, (h.mtime >>> 16) & 0xff, h.mtime >>> 24, h.xfl, h.os]
  if ((h.flags & GZIP_FEXTRA) !== 0) {
    const x = h.extra ?? new Uint8Array(0)
    parts.push(x.length & 0xff, x.length >>> 8, ...x)
  }
  if ((h.flags & GZIP_FNAME) !== 0) parts.push(...(h.name ?? []), 0)
  if ((h.flags & GZIP_FCOMMENT) !== 0) parts.push(...(h.comment ?? []), 0)
  if ((h.flags & GZIP_FHCRC) !== 0) {
    const c = crc32(Uint8Array.from(parts)) & 0xffff
    parts.push(c & 0xff, c >>> 8)
  }
  return Uint8Array.from(parts)
}

/** Read the 8-byte member trailer. */
export function parseGzipTrailer (b: Uint8Array): { crc32: number, isize: number } {
  return {
    crc32: (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0,
    isize: (b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24)) >>> 0
  }
}
