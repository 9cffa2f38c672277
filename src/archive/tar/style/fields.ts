/**
 * What a member's header bytes depend on besides the writer's habits: the entry's effective values, as a
 * manifest stores them anyway, and the records of its own PAX 'x' header. Everything else in the header
 * bytes (name/prefix split, truncation, numeric formatting, magic, checksum, extension headers and their
 * pseudo-fields) is derived by a header style (docs/spec-header-styles.md §H2).
 */

import type { TarMember } from '../types.js'
import { EMPTY } from '../bytes.js'
import { TYPE_PAX_GLOBAL } from '../constants.js'
import { derivedPaxValue } from './pax-records.js'

/**
 * One record of a member's 'x' header: keyword and value bytes, or `null` when the value is the entry's
 * own value for that keyword in canonical form (see {@link derivedPaxValue}), so that a manifest need not
 * repeat a long path.
 */
export type PaxRecordField = readonly [key: string, value: Uint8Array | null]

/** The per-entry input of a header style. */
export interface MemberHeaderFields {
  /** The main header's typeflag byte (for a PAX global header, 'g'). */
  readonly typeflag: number
  /** Effective path (for a 'g' member: its header's name). */
  readonly path: Uint8Array
  /** Effective link target of symlinks and hardlinks; empty for every other type. */
  readonly linkTarget: Uint8Array
  /** The header's mode field, as stored (some writers include file-type bits). */
  readonly mode: number
  readonly uid: number
  readonly gid: number
  readonly uname: Uint8Array
  readonly gname: Uint8Array
  /** Effective whole seconds (floor) and nanoseconds (0 unless a PAX mtime had a fraction). */
  readonly mtime: number
  readonly mtimeNanos: number
  /** Bytes of data stored after the header(s): the member's dataSize. */
  readonly size: number
  /** Effective device numbers of '3' and '4' members; 0 for every other type. */
  readonly devMajor: number
  readonly devMinor: number
  /** The atime/ctime fields of a gnu-magic header, when set. */
  readonly atime?: number
  readonly ctime?: number
  /**
   * Every record of the member's own 'x' header in order, duplicates included; undefined when it has no
   * 'x' header. For a 'g' member: the records of its data (values never `null`).
   */
  readonly paxRecords?: readonly PaxRecordField[]
}

/**
 * The fields of a member as the tar reader reports it. Record values equal to the entry's canonical
 * value become `null` (in 'x' records only: a 'g' header's records are not about the 'g' member).
 *
 * @example
 * ```ts
 * for (const part of reader.push(chunk)) {
 *   if (part.kind === 'member') matcher.match(headerFieldsOf(part.member), headerBytes)
 * }
 * ```
 */
export function headerFieldsOf (member: TarMember): MemberHeaderFields {
  // One literal with every field, set in place after: a spread copy (`{ ...fields, paxRecords }`) got a
  // map of its own each time, and every read of it then missed V8's inline caches (#16).
  const fields: { -readonly [K in keyof MemberHeaderFields]: MemberHeaderFields[K] } = {
    typeflag: member.typeflag,
    path: member.path,
    linkTarget: member.linkTarget ?? EMPTY,
    mode: member.mode,
    uid: member.uid,
    gid: member.gid,
    uname: member.uname,
    gname: member.gname,
    mtime: member.mtime,
    mtimeNanos: member.mtimeNanos ?? 0,
    size: member.dataSize,
    devMajor: member.devMajor ?? 0,
    devMinor: member.devMinor ?? 0,
    atime: member.gnuAtime,
    ctime: member.gnuCtime,
    paxRecords: undefined
  }
  const records = member.paxRecords
  if (records === undefined) return fields
  fields.paxRecords = member.typeflag === TYPE_PAX_GLOBAL
    ? records
    : records.map(([key, value]) => [key, sameBytes(derivedPaxValue(key, fields), value) ? null : value])
  return fields
}

function sameBytes (a: Uint8Array | undefined, b: Uint8Array): boolean {
  if (a === undefined || a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
