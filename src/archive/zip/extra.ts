/**
 * Extra fields (APPNOTE 4.5 and Info-ZIP's extrafld.txt): splitting the extra block into fields, the zip64
 * extended information field, and the timestamps and owner ids that entries carry there.
 */

import { copyBytes, u16, u32, u64, uintN } from './bytes.js'
import {
  EXTRA_EXTENDED_TIMESTAMP, EXTRA_INFOZIP_UNIX_NEW, EXTRA_INFOZIP_UNIX_OLD, EXTRA_NTFS, EXTRA_PKWARE_UNIX,
  EXTRA_UNICODE_PATH, EXTRA_ZIP64
} from './constants.js'
import type { ExtraField } from './types.js'
import { ZipStructureError } from '../../errors.js'

/**
 * The well-formed fields of an extra block, in order, and the bytes after the last one (a 4-byte header
 * that does not fit, or a length running past the block). Readers differ here: Go and Info-ZIP stop at the
 * first malformed field, Python raises; Android's zipalign pads with zeros. Stopping and keeping the tail
 * loses nothing (the raw block is in the layout's segments anyway) and rejects nothing that others accept.
 */
export function parseExtraFields (block: Uint8Array): { fields: ExtraField[], tail?: Uint8Array } {
  const fields: ExtraField[] = []
  let at = 0
  while (at + 4 <= block.length) {
    const size = u16(block, at + 2)
    if (at + 4 + size > block.length) break
    fields.push({ id: u16(block, at), data: copyBytes(block.subarray(at + 4, at + 4 + size)) })
    at += 4 + size
  }
  return at === block.length ? { fields } : { fields, tail: copyBytes(block.subarray(at)) }
}

export function findExtra (fields: ExtraField[], id: number): ExtraField | undefined {
  return fields.find(f => f.id === id)
}

/** Which 32/16-bit fields hold the "see zip64" value, and so are in the zip64 field, in this order (4.5.3). */
export interface Zip64Needs {
  uncompressedSize: boolean
  compressedSize: boolean
  localHeaderOffset: boolean
  diskStart: boolean
}

/**
 * Reads the zip64 extended information field: it holds exactly the values whose ordinary field is all ones,
 * in the fixed order uncompressed size, compressed size, local header offset, disk start. A needed value
 * missing from a field that is present is an error; when there is no zip64 field at all the all-ones values
 * are taken literally (as Go does: a 4 GiB - 1 file in an old zip), and the cross-checks catch any lie.
 */
export function readZip64 (fields: ExtraField[], needs: Zip64Needs, offset: number): {
  uncompressedSize?: number, compressedSize?: number, localHeaderOffset?: number, diskStart?: number
} {
  const f = findExtra(fields, EXTRA_ZIP64)
  if (f === undefined) return {}
  const d = f.data
  const out: { uncompressedSize?: number, compressedSize?: number, localHeaderOffset?: number, diskStart?: number } = {}
  let at = 0
  const take8 = (what: string): number => {
    if (at + 8 > d.length) throw new ZipStructureError(`zip64 extra field too short for the ${what}`, { offset, field: what })
    const v = u64(d, at, offset, what)
    at += 8
    return v
  }
  if (needs.uncompressedSize) out.uncompressedSize = take8('uncompressed size')
  if (needs.compressedSize) out.compressedSize = take8('compressed size')
  if (needs.localHeaderOffset) out.localHeaderOffset = take8('local header offset')
  if (needs.diskStart) {
    if (at + 4 > d.length) throw new ZipStructureError('zip64 extra field too short for the disk number', { offset })
    out.diskStart = u32(d, at)
  }
  return out
}

/**
 * The UTF-8 name of an Info-ZIP Unicode Path field (0x7075: version 1, the CRC-32 of the header's name
 * field, then the name), or undefined when there is none or its version is not 1. The CRC is not checked:
 * see the header comparison in reader.ts for why.
 */
export function unicodePath (fields: ExtraField[]): Uint8Array | undefined {
  const f = findExtra(fields, EXTRA_UNICODE_PATH)
  if (f === undefined || f.data.length < 5 || f.data[0] !== 1) return undefined
  return f.data.subarray(5)
}

/** Seconds between 1601-01-01 (FILETIME) and 1970-01-01. */
const FILETIME_EPOCH_SECONDS = 11644473600

/**
 * Modification time from the extra fields, in order of precision and trust: extended timestamp 0x5455
 * (signed 32-bit seconds; bit 0 of its flags says mtime is present, and it comes first), NTFS 0x000a
 * (attribute 1: 100 ns ticks since 1601), Info-ZIP Unix 0x5855 and PKWARE Unix 0x000d (atime, then mtime).
 * Each list is searched in turn (central first, then local).
 */
export function extraMtime (lists: ExtraField[][]): number | undefined {
  for (const fields of lists) {
    const ut = findExtra(fields, EXTRA_EXTENDED_TIMESTAMP)
    if (ut !== undefined && ut.data.length >= 5 && ((ut.data[0] ?? 0) & 1) === 1) {
      return u32(ut.data, 1) | 0
    }
  }
  for (const fields of lists) {
    const nt = findExtra(fields, EXTRA_NTFS)
    if (nt === undefined) continue
    // 4 reserved bytes, then tag (2) / size (2) / data attributes; tag 1 holds mtime, atime, ctime (8 each).
    const d = nt.data
    let at = 4
    while (at + 4 <= d.length) {
      const tag = u16(d, at)
      const size = u16(d, at + 2)
      if (at + 4 + size > d.length) break
      if (tag === 1 && size >= 8) {
        const ticks = u32(d, at + 4) + u32(d, at + 8) * 0x100000000
        return Math.floor(ticks / 1e7) - FILETIME_EPOCH_SECONDS
      }
      at += 4 + size
    }
  }
  for (const fields of lists) {
    for (const id of [EXTRA_INFOZIP_UNIX_OLD, EXTRA_PKWARE_UNIX]) {
      const f = findExtra(fields, id)
      if (f !== undefined && f.data.length >= 8) return u32(f.data, 4) | 0
    }
  }
  return undefined
}

/**
 * Owner ids: Info-ZIP's 0x7875 (version 1, then size-prefixed uid and gid of any width; Info-ZIP writes it
 * empty in the central directory, so local fields come first), else 0x5855 / 0x000d (16-bit uid and gid after
 * the two times, local header only).
 */
export function extraOwner (lists: ExtraField[][]): { uid?: number, gid?: number } {
  for (const fields of lists) {
    const ux = findExtra(fields, EXTRA_INFOZIP_UNIX_NEW)
    if (ux === undefined || ux.data.length < 3 || ux.data[0] !== 1) continue
    const d = ux.data
    const uidSize = d[1] ?? 0
    const gidAt = 2 + uidSize
    if (uidSize > 8 || gidAt >= d.length) continue
    const gidSize = d[gidAt] ?? 0
    if (gidSize > 8 || gidAt + 1 + gidSize > d.length) continue
    const uid = uintN(d, 2, uidSize)
    const gid = uintN(d, gidAt + 1, gidSize)
    const out: { uid?: number, gid?: number } = {}
    if (uid !== undefined) out.uid = uid
    if (gid !== undefined) out.gid = gid
    return out
  }
  for (const fields of lists) {
    for (const id of [EXTRA_INFOZIP_UNIX_OLD, EXTRA_PKWARE_UNIX]) {
      const f = findExtra(fields, id)
      if (f !== undefined && f.data.length >= 12) return { uid: u16(f.data, 8), gid: u16(f.data, 10) }
    }
  }
  return {}
}

/** The MS-DOS date and time (4.4.6) as UTC seconds; undefined when they are not a valid date. */
export function dosToUnixSeconds (dosDate: number, dosTime: number): number | undefined {
  const year = (dosDate >>> 9) + 1980
  const month = (dosDate >>> 5) & 0x0f
  const day = dosDate & 0x1f
  const hour = dosTime >>> 11
  const minute = (dosTime >>> 5) & 0x3f
  const second = (dosTime & 0x1f) * 2
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined
  const ms = Date.UTC(year, month - 1, day, hour, minute, second)
  // Day 31 of a 30-day month rolls over in Date.UTC: reject it rather than invent a date.
  if (new Date(ms).getUTCDate() !== day) return undefined
  return ms / 1000
}
