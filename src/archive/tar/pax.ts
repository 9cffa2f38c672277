/**
 * PAX extended header records (POSIX.1-2017 `pax`, "pax Extended Header"): each record is
 * `"%d %s=%s\n", <length>, <keyword>, <value>` where length counts the whole record including itself and
 * the newline. Values are kept as bytes (they need not be UTF-8, see `hdrcharset`). The values this library
 * interprets are checked as soon as the record is read, so that errors carry the record's offset.
 */

import { cleanPath, copyBytes } from './bytes.js'
import { HeaderFieldError, PaxRecordError } from '../../errors.js'

/** One record: keyword and raw value bytes. */
export type PaxRecord = [string, Uint8Array]

const SPACE = 0x20
const EQUALS = 0x3d
const NEWLINE = 0x0a
const DOT = 0x2e
const MINUS = 0x2d

/** Keywords holding a non-negative decimal integer. */
const DECIMAL_KEYS = new Set(['size', 'uid', 'gid', 'GNU.sparse.size', 'GNU.sparse.realsize', 'SCHILY.devmajor', 'SCHILY.devminor'])
/** Keywords holding a path: no NUL allowed. */
const PATH_KEYS = new Set(['path', 'linkpath', 'GNU.sparse.name'])

/**
 * Parses the data of an 'x' or 'g' header. `dataOffset` is the archive offset of `data[0]`, for errors.
 * Every record must be complete and well formed; nothing may follow the last one.
 */
export function parsePaxRecords (data: Uint8Array, dataOffset: number): PaxRecord[] {
  const records: PaxRecord[] = []
  const end = data.length
  let pos = 0
  while (pos < end) {
    const offset = dataOffset + pos
    let i = pos
    let length = 0
    while (i < end && data[i]! >= 0x30 && data[i]! <= 0x39 && length <= end) {
      length = length * 10 + (data[i]! - 0x30)
      i++
    }
    if (i === pos || data[i] !== SPACE) throw new PaxRecordError('PAX record does not start with "<length> "', { offset })
    if (length > end - pos) throw new PaxRecordError('PAX record length runs past the end of the extended header', { offset, length })
    // Shortest record: digits, space, a one-byte keyword, '=', newline.
    if (length < i - pos + 4) throw new PaxRecordError('PAX record length is too small', { offset, length })
    const recordEnd = pos + length
    if (data[recordEnd - 1] !== NEWLINE) throw new PaxRecordError('PAX record does not end with a newline', { offset, length })
    const keyStart = i + 1
    const eq = data.subarray(keyStart, recordEnd - 1).indexOf(EQUALS)
    if (eq <= 0) throw new PaxRecordError('PAX record has no "keyword="', { offset })
    // POSIX: keywords are UTF-8. Decoding strictly keeps distinct keywords distinct in the manifest.
    const key = strictUtf8(data.subarray(keyStart, keyStart + eq))
    if (key === undefined) throw new PaxRecordError('PAX keyword is not valid UTF-8', { offset })
    // A keyword is dag-cbor text in the manifest (§3.7), and not every decoder keeps a leading U+FEFF in text.
    if (key.startsWith('\uFEFF')) throw new PaxRecordError('PAX keyword begins with U+FEFF (a byte order mark)', { offset })
    const value = copyBytes(data.subarray(keyStart + eq + 1, recordEnd - 1))
    if (value.length > 0) checkValue(key, value, offset)
    records.push([key, value])
    pos = recordEnd
  }
  return records
}

function checkValue (key: string, value: Uint8Array, offset: number): void {
  if (DECIMAL_KEYS.has(key)) parsePaxDecimal(key, value, offset)
  else if (key === 'mtime') parsePaxTime(key, value, offset)
  else if (PATH_KEYS.has(key)) cleanPath(value, `PAX ${key}`, offset)
}

/** Records in order, keeping only the last record of each keyword (POSIX: a later record overrides). */
export function lastOfEachKey (records: PaxRecord[]): PaxRecord[] {
  const last = new Map<string, number>()
  for (let i = 0; i < records.length; i++) last.set(records[i]![0], i)
  if (last.size === records.length) return records
  return records.filter((r, i) => last.get(r[0]) === i)
}

/** A non-negative decimal integer value (size, uid, gid, …). */
export function parsePaxDecimal (key: string, value: Uint8Array, offset: number): number {
  if (value.length === 0) throw new PaxRecordError(`PAX ${key} is empty`, { offset, key })
  let n = 0
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!
    if (c < 0x30 || c > 0x39) throw new PaxRecordError(`PAX ${key} is not a decimal number`, { offset, key })
    n = n * 10 + (c - 0x30)
  }
  if (n > Number.MAX_SAFE_INTEGER) throw new HeaderFieldError(`PAX ${key} is out of range`, { offset, field: key })
  return n
}

/** A PAX time, split as whole seconds (floor) and nanoseconds in [0, 1e9). */
export interface PaxTime { seconds: number, nanos: number }

/**
 * `[-]seconds[.fraction]`. Digits beyond nanoseconds are truncated, as GNU tar and Go do. A negative
 * time -1.5 becomes seconds -2 and nanos 500000000, so that seconds + nanos / 1e9 is the value.
 */
export function parsePaxTime (key: string, value: Uint8Array, offset: number): PaxTime {
  let i = 0
  const negative = value[0] === MINUS
  if (negative) i++
  const digitsStart = i
  let seconds = 0
  while (i < value.length && value[i]! >= 0x30 && value[i]! <= 0x39) seconds = seconds * 10 + (value[i++]! - 0x30)
  if (i === digitsStart) throw new PaxRecordError(`PAX ${key} is not a time`, { offset, key })
  let nanos = 0
  if (i < value.length) {
    if (value[i] !== DOT) throw new PaxRecordError(`PAX ${key} is not a time`, { offset, key })
    i++
    let scale = 100_000_000
    for (; i < value.length; i++) {
      const c = value[i]!
      if (c < 0x30 || c > 0x39) throw new PaxRecordError(`PAX ${key} is not a time`, { offset, key })
      nanos += (c - 0x30) * scale
      scale = Math.floor(scale / 10)
    }
  }
  if (seconds > Number.MAX_SAFE_INTEGER - 1) throw new HeaderFieldError(`PAX ${key} is out of range`, { offset, field: key })
  if (!negative) return { seconds, nanos }
  return nanos === 0 ? { seconds: -seconds, nanos: 0 } : { seconds: -seconds - 1, nanos: 1_000_000_000 - nanos }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function strictUtf8 (bytes: Uint8Array): string | undefined {
  try { return utf8.decode(bytes) } catch { return undefined }
}
