/**
 * A byte-exact zip reader over a random-access source. The central directory is authoritative (as in
 * yauzl and Go's archive/zip): entries are what it lists. Local headers are then read only to find where
 * each entry's data starts, and are cross-checked against the directory, because two readers that trust
 * different headers see two different archives. Every byte of the file ends up in exactly one segment.
 */

import { ByteArena } from '../../byte-arena.js'
import { displayName, equalBytes, u16, u32 } from './bytes.js'
import { centralRecord, parseCentralDirectory, type CentralRecord } from './central.js'
import {
  CENTRAL_HEADER_SIZE, EXTRA_EXTENDED_TIMESTAMP, EXTRA_ZIP64, FLAG_DATA_DESCRIPTOR, FLAG_MASKED_LOCAL_HEADER, FLAG_UTF8, LOCAL_HEADER_SIZE,
  SIG_DATA_DESCRIPTOR, SIG_LOCAL_HEADER, U32_MAX
} from './constants.js'
import { readEndRecords } from './end-records.js'
import { DESCRIPTOR_SIGNED, ZipDirectory, type LocalColumns, type LocalPart } from './directory.js'
import { findExtra, parseExtraFields, readZip64, unicodePath } from './extra.js'
import { resolveZipLimits } from './limits.js'
import { checkSource, readExact } from './source.js'
import type { ExtraField, RandomAccessSource, ZipLayout, ZipReadOptions } from './types.js'
import { LimitExceededError, ZipHeaderMismatchError, ZipOverlappingEntriesError, ZipStructureError } from '../../errors.js'

/**
 * Reads the layout of a zip archive as a column table (see directory.ts): its entries as the central
 * directory lists them, where each entry's local header, data and data descriptor sit, and segments that
 * tile the file. Memory: the central directory's bytes plus some 50 bytes an entry and its local extra
 * field; entry objects are made only when asked for.
 *
 * @example
 * ```ts
 * const dir = await readZipDirectory(bytesSource(zipBytes))
 * for (let i = 0; i < dir.count; i++) console.log(new TextDecoder().decode(dir.entry(i).path))
 * ```
 *
 * Errors: UnsupportedFormatError (no end record: not a zip; several disks), TruncatedArchiveError (the
 * source returns fewer bytes than its size says), ZipStructureError (a record is not where or what the
 * directory says, the directory's count or size contradicts its headers, an entry lies outside the entries
 * area), ZipHeaderMismatchError (a local header or data descriptor contradicts the directory in a field
 * that must agree: docs/spec.md §18.1), ZipOverlappingEntriesError, LimitExceededError (maxEntries,
 * maxCentralDirectoryBytes, maxCompressionRatio), InvalidArgumentError (not a source). Reads are bounded by
 * the file size and the limits; nothing is decompressed.
 */
export async function readZipDirectory (source: RandomAccessSource, options: ZipReadOptions = {}): Promise<ZipDirectory> {
  checkSource(source)
  const limits = resolveZipLimits(options.limits)
  const end = await readEndRecords(source)
  const { cdOffset, cdSize, entryCount } = end
  if (cdSize > limits.maxCentralDirectoryBytes) {
    throw new LimitExceededError(`central directory of ${cdSize} bytes`, { offset: cdOffset, limit: 'maxCentralDirectoryBytes', value: limits.maxCentralDirectoryBytes })
  }
  // Checked before anything is allocated per entry; the parse checks again as it goes (counts may wrap).
  if (entryCount > limits.maxEntries) {
    throw new LimitExceededError(`${entryCount} entries declared`, { offset: end.eocdOffset, limit: 'maxEntries', value: limits.maxEntries })
  }
  if (entryCount * CENTRAL_HEADER_SIZE > cdSize) {
    throw new ZipStructureError(`${entryCount} entries cannot fit in a ${cdSize}-byte central directory`, { offset: cdOffset + cdSize })
  }
  const cd = await readExact(source, cdOffset, cdSize)
  const central = parseCentralDirectory(cd, cdOffset, entryCount, end.zip64 !== undefined, end.shift, limits)
  const count = central.count

  // Visit local headers in file order, so that overlaps show up as soon as they can and reads go forward.
  const lho = central.localHeaderOffset
  const order = new Uint32Array(count).map((_, i) => i).sort((a, b) => (lho[a] as number) - (lho[b] as number) || a - b)
  const local: LocalColumns = { headerLength: new Uint32Array(count), descriptor: new Uint8Array(count), extra: new ByteArena(), extraAt: new Uint32Array(count) }
  let previousEnd = 0
  let previous: CentralRecord | undefined
  for (const i of order) {
    const record = centralRecord(cd, central.recordAt[i] as number, cdOffset, i, end.shift)
    if (record.localHeaderOffset < previousEnd && previous !== undefined) {
      throw new ZipOverlappingEntriesError(`entries ${previous.index} and ${record.index} overlap`, {
        offset: record.localHeaderOffset, entry: record.name, entries: [previous.index, record.index], names: [previous.name, record.name]
      })
    }
    const found = await readLocal(source, record, cdOffset)
    local.headerLength[i] = found.dataOffset - record.localHeaderOffset
    local.extraAt[i] = local.extra.add(found.extra)
    previousEnd = found.dataOffset + record.compressedSize
    if (found.descriptor !== undefined) {
      local.descriptor[i] = found.descriptor.length | (found.descriptor.signed ? DESCRIPTOR_SIGNED : 0)
      previousEnd = found.descriptor.offset + found.descriptor.length
    }
    previous = record
  }
  return new ZipDirectory(source.size, cd, end, central, local, order)
}

/**
 * Reads the layout of a zip archive with every entry and segment as an object (see readZipDirectory, which
 * this wraps, for what is read and checked and the errors): convenient for small archives, about 2 KB an
 * entry.
 *
 * @example
 * ```ts
 * const layout = await readZipLayout(bytesSource(zipBytes))
 * for (const e of layout.entries) console.log(new TextDecoder().decode(e.path), e.dataOffset, e.compressedSize)
 * ```
 */
export async function readZipLayout (source: RandomAccessSource, options: ZipReadOptions = {}): Promise<ZipLayout> {
  return (await readZipDirectory(source, options)).layout()
}

/**
 * Reads and cross-checks one local header (APPNOTE 4.3.7) and, with bit 3, finds its data descriptor
 * (4.3.9). `areaEnd` is where the central directory starts: nothing of an entry may lie at or beyond it.
 */
async function readLocal (source: RandomAccessSource, c: CentralRecord, areaEnd: number): Promise<LocalPart> {
  const lho = c.localHeaderOffset
  const where = { offset: lho, entry: c.name, index: c.index }
  if (lho + LOCAL_HEADER_SIZE > areaEnd) {
    throw new ZipStructureError(`local header at ${lho} does not lie before the central directory at ${areaEnd}`, where)
  }
  // One read for the fixed part plus the name and extra field, guessing their lengths from the directory
  // (exactly: a read past the header would ask a rebuilt zip to make the data after it, see verify.ts).
  let want = Math.min(LOCAL_HEADER_SIZE + c.path.length + localExtraGuess(c), areaEnd - lho)
  let h = await readExact(source, lho, want)
  if (u32(h, 0) !== SIG_LOCAL_HEADER) throw new ZipStructureError('no local header signature where the central directory points', where)
  const nameLength = u16(h, 26)
  const extraLength = u16(h, 28)
  const dataOffset = lho + LOCAL_HEADER_SIZE + nameLength + extraLength
  if (dataOffset > areaEnd) throw new ZipStructureError('local header runs into the central directory', where)
  if (LOCAL_HEADER_SIZE + nameLength + extraLength > want) {
    want = LOCAL_HEADER_SIZE + nameLength + extraLength
    h = await readExact(source, lho, want)
  }
  const flags = u16(h, 6)
  const method = u16(h, 8)
  const crc32 = u32(h, 14)
  const localName = h.subarray(LOCAL_HEADER_SIZE, LOCAL_HEADER_SIZE + nameLength)
  const extra = h.subarray(LOCAL_HEADER_SIZE + nameLength, LOCAL_HEADER_SIZE + nameLength + extraLength)
  const localExtraFields = parseExtraFields(extra).fields

  const mismatch = (field: string, local: unknown, central: unknown): never => {
    throw new ZipHeaderMismatchError(`local header ${field} ${String(local)} differs from the central directory's ${String(central)}`, { ...where, field, local, central })
  }
  // Which fields must agree, and which may differ and why: docs/spec.md §18.1.
  if (!sameName(localName, flags, localExtraFields, c)) mismatch('name', JSON.stringify(displayName(localName)), JSON.stringify(c.name))
  if (method !== c.method) mismatch('method', method, c.method)
  if ((flags & ~FLAGS_MAY_DIFFER) !== (c.flags & ~FLAGS_MAY_DIFFER)) mismatch('flags', hex(flags), hex(c.flags))
  // The local header's bit 3 decides, since it is what a reader finds in front of the data: without it the
  // local CRC and sizes must be the central ones, with it the descriptor after the data must carry them
  // (the local ones are then zero, or anything: writers differ). Either way every reader sees the same
  // data, so bit 3 itself may differ. With bit 13 the local values are masked on purpose.
  if ((flags & (FLAG_DATA_DESCRIPTOR | FLAG_MASKED_LOCAL_HEADER)) === 0) {
    let compressedSize = u32(h, 18)
    let uncompressedSize = u32(h, 22)
    const z = readZip64(localExtraFields, {
      uncompressedSize: uncompressedSize === U32_MAX, compressedSize: compressedSize === U32_MAX, localHeaderOffset: false, diskStart: false
    }, lho)
    if (z.uncompressedSize !== undefined) uncompressedSize = z.uncompressedSize
    if (z.compressedSize !== undefined) compressedSize = z.compressedSize
    if (crc32 !== c.crc32) mismatch('CRC-32', hex(crc32), hex(c.crc32))
    if (compressedSize !== c.compressedSize) mismatch('compressed size', compressedSize, c.compressedSize)
    if (uncompressedSize !== c.uncompressedSize) mismatch('uncompressed size', uncompressedSize, c.uncompressedSize)
  }
  const dataEnd = dataOffset + c.compressedSize
  if (dataEnd > areaEnd) {
    throw new ZipStructureError(`entry data of ${c.compressedSize} bytes at ${dataOffset} runs past the start of the central directory at ${areaEnd}`, { ...where, dataOffset })
  }
  const part: LocalPart = { dataOffset, extra }
  if ((flags & FLAG_DATA_DESCRIPTOR) !== 0) {
    part.descriptor = await readDescriptor(source, c, dataEnd, areaEnd, findExtra(localExtraFields, EXTRA_ZIP64) !== undefined)
  }
  return part
}

/**
 * General purpose bits that may differ between the local header and the directory: bit 3 (data descriptor;
 * what it governs is checked either way, see readLocal) and bit 11 (language encoding; checked through the
 * name, see sameName). Every other bit must agree.
 */
const FLAGS_MAY_DIFFER = FLAG_DATA_DESCRIPTOR | FLAG_UTF8

/**
 * Whether the local header names the entry as its directory record does. A header's UTF-8 name is its name
 * field when bit 11 is set, else the name in its Unicode Path field (0x7075), if any. When both headers have
 * one, those must be equal and the name fields may differ: they are then legacy stand-ins (a code page, or
 * a lossy transliteration), as in libarchive's test_read_format_zip_7075_utf8_paths.zip. The field's CRC
 * of the name field is not checked: in that file the directory's fields carry the local name's CRC. Otherwise
 * the name fields must be equal bytes that decode alike: bit 11 the same in both, or a 7-bit ASCII name,
 * which reads the same in UTF-8 and in the code pages zip names are written in. (In the directory bit 11
 * also covers the entry's comment, which the local header does not have, so a writer may set it only there.)
 */
function sameName (localName: Uint8Array, localFlags: number, localExtra: ExtraField[], c: CentralRecord): boolean {
  const local = utf8Name(localName, localFlags, localExtra)
  const central = utf8Name(c.path, c.flags, c.extraFields)
  if (local !== undefined && central !== undefined) return equalBytes(local, central)
  return equalBytes(localName, c.path) && (((localFlags ^ c.flags) & FLAG_UTF8) === 0 || isAscii(localName))
}

function utf8Name (name: Uint8Array, flags: number, extra: ExtraField[]): Uint8Array | undefined {
  return (flags & FLAG_UTF8) !== 0 ? name : unicodePath(extra)
}

function isAscii (bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80) return false
  return true
}

/**
 * How long the local header's extra field probably is: as long as the directory's, except that Info-ZIP's
 * extended timestamp (0x5455) carries every time its flags announce (mtime, atime, ctime) in the local
 * header and only mtime in the directory (extrafld.txt). A guess: a longer field is read again.
 */
function localExtraGuess (c: CentralRecord): number {
  let n = c.extraTail?.length ?? 0
  for (const f of c.extraFields) {
    n += 4 + f.data.length
    if (f.id === EXTRA_EXTENDED_TIMESTAMP && f.data.length >= 1) {
      const flags = f.data[0] as number
      n += 1 + 4 * ((flags & 1) + ((flags >> 1) & 1) + ((flags >> 2) & 1)) - f.data.length
    }
  }
  return n
}

function hex (n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`
}

/**
 * Finds the data descriptor after an entry's data. Its signature is optional and its sizes are 4 or 8 bytes
 * (8 when the local header has a zip64 field, APPNOTE 4.3.9.1; some writers differ), so the forms are tried
 * in that order of likelihood and the first whose CRC and sizes equal the directory's is taken. A descriptor
 * that matches in no form is a mismatch: its bytes could not be accounted for.
 */
async function readDescriptor (source: RandomAccessSource, c: CentralRecord, at: number, areaEnd: number, zip64: boolean): Promise<{ offset: number, length: number, signed: boolean }> {
  const available = Math.min(24, areaEnd - at)
  const d = await readExact(source, at, available)
  const hasSignature = available >= 4 && u32(d, 0) === SIG_DATA_DESCRIPTOR
  const widths = zip64 ? [8, 4] : [4, 8]
  for (const width of widths) {
    for (const signed of hasSignature ? [true, false] : [false]) {
      const base = signed ? 4 : 0
      const length = base + 4 + 2 * width
      if (length > available) continue
      const crc = u32(d, base)
      const csize = width === 4 ? u32(d, base + 4) : u32(d, base + 4) + u32(d, base + 8) * 0x100000000
      const usize = width === 4 ? u32(d, base + 8) : u32(d, base + 12) + u32(d, base + 16) * 0x100000000
      if (crc === c.crc32 && csize === c.compressedSize && usize === c.uncompressedSize) return { offset: at, length, signed }
    }
  }
  throw new ZipHeaderMismatchError('data descriptor missing, or its CRC-32 and sizes differ from the central directory\'s', {
    offset: at, entry: c.name, index: c.index, field: 'data descriptor'
  })
}
