/**
 * Finding the end of central directory record (APPNOTE 4.3.16) and, when its locator precedes it, the zip64
 * end record (4.3.14, 4.3.15); then deciding where the central directory really is.
 */

import { copyBytes, u16, u32, u64 } from './bytes.js'
import {
  EOCD_SIZE, MAX_COMMENT, SIG_CENTRAL_HEADER, SIG_EOCD, SIG_ZIP64_EOCD, SIG_ZIP64_LOCATOR, U16_MAX, U32_MAX,
  ZIP64_EOCD_MIN_SIZE, ZIP64_LOCATOR_SIZE
} from './constants.js'
import { readExact } from './source.js'
import type { RandomAccessSource } from './types.js'
import { UnsupportedFormatError, ZipStructureError } from '../../errors.js'

export interface EndRecords {
  eocdOffset: number
  eocdLength: number
  comment: Uint8Array
  zip64?: { recordOffset: number, recordLength: number, locatorOffset: number }
  /** Entries the end records declare (zip64 value when there is one). */
  entryCount: number
  /** Absolute offset and size of the central directory (shift applied). */
  cdOffset: number
  cdSize: number
  /** Absolute minus declared offsets. */
  shift: number
}

/** How many bytes at the end of a file the end record search reads (the record, its longest comment, and the zip64 locator before it). */
export const END_SEARCH_BYTES = EOCD_SIZE + MAX_COMMENT + ZIP64_LOCATOR_SIZE

/**
 * Where the EOCD record is, given `tail`, the file's last bytes (from `tailStart` to `size`; at least the
 * last END_SEARCH_BYTES - ZIP64_LOCATOR_SIZE of them, or the whole file), or -1 when there is none. It scans
 * back from the end over at most 65535 + 22 bytes for the signature. A candidate's comment must fit in the
 * file; among candidates, the last one whose comment ends exactly at the end of the file wins (yauzl's rule),
 * else the last one whose comment fits (bytes after it are trailing data, as Python and Go accept). A
 * signature inside a comment can therefore shadow the real record only if it claims a comment length that
 * ends exactly at EOF, which is what every reader that scans backwards is exposed to. Pure: format detection
 * (src/manifest/detect.ts) uses the same search.
 */
export function findEndRecord (tail: Uint8Array, tailStart: number, size: number): number {
  const lowest = Math.max(0, tailStart, size - EOCD_SIZE - MAX_COMMENT)
  let fits = -1
  for (let p = size - EOCD_SIZE; p >= lowest; p--) {
    const at = p - tailStart
    if (tail[at] !== 0x50 || u32(tail, at) !== SIG_EOCD) continue
    const end = p + EOCD_SIZE + u16(tail, at + 20)
    if (end === size) return p
    if (end < size && fits < 0) fits = p
  }
  return fits
}

/**
 * Reads the end records (see findEndRecord for how the EOCD record is found) and decides where the central
 * directory is. Contradictions between their fields are ERR_ZIP_STRUCTURE (the file is not short: the
 * records were found at its end); several disks are ERR_UNSUPPORTED_FORMAT.
 */
export async function readEndRecords (source: RandomAccessSource): Promise<EndRecords> {
  const size = source.size
  if (size < EOCD_SIZE) throw new UnsupportedFormatError(`not a zip archive: ${size} bytes is shorter than an end of central directory record`, { offset: 0 })
  // The locator (20 bytes) sits right before the EOCD: read it in the same tail.
  const tailLength = Math.min(size, END_SEARCH_BYTES)
  const tailStart = size - tailLength
  const tail = await readExact(source, tailStart, tailLength)
  const p = findEndRecord(tail, tailStart, size)
  if (p < 0) throw new UnsupportedFormatError('not a zip archive: no end of central directory record in the last 64 KiB', { offset: Math.max(0, size - EOCD_SIZE - MAX_COMMENT) })
  const at = p - tailStart
  const commentLength = u16(tail, at + 20)
  const comment = copyBytes(tail.subarray(at + EOCD_SIZE, at + EOCD_SIZE + commentLength))
  const disk = u16(tail, at + 4)
  const cdDisk = u16(tail, at + 6)
  let entryCount = u16(tail, at + 10)
  let cdSize = u32(tail, at + 12)
  let cdDeclared = u32(tail, at + 16)

  let zip64: EndRecords['zip64']
  let cdEnd = p
  const locatorOffset = p - ZIP64_LOCATOR_SIZE
  if (locatorOffset >= 0 && u32(tail, locatorOffset - tailStart) === SIG_ZIP64_LOCATOR) {
    const l = locatorOffset - tailStart
    const recordDisk = u32(tail, l + 4)
    const declaredRecord = u64(tail, l + 8, locatorOffset + 8, 'zip64 end record offset')
    const disks = u32(tail, l + 16)
    if (recordDisk !== 0 || disks > 1) throw new UnsupportedFormatError(`zip archives spanning several disks are not supported (${disks} disks)`, { offset: locatorOffset })
    // The record is where the locator says, or (when bytes were prepended without adjusting offsets) right
    // before the locator, which is where every writer puts it when it has no extensible data.
    let recordOffset = -1
    for (const candidate of [declaredRecord, locatorOffset - ZIP64_EOCD_MIN_SIZE]) {
      if (candidate < 0 || candidate + ZIP64_EOCD_MIN_SIZE > locatorOffset) continue
      const head = await readExact(source, candidate, 4)
      if (u32(head, 0) === SIG_ZIP64_EOCD) { recordOffset = candidate; break }
    }
    if (recordOffset < 0) throw new ZipStructureError('zip64 end of central directory locator points to no zip64 end record', { offset: locatorOffset, recordOffset: declaredRecord })
    const r = await readExact(source, recordOffset, ZIP64_EOCD_MIN_SIZE)
    const recordLength = 12 + u64(r, 4, recordOffset + 4, 'zip64 end record size')
    if (recordLength < ZIP64_EOCD_MIN_SIZE || recordOffset + recordLength > locatorOffset) {
      throw new ZipStructureError(`zip64 end record size ${recordLength} does not fit before its locator`, { offset: recordOffset })
    }
    const disk64 = u32(r, 16)
    const cdDisk64 = u32(r, 20)
    if (disk64 !== 0 || cdDisk64 !== 0) throw new UnsupportedFormatError('zip archives spanning several disks are not supported', { offset: recordOffset })
    const entries64 = u64(r, 32, recordOffset + 32, 'zip64 entry count')
    const cdSize64 = u64(r, 40, recordOffset + 40, 'zip64 central directory size')
    const cdOffset64 = u64(r, 48, recordOffset + 48, 'zip64 central directory offset')
    // Found before the locator rather than where it points: only when the locator's offset is off by exactly
    // the prepended bytes, i.e. it is where the directory as written ends.
    if (recordOffset !== declaredRecord && declaredRecord !== cdOffset64 + cdSize64) {
      throw new ZipStructureError('zip64 end of central directory locator points to no zip64 end record', { offset: locatorOffset, recordOffset: declaredRecord })
    }
    // The EOCD's own fields must say "see zip64" or agree: two readers must not see two archives. Counts may
    // also be the zip64 count modulo 2^16 (some writers truncate instead of saturating).
    const agree = (v: number, v64: number, max: number, wraps: boolean): boolean =>
      v === max || v === v64 || (wraps && v === v64 % 0x10000)
    if (!agree(entryCount, entries64, U16_MAX, true) || !agree(cdSize, cdSize64, U32_MAX, false) ||
        !agree(cdDeclared, cdOffset64, U32_MAX, false)) {
      throw new ZipStructureError('end of central directory record and zip64 end record disagree', { offset: p, recordOffset })
    }
    entryCount = entries64
    cdSize = cdSize64
    cdDeclared = cdOffset64
    zip64 = { recordOffset, recordLength, locatorOffset }
    cdEnd = recordOffset
  } else if (disk !== 0 || cdDisk !== 0) {
    throw new UnsupportedFormatError(`zip archives spanning several disks are not supported (disk ${disk})`, { offset: p })
  }

  // Where the directory ends (the first end record) minus what it says about itself: the number of bytes
  // prepended without adjusting offsets (Info-ZIP unzip: "extra bytes at beginning or within zipfile").
  let shift = cdEnd - cdSize - cdDeclared
  if (shift < 0) {
    if (cdDeclared >= cdEnd) {
      throw new ZipStructureError(`central directory offset ${cdDeclared} points past the end records`, { offset: p, centralDirectoryOffset: cdDeclared, centralDirectorySize: cdSize })
    }
    throw new ZipStructureError(`central directory of ${cdSize} bytes at ${cdDeclared} runs into the end records at ${cdEnd}`, { offset: cdEnd, centralDirectoryOffset: cdDeclared, centralDirectorySize: cdSize })
  }
  // As Go's archive/zip does: when the offsets as written already find a directory header, trust them and
  // treat the bytes between the directory and the end records as a gap (seen in the wild).
  if (shift > 0 && entryCount > 0 && cdSize >= 4) {
    const head = await readExact(source, cdDeclared, 4)
    if (u32(head, 0) === SIG_CENTRAL_HEADER) shift = 0
  }
  const eocdLength = EOCD_SIZE + commentLength
  const out: EndRecords = { eocdOffset: p, eocdLength, comment, entryCount, cdOffset: cdDeclared + shift, cdSize, shift }
  if (zip64 !== undefined) out.zip64 = zip64
  return out
}
