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
 * Parses the whole central directory `cd` (which starts at absolute offset `cdOffset`). Records are read
 * until the declared size is used up; their number must be the declared count, or (without zip64) agree
 * with it modulo 2^16, since old writers stored the count of >65535 entries truncated. The directory lies
 * inside the file (the end records were found), so a count or size that contradicts the headers is
 * ERR_ZIP_STRUCTURE, not a truncated file: Go's reader trusts the count and reads on, Python and libarchive
 * stop at the size; two readers would see two archives.
 */
export function parseCentralDirectory (cd: Uint8Array, cdOffset: number, declaredCount: number, zip64: boolean, shift: number, limits: ZipLimits): CentralRecord[] {
  const records: CentralRecord[] = []
  let pos = 0
  while (pos < cd.length) {
    const at = cdOffset + pos
    if (pos + CENTRAL_HEADER_SIZE > cd.length) {
      throw new ZipStructureError(`central directory header ${records.length} runs past the directory's declared size of ${cd.length} bytes`, { offset: at })
    }
    if (u32(cd, pos) !== SIG_CENTRAL_HEADER) {
      if (records.length < declaredCount) throw new ZipStructureError(`central directory holds ${records.length} headers, ${declaredCount} declared`, { offset: at })
      throw new ZipStructureError('bytes in the central directory after its last header', { offset: at })
    }
    if (records.length >= limits.maxEntries) {
      throw new LimitExceededError(`more than ${limits.maxEntries} entries`, { offset: at, limit: 'maxEntries', value: limits.maxEntries })
    }
    const nameLength = u16(cd, pos + 28)
    const extraLength = u16(cd, pos + 30)
    const commentLength = u16(cd, pos + 32)
    const end = pos + CENTRAL_HEADER_SIZE + nameLength + extraLength + commentLength
    if (end > cd.length) throw new ZipStructureError(`central directory header ${records.length} runs past the directory's declared size of ${cd.length} bytes`, { offset: at })
    records.push(parseRecord(cd, pos, at, records.length, shift, limits))
    pos = end
  }
  const found = records.length
  if (found !== declaredCount && !(zip64 === false && found > declaredCount && found % 0x10000 === declaredCount)) {
    if (found < declaredCount) throw new ZipStructureError(`central directory holds ${found} headers, ${declaredCount} declared`, { offset: cdOffset + cd.length })
    throw new ZipStructureError(`central directory holds ${found} headers, ${declaredCount} declared`, { offset: cdOffset })
  }
  return records
}

function parseRecord (cd: Uint8Array, pos: number, at: number, index: number, shift: number, limits: ZipLimits): CentralRecord {
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

  // Zip bomb by ratio: only declared sizes are known here, which is what a decompressor would trust.
  // Deflate only: its ratio has a ceiling (limits.ts), and it is the one method this library inflates.
  if (method === METHOD_DEFLATED && uncompressedSize > limits.compressionRatioMinBytes && uncompressedSize > limits.maxCompressionRatio * compressedSize) {
    throw new LimitExceededError(`entry declares ${uncompressedSize} bytes from ${compressedSize} compressed, a ratio over ${limits.maxCompressionRatio}`, {
      offset: at, entry: name, limit: 'maxCompressionRatio', value: limits.maxCompressionRatio, uncompressedSize, compressedSize
    })
  }

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
