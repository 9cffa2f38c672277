/**
 * What the zip reader found, kept as a column table: the central directory's bytes as read, and per entry
 * a few numbers in typed arrays plus its local extra block in one arena. As objects an entry costs some
 * 2 KB (copies of its name, comment and extra fields, a segment object or three); as columns some 50 bytes
 * beyond the directory's own. An entry object is made only when asked for (`entry`), from the directory's
 * bytes and the columns, and segments are made as they are iterated.
 */
import type { ByteArena } from '../../byte-arena.js'
import { centralHeaderLength, centralRecord, type CentralColumns, type CentralRecord } from './central.js'
import { u16 } from './bytes.js'
import { CENTRAL_HEADER_SIZE, FLAG_UTF8 } from './constants.js'
import type { EndRecords } from './end-records.js'
import { dosToUnixSeconds, extraMtime, extraOwner, parseExtraFields } from './extra.js'
import type { ZipEntry, ZipLayout, ZipSegment, ZipSegmentKind } from './types.js'
import type { ZipRecordFields } from './write.js'
import { ZipStructureError } from '../../errors.js'

/** What the reader learnt from each entry's local header, by entry index. */
export interface LocalColumns {
  /** The local header's length: 30 bytes, its name and its extra field. */
  headerLength: Uint32Array
  /** 0 without a data descriptor, else its length (12, 16, 20 or 24) with DESCRIPTOR_SIGNED for the optional signature. */
  descriptor: Uint8Array
  /** The local extra blocks, raw; entry i's is `extra.get(extraAt[i])`. */
  extra: ByteArena
  extraAt: Uint32Array
}

/** Set in a descriptor column value when the descriptor starts with its optional signature. */
export const DESCRIPTOR_SIGNED = 0x80

/**
 * The layout of a zip as columns (see the module comment); {@link readZipDirectory} makes one. Entries are
 * numbered in central directory order; `fileOrder` lists them by where their local header is.
 */
export class ZipDirectory {
  /** Number of entries. */
  readonly count: number
  /** Entry indices by local header offset (then index): the order of their bytes in the file. */
  readonly fileOrder: Uint32Array
  /** Absolute offset and size of the central directory. */
  readonly centralDirectory: ZipLayout['centralDirectory']
  readonly endOfCentralDirectory: ZipLayout['endOfCentralDirectory']
  /** The archive comment (from the EOCD record). */
  readonly comment: Uint8Array
  /** Bytes before the first local header (or before the central directory when there are no entries). */
  readonly prefixLength: number
  /** What to add to the offsets written in the archive to get file offsets (see ZipLayout.offsetShift). */
  readonly offsetShift: number
  /** The file's size. */
  readonly size: number
  /** The central directory's bytes, as read. */
  readonly bytes: Uint8Array
  readonly #central: CentralColumns
  readonly #local: LocalColumns

  constructor (size: number, cd: Uint8Array, end: EndRecords, central: CentralColumns, local: LocalColumns, fileOrder: Uint32Array) {
    this.size = size
    this.bytes = cd
    this.count = central.count
    this.fileOrder = fileOrder
    this.centralDirectory = { offset: end.cdOffset, size: end.cdSize }
    this.endOfCentralDirectory = { offset: end.eocdOffset, length: end.eocdLength }
    if (end.zip64 !== undefined) this.endOfCentralDirectory.zip64 = end.zip64
    this.comment = end.comment
    this.offsetShift = end.shift
    this.#central = central
    this.#local = local
    // Checks once that the records do not overlap (segments are checked as they are made), and finds the prefix.
    let prefixLength = 0
    let seen = false
    for (const s of this.segments()) {
      if (!seen && s.kind === 'prefix') prefixLength = s.length
      seen = true
    }
    this.prefixLength = prefixLength
  }

  /** Entry `index`'s central record (its name, comment and extra fields are fresh copies). */
  central (index: number): CentralRecord {
    return centralRecord(this.bytes, this.#central.recordAt[index] as number, this.centralDirectory.offset, index, this.offsetShift)
  }

  /** Entry `index`'s central header bytes: a view into `bytes`. */
  centralHeader (index: number): Uint8Array {
    const at = this.#central.recordAt[index] as number
    return this.bytes.subarray(at, at + centralHeaderLength(this.bytes, at))
  }

  /**
   * Entry `index`'s header fields as written (offsets before the shift), from which write.ts regenerates its
   * headers; the extra blocks are views of the directory's bytes and of the arena. Cheaper than `entry`.
   * `c`: the entry's central record, when the caller has it.
   */
  recordFields (index: number, c = this.central(index)): ZipRecordFields {
    const at = this.#central.recordAt[index] as number
    const extraAt = at + CENTRAL_HEADER_SIZE + c.path.length
    const f: ZipRecordFields = {
      path: c.path,
      versionMadeBy: c.versionMadeBy,
      versionNeeded: c.versionNeeded,
      flags: c.flags,
      method: c.method,
      dosTime: c.dosTime,
      dosDate: c.dosDate,
      crc32: c.crc32,
      compressedSize: c.compressedSize,
      uncompressedSize: c.uncompressedSize,
      internalAttributes: c.internalAttributes,
      externalAttributes: c.externalAttributes,
      // No disk number is kept (archives on several disks are rejected): 0, and the header's patch otherwise.
      diskStart: 0,
      localHeaderOffset: c.localHeaderOffset - this.offsetShift,
      localExtra: this.#local.extra.get(this.#local.extraAt[index] as number),
      centralExtra: this.bytes.subarray(extraAt, extraAt + u16(this.bytes, at + 30)),
      comment: c.comment
    }
    const d = this.#local.descriptor[index] as number
    if (d !== 0) {
      const signed = (d & DESCRIPTOR_SIGNED) !== 0
      f.descriptor = { signed, wide: (d & ~DESCRIPTOR_SIGNED) - (signed ? 4 : 0) === 20 }
    }
    return f
  }

  /** Entry `index` as an object, made now (byte strings are fresh copies). */
  entry (index: number): ZipEntry {
    return zipEntry(this.central(index), this.#localOf(index))
  }

  /** Where entry `index`'s local header, data and descriptor are. */
  #localOf (index: number): LocalPart {
    const lho = this.#central.localHeaderOffset[index] as number
    const dataOffset = lho + (this.#local.headerLength[index] as number)
    const d = this.#local.descriptor[index] as number
    const part: LocalPart = { dataOffset, extra: this.#local.extra.get(this.#local.extraAt[index] as number) }
    if (d !== 0) {
      part.descriptor = { offset: dataOffset + (this.#central.compressedSize[index] as number), length: d & ~DESCRIPTOR_SIGNED, signed: (d & DESCRIPTOR_SIGNED) !== 0 }
    }
    return part
  }

  /**
   * Segments in file order: for each entry its local header, data and descriptor; the central directory;
   * the end records. Uncovered bytes before the first record are the prefix, between records gaps, after
   * the EOCD record trailing. Made as they are iterated.
   */
  * segments (): Generator<ZipSegment> {
    const c = this.#central
    const l = this.#local
    let pos = 0
    let any = false
    // The last segment, held back in case the next end record joins it (adjacent end records are one segment).
    let held: ZipSegment | undefined
    const push = function * (offset: number, length: number, kind: ZipSegmentKind, entry?: number): Generator<ZipSegment> {
      if (length === 0) return
      if (held !== undefined && kind === 'end-records' && held.kind === 'end-records') { held.length += length; return }
      if (held !== undefined) yield held
      held = { offset, length, kind }
      if (entry !== undefined) held.entry = entry
      any = true
    }
    const record = function * (offset: number, length: number, kind: ZipSegmentKind, entry?: number): Generator<ZipSegment> {
      if (offset < pos) throw new ZipStructureError(`${kind} at ${offset} overlaps the bytes before it`, { offset })
      if (offset > pos) yield * push(pos, offset - pos, any ? 'gap' : 'prefix')
      yield * push(offset, length, kind, entry)
      pos = offset + length
    }
    for (const i of this.fileOrder) {
      const lho = c.localHeaderOffset[i] as number
      const headerLength = l.headerLength[i] as number
      const size = c.compressedSize[i] as number
      yield * record(lho, headerLength, 'local-header', i)
      yield * record(lho + headerLength, size, 'data', i)
      const d = l.descriptor[i] as number
      if (d !== 0) yield * record(lho + headerLength + size, d & ~DESCRIPTOR_SIGNED, 'data-descriptor', i)
    }
    const e = this.endOfCentralDirectory
    yield * record(this.centralDirectory.offset, this.centralDirectory.size, 'central-directory')
    if (e.zip64 !== undefined) {
      yield * record(e.zip64.recordOffset, e.zip64.recordLength, 'end-records')
      yield * record(e.zip64.locatorOffset, e.offset - e.zip64.locatorOffset, 'end-records')
    }
    yield * record(e.offset, e.length, 'end-records')
    yield * push(pos, this.size - pos, 'trailing')
    if (held !== undefined) yield held
  }

  /** Everything as objects: convenient, and about 2 KB an entry (see readZipLayout). */
  layout (): ZipLayout {
    const entries: ZipEntry[] = []
    for (let i = 0; i < this.count; i++) entries.push(this.entry(i))
    const layout: ZipLayout = {
      entries,
      centralDirectory: this.centralDirectory,
      endOfCentralDirectory: this.endOfCentralDirectory,
      comment: this.comment,
      prefixLength: this.prefixLength,
      offsetShift: this.offsetShift,
      segments: [...this.segments()]
    }
    return layout
  }
}

/** What an entry's local header told the reader. */
export interface LocalPart {
  dataOffset: number
  descriptor?: { offset: number, length: number, signed: boolean }
  /** The local extra block, raw. */
  extra: Uint8Array
}

/** An entry from its central record and what its local header told. */
export function zipEntry (c: CentralRecord, local: LocalPart): ZipEntry {
  const { fields: localExtraFields, tail: localExtraTail } = parseExtraFields(local.extra)
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
    localHeaderOffset: c.localHeaderOffset,
    dataOffset: local.dataOffset,
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
  if (local.descriptor !== undefined) entry.dataDescriptor = local.descriptor
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
