/**
 * Writing a member's header bytes from its fields and a style (docs/spec-header-styles.md §H3-§H6): every
 * byte from the member's headerOffset to its dataOffset, that is its extension headers ('x', or GNU 'L'
 * and 'K'), their data and zero padding, then the main header block. A 'g' member is its header block.
 */

import type { MemberHeaderFields } from './fields.js'
import type { HeaderStyle, LongNameHabits, PaxHabits } from './style.js'
import {
  CHECKSUM_OFFSET, DEVMAJOR_OFFSET, DEVMINOR_OFFSET, GID_OFFSET, GNAME_OFFSET, GNU_ATIME_OFFSET, GNU_CTIME_OFFSET,
  LINKNAME_OFFSET, MAGIC_OFFSET, MODE_OFFSET, MTIME_OFFSET, PREFIX_OFFSET, SIZE_OFFSET, TYPEFLAG_OFFSET,
  TYPE_BLOCK, TYPE_CHAR, TYPE_GNU_LONGLINK, TYPE_GNU_LONGNAME, TYPE_PAX_GLOBAL, TYPE_PAX_LOCAL, UID_OFFSET,
  UNAME_OFFSET
} from '../constants.js'
import { HeaderBuffer } from './header-buffer.js'
import { mainNames, newMainNames } from './names.js'
import { writeNumber } from './numbers.js'
import { paxDataLength, writePaxData } from './pax-records.js'
import { paxHeaderName } from './pax-header-name.js'
import { writeGoString } from './go-names.js'

const encoder = new TextEncoder()
const LONG_LINK_NAME = encoder.encode('././@LongLink')
const ROOT = encoder.encode('root')
const MAGIC_GNU = encoder.encode('ustar  \0')
const MAGIC_USTAR = encoder.encode('ustar\x0000')
const OCTAL_MAX = 8 ** 11 - 1
const INT31_MAX = 2 ** 31 - 1

const names = newMainNames()

/**
 * Writes the header bytes of member `f` in style `s` into `w` (reset first). Returns false when the
 * style cannot write this member (then `w` holds nothing meaningful).
 */
export function writeMemberHeaders (w: HeaderBuffer, f: MemberHeaderFields, s: HeaderStyle): boolean {
  w.reset()
  if (f.typeflag === TYPE_PAX_GLOBAL) return writeGlobalHeader(w, f, s)
  const pax = f.paxRecords !== undefined
  if (!mainNames(names, f, s.names, pax)) return false
  if (pax) {
    if (s.pax === undefined || !writePaxHeader(w, f, s, s.pax)) return false
  } else if (names.longName || names.longLink) {
    const habits = s.longNames
    if (habits === undefined) return false
    const linkFirst = habits.order === 'link-first'
    if (linkFirst && names.longLink) writeLongName(w, s, habits, TYPE_GNU_LONGLINK, f.linkTarget)
    if (names.longName) writeLongName(w, s, habits, TYPE_GNU_LONGNAME, f.path)
    if (!linkFirst && names.longLink) writeLongName(w, s, habits, TYPE_GNU_LONGLINK, f.linkTarget)
  }
  return writeMainHeader(w, f, s, pax)
}

/**
 * All bytes from a member's headerOffset to its dataOffset as style `style` writes them, or undefined
 * when the style cannot write this member.
 *
 * @example
 * ```ts
 * const bytes = encodeMemberHeaders(headerFieldsOf(member), styleByName('gnu'))
 * ```
 */
export function encodeMemberHeaders (fields: MemberHeaderFields, style: HeaderStyle): Uint8Array | undefined {
  const w = new HeaderBuffer()
  return writeMemberHeaders(w, fields, style) ? w.copy() : undefined
}

function writeMainHeader (w: HeaderBuffer, f: MemberHeaderFields, s: HeaderStyle, pax: boolean): boolean {
  const at = w.block()
  const b = w.bytes
  putString(b, at, 100, names.name, names.cut)
  if (!writeNumber(b, at + MODE_OFFSET, 8, f.mode, s.numbers)) return false
  if (s.ids === 'written') {
    if (!writeNumber(b, at + UID_OFFSET, 8, f.uid, s.numbers)) return false
    if (!writeNumber(b, at + GID_OFFSET, 8, f.gid, s.numbers)) return false
  }
  if (!writeNumber(b, at + SIZE_OFFSET, 12, f.size, s.numbers)) return false
  if (!writeMtime(b, at, pax ? headerMtime(f, s) : f.mtime, s)) return false
  b[at + TYPEFLAG_OFFSET] = f.typeflag
  putString(b, at + LINKNAME_OFFSET, 100, names.link, names.cut)
  putMagic(b, at, s)
  if (s.ownerNames === 'written') {
    putString(b, at + UNAME_OFFSET, 32, names.uname, names.cut)
    putString(b, at + GNAME_OFFSET, 32, names.gname, names.cut)
  }
  if (s.devices === 'always' || f.typeflag === TYPE_CHAR || f.typeflag === TYPE_BLOCK) {
    if (!writeNumber(b, at + DEVMAJOR_OFFSET, 8, f.devMajor, s.numbers)) return false
    if (!writeNumber(b, at + DEVMINOR_OFFSET, 8, f.devMinor, s.numbers)) return false
  }
  if (s.magic === 'gnu') {
    if (f.atime !== undefined && !writeNumber(b, at + GNU_ATIME_OFFSET, 12, f.atime, s.numbers, true)) return false
    if (f.ctime !== undefined && !writeNumber(b, at + GNU_CTIME_OFFSET, 12, f.ctime, s.numbers, true)) return false
  } else {
    putString(b, at + PREFIX_OFFSET, 155, names.prefix, 'c')
  }
  putChecksum(b, at, s)
  return true
}

/** The 'x' header before a member, its records and their padding. */
function writePaxHeader (w: HeaderBuffer, f: MemberHeaderFields, s: HeaderStyle, habits: PaxHabits): boolean {
  const where = paxHeaderName(f, habits.name)
  if (where === undefined) return false
  const records = f.paxRecords!
  const size = paxDataLength(records, f)
  const at = w.block()
  const b = w.bytes
  putString(b, at, 100, where.name, 'c')
  const mode = habits.mode === 'permissions' ? f.mode & 0o777 : habits.mode === 'entry' ? f.mode : habits.mode
  if (!writeNumber(b, at + MODE_OFFSET, 8, mode, s.numbers)) return false
  if (s.ids === 'written') {
    const clip = (id: number): number => habits.ids === 'zero' ? 0 : habits.ids === 'entry' ? id : Math.min(id, 0o777777)
    if (!writeNumber(b, at + UID_OFFSET, 8, clip(f.uid), s.numbers)) return false
    if (!writeNumber(b, at + GID_OFFSET, 8, clip(f.gid), s.numbers)) return false
  }
  if (!writeNumber(b, at + SIZE_OFFSET, 12, size, s.numbers)) return false
  const mtime = habits.mtime === 'zero'
    ? 0
    : habits.mtime === 'entry' ? f.mtime : Math.max(0, Math.min(f.mtime, habits.mtime === 'clamp-octal' ? OCTAL_MAX : INT31_MAX))
  if (!writeMtime(b, at, mtime, s)) return false
  b[at + TYPEFLAG_OFFSET] = TYPE_PAX_LOCAL
  putString(b, at + LINKNAME_OFFSET, 100, where.link, 'c')
  putMagic(b, at, s)
  if (habits.names === 'entry' && s.ownerNames === 'written') {
    putString(b, at + UNAME_OFFSET, 32, f.uname, 'c')
    putString(b, at + GNAME_OFFSET, 32, f.gname, 'c')
  }
  if (habits.devices === 'zero') {
    writeNumber(b, at + DEVMAJOR_OFFSET, 8, 0, s.numbers)
    writeNumber(b, at + DEVMINOR_OFFSET, 8, 0, s.numbers)
  } else if (habits.devices === 'entry') {
    if (!writeNumber(b, at + DEVMAJOR_OFFSET, 8, f.devMajor, s.numbers)) return false
    if (!writeNumber(b, at + DEVMINOR_OFFSET, 8, f.devMinor, s.numbers)) return false
  }
  putString(b, at + PREFIX_OFFSET, 155, where.prefix, 'c')
  putChecksum(b, at, s)
  const data = w.area(size)
  writePaxData(w.bytes, data, records, f)
  return true
}

/** A GNU 'L' or 'K' record: "././@LongLink" header, then the name and a NUL, padded. */
function writeLongName (w: HeaderBuffer, s: HeaderStyle, habits: LongNameHabits, typeflag: number, value: Uint8Array): void {
  const at = w.block()
  const b = w.bytes
  b.set(LONG_LINK_NAME, at)
  writeNumber(b, at + MODE_OFFSET, 8, habits.mode, s.numbers)
  writeNumber(b, at + UID_OFFSET, 8, 0, s.numbers)
  writeNumber(b, at + GID_OFFSET, 8, 0, s.numbers)
  writeNumber(b, at + SIZE_OFFSET, 12, value.length + 1, s.numbers)
  writeNumber(b, at + MTIME_OFFSET, 12, 0, s.numbers, true)
  b[at + TYPEFLAG_OFFSET] = typeflag
  putMagic(b, at, s)
  if (habits.owner === 'root') {
    b.set(ROOT, at + UNAME_OFFSET)
    b.set(ROOT, at + GNAME_OFFSET)
  }
  putChecksum(b, at, s)
  const data = w.area(value.length + 1)
  w.bytes.set(value, data)
}

/** A 'g' header: a pseudo-header whose fields are the member's own. */
function writeGlobalHeader (w: HeaderBuffer, f: MemberHeaderFields, s: HeaderStyle): boolean {
  if (f.path.length > 100 || f.linkTarget.length > 0) return false
  const at = w.block()
  const b = w.bytes
  b.set(f.path, at)
  if (!writeNumber(b, at + MODE_OFFSET, 8, f.mode, s.numbers)) return false
  if (s.ids === 'written') {
    if (!writeNumber(b, at + UID_OFFSET, 8, f.uid, s.numbers)) return false
    if (!writeNumber(b, at + GID_OFFSET, 8, f.gid, s.numbers)) return false
  }
  if (!writeNumber(b, at + SIZE_OFFSET, 12, f.size, s.numbers)) return false
  if (!writeMtime(b, at, f.mtime, s)) return false
  b[at + TYPEFLAG_OFFSET] = TYPE_PAX_GLOBAL
  putMagic(b, at, s)
  if (s.ownerNames === 'written') {
    putString(b, at + UNAME_OFFSET, 32, f.uname, 'c')
    putString(b, at + GNAME_OFFSET, 32, f.gname, 'c')
  }
  if (s.pax !== undefined && s.pax.devices !== 'nul') {
    writeNumber(b, at + DEVMAJOR_OFFSET, 8, 0, s.numbers)
    writeNumber(b, at + DEVMINOR_OFFSET, 8, 0, s.numbers)
  }
  putChecksum(b, at, s)
  return true
}

/** The mtime field of a member whose 'x' header holds its exact mtime. */
function headerMtime (f: MemberHeaderFields, s: HeaderStyle): number {
  const nanos = f.mtimeNanos
  if (nanos === 0) return f.mtime
  switch (s.paxMtime) {
    case 'half-even': // Python rounds its float mtime for the ustar field
      return nanos > 500_000_000 || (nanos === 500_000_000 && Math.abs(f.mtime % 2) === 1) ? f.mtime + 1 : f.mtime
    case 'bsdtar':
      return f.mtime < 0 ? f.mtime + 1 : f.mtime
    default:
      return f.mtime
  }
}

function writeMtime (b: Uint8Array, at: number, mtime: number, s: HeaderStyle): boolean {
  if (mtime === 0 && s.zeroMtime === 'absent') return true
  return writeNumber(b, at + MTIME_OFFSET, 12, mtime, s.numbers, true)
}

function putString (b: Uint8Array, off: number, width: number, s: Uint8Array, cut: 'c' | 'go'): void {
  if (cut === 'go') writeGoString(b, off, width, s)
  else b.set(s.length <= width ? s : s.subarray(0, width), off)
}

function putMagic (b: Uint8Array, at: number, s: HeaderStyle): void {
  if (s.magic === 'gnu') b.set(MAGIC_GNU, at + MAGIC_OFFSET)
  else if (s.magic === 'ustar') b.set(MAGIC_USTAR, at + MAGIC_OFFSET)
}

/** The checksum over the block with its own field as eight spaces, in the style's format. */
function putChecksum (b: Uint8Array, at: number, s: HeaderStyle): void {
  let sum = 8 * 0x20
  for (let i = at; i < at + CHECKSUM_OFFSET; i++) sum += b[i]!
  for (let i = at + CHECKSUM_OFFSET + 8; i < at + 512; i++) sum += b[i]!
  const c = at + CHECKSUM_OFFSET
  const digits = s.checksum === 'seven-nul' ? 7 : 6
  let v = sum
  for (let i = c + digits - 1; i >= c; i--) { b[i] = 0x30 + (v & 7); v >>>= 3 }
  if (s.checksum === 'nul-space') { b[c + 6] = 0; b[c + 7] = 0x20 } else if (s.checksum === 'space-nul') { b[c + 6] = 0x20; b[c + 7] = 0 } else b[c + 7] = 0
}
