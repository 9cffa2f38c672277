/**
 * PAX extended header data written back from records (POSIX.1-2017 `pax`, "pax Extended Header"): each
 * record is `"<length> <keyword>=<value>\n"`, where `<length>` is the decimal length of the whole record,
 * itself included. Every writer we know picks the one length that satisfies this (the least fixed point);
 * a record written otherwise is not reproduced and its member becomes an exception.
 */

import type { MemberHeaderFields, PaxRecordField } from './fields.js'
import { InvalidManifestError } from '../../../errors.js'

const SPACE = 0x20
const EQUALS = 0x3d
const NEWLINE = 0x0a
const encoder = new TextEncoder()

function decimalDigits (n: number): number {
  let d = 1
  while (n >= 10 ** d) d++
  return d
}

/** The length of a record whose keyword and value have these byte lengths. */
export function paxRecordLength (keyLength: number, valueLength: number): number {
  const rest = keyLength + valueLength + 3 // ' ', '=', '\n'
  let digits = decimalDigits(rest)
  if (decimalDigits(rest + digits) > digits) digits++
  return rest + digits
}

/**
 * The canonical text of an entry's own value for a PAX keyword, or undefined when the keyword is not one
 * of an entry's fields. A record whose value equals this text is stored as `null` (docs/spec-header-styles.md §H2.1): `path`,
 * `linkpath`, `uname`, `gname` are the bytes; `uid`, `gid`, `size` decimal without leading zeros; `mtime`
 * is {@link formatPaxTime} of mtime and mtimeNanos.
 */
export function derivedPaxValue (key: string, f: MemberHeaderFields): Uint8Array | undefined {
  switch (key) {
    case 'path': return f.path
    case 'linkpath': return f.linkTarget
    case 'uname': return f.uname
    case 'gname': return f.gname
    case 'uid': return ascii(String(f.uid))
    case 'gid': return ascii(String(f.gid))
    case 'size': return ascii(String(f.size))
    case 'mtime': return ascii(formatPaxTime(f.mtime, f.mtimeNanos))
    default: return undefined
  }
}

/**
 * A PAX time from whole seconds (floor) and nanoseconds: `S` when there are no nanoseconds, else
 * `S.F` with F the nine-digit fraction without trailing zeros; negative times are written as the
 * magnitude with a minus sign (-2 s + 0.5 s is "-1.5"), as GNU tar and Go write them.
 */
export function formatPaxTime (seconds: number, nanos: number): string {
  if (nanos === 0) return String(seconds)
  let sign = ''
  let s = seconds
  let n = nanos
  if (s < 0) {
    sign = '-'
    s = -(s + 1)
    n = 1_000_000_000 - n
  }
  return `${sign}${s}.${String(n).padStart(9, '0').replace(/0+$/, '')}`
}

function ascii (text: string): Uint8Array {
  const out = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i)
  return out
}

function valueOf (record: PaxRecordField, f: MemberHeaderFields | undefined): Uint8Array {
  const value = record[1]
  if (value !== null) return value
  const derived = f === undefined ? undefined : derivedPaxValue(record[0], f)
  if (derived === undefined) throw new InvalidManifestError(`PAX record ${record[0]} has no value and is not an entry field`, { key: record[0] })
  return derived
}

/** The byte length of the records as written. */
export function paxDataLength (records: readonly PaxRecordField[], f?: MemberHeaderFields): number {
  let total = 0
  for (const record of records) total += paxRecordLength(keyBytes(record[0]).length, valueOf(record, f).length)
  return total
}

/** Writes the records at `b[off…]`; returns the offset after them. `b` must have room. */
export function writePaxData (b: Uint8Array, off: number, records: readonly PaxRecordField[], f?: MemberHeaderFields): number {
  let at = off
  for (const record of records) {
    const key = keyBytes(record[0])
    const value = valueOf(record, f)
    const length = paxRecordLength(key.length, value.length)
    const digits = String(length)
    for (let i = 0; i < digits.length; i++) b[at++] = digits.charCodeAt(i)
    b[at++] = SPACE
    b.set(key, at); at += key.length
    b[at++] = EQUALS
    b.set(value, at); at += value.length
    b[at++] = NEWLINE
  }
  return at
}

/**
 * The data of an 'x' or 'g' header holding `records` (values `null` taken from `fields`): what a 'g'
 * member's data is, and what follows an 'x' header block.
 */
export function formatPaxRecords (records: readonly PaxRecordField[], fields?: MemberHeaderFields): Uint8Array {
  const out = new Uint8Array(paxDataLength(records, fields))
  writePaxData(out, 0, records, fields)
  return out
}

// Keywords repeat on every member: encode each distinct one once.
const keyCache = new Map<string, Uint8Array>()
function keyBytes (key: string): Uint8Array {
  let bytes = keyCache.get(key)
  if (bytes === undefined) {
    bytes = encoder.encode(key)
    if (keyCache.size < 1024) keyCache.set(key, bytes)
  }
  return bytes
}
