/** Central directory file headers (APPNOTE 4.3.12): the authoritative description of every entry. */

import { copyBytes, displayName, u16, u32 } from './bytes.js'
import {
  CENTRAL_HEADER_SIZE, DOS_DIRECTORY, FLAG_ENCRYPTED, HOST_UNIX, METHOD_AES, METHOD_DEFLATED, S_IFDIR, S_IFLNK, S_IFMT,
  SIG_CENTRAL_HEADER, U16_MAX, U32_MAX
} from './constants.js'
import { parseExtraFields, readZip64 } from './extra.js'
import type { ExtraField, ZipEntryType, ZipLimits } from './types.js'
import { LimitExceededError, ZipStructureError } from '../../errors.js'

/** What the central directory says about an entry; the reader adds what the local header says. */
export interface CentralRecord {
  index: number
  /** Absolute offset of this central directory header. */
  recordOffset: number
  path: Uint8Array
  name: string
  comment: Uint8Array
  versionMadeBy: number
  versionNeeded: number
  flags: number
  method: number
  dosTime: number
  dosDate: number
  crc32: number
  compressedSize: number
  uncompressedSize: number
  internalAttributes: number
  externalAttributes: number
  /** Absolute (shift applied). */
  localHeaderOffset: number
  extraFields: ExtraField[]
  extraTail?: Uint8Array
  unixMode?: number
  type: ZipEntryType
  encrypted: boolean
}

/**
 * Where each entry's header sits and what the reader needs of it in file order, as columns (entry i's
 * values at index i): records are parsed again from the directory's bytes when asked for (centralRecord),
 * so no object is kept per entry.
 */
export interface CentralColumns {
  count: number
  /** Where each header starts in the directory's bytes. */
  recordAt: Float64Array
  /** Absolute (zip64-resolved, shift applied). */
  localHeaderOffset: Float64Array
  /** Zip64-resolved. */
  compressedSize: Float64Array
}

/**
 * Parses the whole central directory `cd` (which starts at absolute offset `cdOffset`). Records are read
 * until the declared size is used up; their number must be the declared count, or (without zip64) agree
 * with it modulo 2^16, since old writers stored the count of >65535 entries truncated. The directory lies
 * inside the file (the end records were found), so a count or size that contradicts the headers is
 * ERR_ZIP_STRUCTURE, not a truncated file: Go's reader trusts the count and reads on, Python and libarchive
 * stop at the size; two readers would see two archives.
 */
export function parseCentralDirectory (cd: Uint8Array, cdOffset: number, declaredCount: number, zip64: boolean, shift: number, limits: ZipLimits): CentralColumns {
  // Sized for the declared count (checked against the limits and the directory's size); grown only when
  // a truncated 16-bit count undercounts.
  let columns = allocate(Math.max(1, declaredCount))
  let count = 0
  let pos = 0
  while (pos < cd.length) {
    const at = cdOffset + pos
    if (pos + CENTRAL_HEADER_SIZE > cd.length) {
      throw new ZipStructureError(`central directory header ${count} runs past the directory's declared size of ${cd.length} bytes`, { offset: at })
    }
    if (u32(cd, pos) !== SIG_CENTRAL_HEADER) {
      if (count < declaredCount) throw new ZipStructureError(`central directory holds ${count} headers, ${declaredCount} declared`, { offset: at })
      throw new ZipStructureError('bytes in the central directory after its last header', { offset: at })
    }
    if (count >= limits.maxEntries) {
      throw new LimitExceededError(`more than ${limits.maxEntries} entries`, { offset: at, limit: 'maxEntries', value: limits.maxEntries })
    }
    const end = pos + centralHeaderLength(cd, pos)
    if (end > cd.length) throw new ZipStructureError(`central directory header ${count} runs past the directory's declared size of ${cd.length} bytes`, { offset: at })
    const record = centralRecord(cd, pos, cdOffset, count, shift)
    checkRatio(record, limits)
    if (count === columns.recordAt.length) columns = grow(columns)
    columns.recordAt[count] = pos
    columns.localHeaderOffset[count] = record.localHeaderOffset
    columns.compressedSize[count] = record.compressedSize
    count++
    pos = end
  }
  if (count !== declaredCount && !(zip64 === false && count > declaredCount && count % 0x10000 === declaredCount)) {
    if (count < declaredCount) throw new ZipStructureError(`central directory holds ${count} headers, ${declaredCount} declared`, { offset: cdOffset + cd.length })
    throw new ZipStructureError(`central directory holds ${count} headers, ${declaredCount} declared`, { offset: cdOffset })
  }
  return { count, recordAt: columns.recordAt.subarray(0, count), localHeaderOffset: columns.localHeaderOffset.subarray(0, count), compressedSize: columns.compressedSize.subarray(0, count) }
}

type Columns = Omit<CentralColumns, 'count'>

function allocate (capacity: number): Columns {
  return { recordAt: new Float64Array(capacity), localHeaderOffset: new Float64Array(capacity), compressedSize: new Float64Array(capacity) }
}

function grow (columns: Columns): Columns {
  const bigger = allocate(2 * columns.recordAt.length)
  bigger.recordAt.set(columns.recordAt)
  bigger.localHeaderOffset.set(columns.localHeaderOffset)
  bigger.compressedSize.set(columns.compressedSize)
  return bigger
}

/** The length of the central header at `pos` of `cd` (46 bytes, then its name, extra field and comment). */
export function centralHeaderLength (cd: Uint8Array, pos: number): number {
  return CENTRAL_HEADER_SIZE + u16(cd, pos + 28) + u16(cd, pos + 30) + u16(cd, pos + 32)
}

/**
 * Zip bomb by ratio: only declared sizes are known here, which is what a decompressor would trust.
 * Deflate only: its ratio has a ceiling (limits.ts), and it is the one method this library inflates.
 */
function checkRatio (c: CentralRecord, limits: ZipLimits): void {
  const { uncompressedSize, compressedSize } = c
  if (c.method === METHOD_DEFLATED && uncompressedSize > limits.compressionRatioMinBytes && uncompressedSize > limits.maxCompressionRatio * compressedSize) {
    throw new LimitExceededError(`entry declares ${uncompressedSize} bytes from ${compressedSize} compressed, a ratio over ${limits.maxCompressionRatio}`, {
      offset: c.recordOffset, entry: c.name, limit: 'maxCompressionRatio', value: limits.maxCompressionRatio, uncompressedSize, compressedSize
    })
  }
}

/**
 * The record of entry `index`, whose header starts at `pos` of `cd` (the directory, at absolute offset
 * `cdOffset`): parsed, with its zip64 values resolved. Name, comment and extra fields are copies.
 */
export function centralRecord (cd: Uint8Array, pos: number, cdOffset: number, index: number, shift: number): CentralRecord {
  const at = cdOffset + pos
  const versionMadeBy = u16(cd, pos + 4)
  const versionNeeded = u16(cd, pos + 6)
  const flags = u16(cd, pos + 8)
  const method = u16(cd, pos + 10)
  const dosTime = u16(cd, pos + 12)
  const dosDate = u16(cd, pos + 14)
  const crc32 = u32(cd, pos + 16)
  let compressedSize = u32(cd, pos + 20)
  let uncompressedSize = u32(cd, pos + 24)
  const nameLength = u16(cd, pos + 28)
  const extraLength = u16(cd, pos + 30)
  const commentLength = u16(cd, pos + 32)
  const diskStart = u16(cd, pos + 34)
  const internalAttributes = u16(cd, pos + 36)
  const externalAttributes = u32(cd, pos + 38)
  let localHeaderOffset = u32(cd, pos + 42)
  const nameAt = pos + CENTRAL_HEADER_SIZE
  const path = copyBytes(cd.subarray(nameAt, nameAt + nameLength))
  const name = displayName(path)
  const { fields: extraFields, tail: extraTail } = parseExtraFields(cd.subarray(nameAt + nameLength, nameAt + nameLength + extraLength))
  const comment = copyBytes(cd.subarray(nameAt + nameLength + extraLength, nameAt + nameLength + extraLength + commentLength))

  const z = readZip64(extraFields, {
    uncompressedSize: uncompressedSize === U32_MAX,
    compressedSize: compressedSize === U32_MAX,
    localHeaderOffset: localHeaderOffset === U32_MAX,
    diskStart: diskStart === U16_MAX
  }, at)
  if (z.uncompressedSize !== undefined) uncompressedSize = z.uncompressedSize
  if (z.compressedSize !== undefined) compressedSize = z.compressedSize
  if (z.localHeaderOffset !== undefined) localHeaderOffset = z.localHeaderOffset

  let unixMode: number | undefined
  if (versionMadeBy >>> 8 === HOST_UNIX && externalAttributes >>> 16 !== 0) unixMode = externalAttributes >>> 16
  const type = entryType(path, unixMode, externalAttributes)
  const record: CentralRecord = {
    index, recordOffset: at, path, name, comment, versionMadeBy, versionNeeded, flags, method, dosTime, dosDate, crc32,
    compressedSize, uncompressedSize, internalAttributes, externalAttributes, localHeaderOffset: localHeaderOffset + shift,
    extraFields, type, encrypted: (flags & FLAG_ENCRYPTED) !== 0 || method === METHOD_AES
  }
  if (extraTail !== undefined) record.extraTail = extraTail
  if (unixMode !== undefined) record.unixMode = unixMode
  return record
}

/**
 * A name ending in '/' is a directory whatever the attributes say (APPNOTE 4.4.17.1; every reader agrees);
 * otherwise the Unix mode decides when there is one, and the MS-DOS directory attribute when there is not.
 */
export function entryType (path: Uint8Array, unixMode: number | undefined, externalAttributes: number): ZipEntryType {
  if (path.length > 0 && path[path.length - 1] === 0x2f) return 'directory'
  if (unixMode !== undefined) {
    const fmt = unixMode & S_IFMT
    if (fmt === S_IFLNK) return 'symlink'
    if (fmt === S_IFDIR) return 'directory'
    if (fmt !== 0) return 'file'
  }
  return (externalAttributes & DOS_DIRECTORY) !== 0 ? 'directory' : 'file'
}
