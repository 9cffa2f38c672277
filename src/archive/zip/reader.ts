/**
 * A byte-exact zip reader over a random-access source. The central directory is authoritative (as in
 * yauzl and Go's archive/zip): entries are what it lists. Local headers are then read only to find where
 * each entry's data starts, and are cross-checked against the directory, because two readers that trust
 * different headers see two different archives. Every byte of the file ends up in exactly one segment.
 */

import { displayName, equalBytes, u16, u32 } from './bytes.js'
import { parseCentralDirectory, type CentralRecord } from './central.js'
import {
  CENTRAL_HEADER_SIZE, EXTRA_ZIP64, FLAG_DATA_DESCRIPTOR, FLAG_MASKED_LOCAL_HEADER, FLAG_UTF8, LOCAL_HEADER_SIZE,
  SIG_DATA_DESCRIPTOR, SIG_LOCAL_HEADER, U32_MAX
} from './constants.js'
import { readEndRecords } from './end-records.js'
import { dosToUnixSeconds, extraMtime, extraOwner, findExtra, parseExtraFields, readZip64, unicodePath } from './extra.js'
import { resolveZipLimits } from './limits.js'
import { checkSource, readExact } from './source.js'
import type { ExtraField, RandomAccessSource, ZipEntry, ZipLayout, ZipReadOptions, ZipSegment, ZipSegmentKind } from './types.js'
import { LimitExceededError, ZipHeaderMismatchError, ZipOverlappingEntriesError, ZipStructureError } from '../../errors.js'

/**
 * Reads the layout of a zip archive: its entries as the central directory lists them, where each entry's
 * local header, data and data descriptor sit, and segments that tile the file.
 *
 * @example
 * ```ts
 * const layout = await readZipLayout(bytesSource(zipBytes))
 * for (const e of layout.entries) console.log(new TextDecoder().decode(e.path), e.dataOffset, e.compressedSize)
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
export async function readZipLayout (source: RandomAccessSource, options: ZipReadOptions = {}): Promise<ZipLayout> {
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
  const records = parseCentralDirectory(cd, cdOffset, entryCount, end.zip64 !== undefined, end.shift, limits)

  // Visit local headers in file order, so that overlaps show up as soon as they can and reads go forward.
  const order = records.map((_, i) => i).sort((a, b) => records[a]!.localHeaderOffset - records[b]!.localHeaderOffset || a - b)
  const entries: ZipEntry[] = new Array<ZipEntry>(records.length)
  let previousEnd = 0
  let previous: CentralRecord | undefined
  for (const i of order) {
    const record = records[i]!
    if (record.localHeaderOffset < previousEnd && previous !== undefined) {
      throw new ZipOverlappingEntriesError(`entries ${previous.index} and ${record.index} overlap`, {
        offset: record.localHeaderOffset, entry: record.name, entries: [previous.index, record.index], names: [previous.name, record.name]
      })
    }
    const entry = await readLocal(source, record, cdOffset)
    entries[i] = entry
    previousEnd = entry.dataDescriptor !== undefined
      ? entry.dataDescriptor.offset + entry.dataDescriptor.length
      : entry.dataOffset + entry.compressedSize
    previous = record
  }

  const segments = buildSegments(source.size, order.map(i => entries[i]!), end)
  const firstRecord = segments.find(s => s.kind !== 'prefix')
  const layout: ZipLayout = {
    entries,
    centralDirectory: { offset: cdOffset, size: cdSize },
    endOfCentralDirectory: { offset: end.eocdOffset, length: end.eocdLength },
    comment: end.comment,
    prefixLength: firstRecord?.offset ?? 0,
    offsetShift: end.shift,
    segments
  }
  if (end.zip64 !== undefined) layout.endOfCentralDirectory.zip64 = end.zip64
  return layout
}

/**
 * Reads and cross-checks one local header (APPNOTE 4.3.7) and, with bit 3, finds its data descriptor
 * (4.3.9). `areaEnd` is where the central directory starts: nothing of an entry may lie at or beyond it.
 */
async function readLocal (source: RandomAccessSource, c: CentralRecord, areaEnd: number): Promise<ZipEntry> {
  const lho = c.localHeaderOffset
  const where = { offset: lho, entry: c.name, index: c.index }
  if (lho + LOCAL_HEADER_SIZE > areaEnd) {
    throw new ZipStructureError(`local header at ${lho} does not lie before the central directory at ${areaEnd}`, where)
  }
  // One read for the fixed part plus the name and extra field, guessing their lengths from the directory.
  let want = Math.min(LOCAL_HEADER_SIZE + c.path.length + 64 + extraBytes(c), areaEnd - lho)
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
  const { fields: localExtraFields, tail: localExtraTail } = parseExtraFields(h.subarray(LOCAL_HEADER_SIZE + nameLength, LOCAL_HEADER_SIZE + nameLength + extraLength))

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

  const entry: ZipEntry = {
    index: c.index,
    path: c.path,
    utf8Flag: (c.flags & FLAG_UTF8) !== 0,
    comment: c.comment,
    method: c.method,
    flags: c.flags,
    crc32: c.crc32,
    compressedSize: c.compressedSize,
    uncompressedSize: c.uncompressedSize,
    localHeaderOffset: lho,
    dataOffset,
    versionMadeBy: c.versionMadeBy,
    versionNeeded: c.versionNeeded,
    externalAttributes: c.externalAttributes,
    internalAttributes: c.internalAttributes,
    type: c.type,
    dosTime: c.dosTime,
    dosDate: c.dosDate,
    extraFields: c.extraFields,
    localExtraFields,
    encrypted: c.encrypted
  }
  if ((flags & FLAG_DATA_DESCRIPTOR) !== 0) {
    entry.dataDescriptor = await readDescriptor(source, c, dataEnd, areaEnd, findExtra(localExtraFields, EXTRA_ZIP64) !== undefined)
  }
  if (c.unixMode !== undefined) entry.unixMode = c.unixMode
  const mtime = extraMtime([c.extraFields, localExtraFields]) ?? dosToUnixSeconds(c.dosDate, c.dosTime)
  if (mtime !== undefined) entry.mtime = mtime
  const owner = extraOwner([localExtraFields, c.extraFields])
  if (owner.uid !== undefined) entry.uid = owner.uid
  if (owner.gid !== undefined) entry.gid = owner.gid
  if (c.extraTail !== undefined) entry.extraTail = c.extraTail
  if (localExtraTail !== undefined) entry.localExtraTail = localExtraTail
  return entry
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

function extraBytes (c: CentralRecord): number {
  let n = c.extraTail?.length ?? 0
  for (const f of c.extraFields) n += 4 + f.data.length
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

/**
 * Segments in file order: for each entry its local header, data and descriptor; the central directory;
 * the end records. Uncovered bytes before the first record are the prefix, between records gaps, after
 * the EOCD record trailing. Entries were checked not to overlap each other or the directory.
 */
function buildSegments (size: number, entriesInFileOrder: ZipEntry[], end: Awaited<ReturnType<typeof readEndRecords>>): ZipSegment[] {
  const records: ZipSegment[] = []
  for (const e of entriesInFileOrder) {
    records.push({ offset: e.localHeaderOffset, length: e.dataOffset - e.localHeaderOffset, kind: 'local-header', entry: e.index })
    records.push({ offset: e.dataOffset, length: e.compressedSize, kind: 'data', entry: e.index })
    if (e.dataDescriptor !== undefined) records.push({ offset: e.dataDescriptor.offset, length: e.dataDescriptor.length, kind: 'data-descriptor', entry: e.index })
  }
  records.push({ offset: end.cdOffset, length: end.cdSize, kind: 'central-directory' })
  if (end.zip64 !== undefined) {
    records.push({ offset: end.zip64.recordOffset, length: end.zip64.recordLength, kind: 'end-records' })
    records.push({ offset: end.zip64.locatorOffset, length: end.eocdOffset - end.zip64.locatorOffset, kind: 'end-records' })
  }
  records.push({ offset: end.eocdOffset, length: end.eocdLength, kind: 'end-records' })

  const out: ZipSegment[] = []
  let pos = 0
  const push = (offset: number, length: number, kind: ZipSegmentKind, entry?: number): void => {
    if (length === 0) return
    const last = out[out.length - 1]
    if (last !== undefined && last.kind === kind && kind === 'end-records') { last.length += length; return }
    const s: ZipSegment = { offset, length, kind }
    if (entry !== undefined) s.entry = entry
    out.push(s)
  }
  for (const r of records) {
    if (r.offset < pos) throw new ZipStructureError(`${r.kind} at ${r.offset} overlaps the bytes before it`, { offset: r.offset })
    if (r.offset > pos) push(pos, r.offset - pos, out.length === 0 ? 'prefix' : 'gap')
    push(r.offset, r.length, r.kind, r.entry)
    pos = r.offset + r.length
  }
  push(pos, size - pos, 'trailing')
  return out
}
