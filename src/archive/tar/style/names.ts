/**
 * The name rules (docs/spec-header-styles.md §H4): how each writer puts a member's path, link target and
 * owner names into the name, prefix, linkname, uname and gname fields, and whether GNU 'L'/'K' records
 * carry the full path or target. The result is written into one scratch object (no allocation for the
 * common case of a short path).
 */

import type { MemberHeaderFields } from './fields.js'
import type { NameRule } from './style.js'
import { EMPTY } from '../bytes.js'
import { TYPE_LINK, TYPE_SYMLINK } from '../constants.js'
import { isAscii, toAscii } from './ascii.js'
import { splitLongest, splitShortest } from './ustar-split.js'
import { ustarEntryName } from './bsdtar-names.js'
import { fieldBytes, isUtf8, splitPrefix, utf8String } from './npm-names.js'
import { gitBlobId, UNKNOWN_OID } from './git-oid.js'
import { concatBytes } from '../../../bytes-concat.js'

const QUESTION = 0x3f
const encoder = new TextEncoder()
const LONG_SYMLINK = encoder.encode('././@LongSymLink')
const LONG_HARDLINK = encoder.encode('././@LongHardLink')
const DATA_SUFFIX = encoder.encode('.data')
const SEE = encoder.encode('see ')
const PAXHEADER_SUFFIX = encoder.encode('.paxheader')
/** tar-stream's name for both blocks of a member with an 'x' header, and their linkname for a link. */
export const TAR_STREAM_PAX_NAME = encoder.encode('PaxHeader')

/** What goes into the string fields of a main header. */
export interface MainNames {
  name: Uint8Array
  prefix: Uint8Array
  link: Uint8Array
  uname: Uint8Array
  gname: Uint8Array
  /** How a string longer than its field is cut: C's strncpy, or Go's formatString. */
  cut: 'c' | 'go'
  /** Whether GNU 'L' / 'K' records precede the header. */
  longName: boolean
  longLink: boolean
}

/**
 * Fills `out` for member `f` under `rule`; `pax`: the member has an 'x' header. Returns false when the
 * writer would not have written this member this way.
 */
export function mainNames (out: MainNames, f: MemberHeaderFields, rule: NameRule, pax: boolean): boolean {
  const path = f.path
  const link = f.linkTarget
  out.name = path
  out.prefix = EMPTY
  out.link = link
  out.uname = f.uname
  out.gname = f.gname
  out.cut = 'c'
  out.longName = false
  out.longLink = false
  switch (rule) {
    case 'gnu':
    case 'go-gnu':
      if (pax) return false
      out.cut = rule === 'gnu' ? 'c' : 'go'
      out.longName = path.length > 100
      out.longLink = link.length > 100
      return true
    case 'oldgnu':
      if (pax) return false
      out.longName = path.length >= 100
      out.longLink = link.length >= 100
      if (path.length > 99) out.name = path.subarray(0, 99)
      return true
    case 'v7':
      return !pax && path.length <= 100 && link.length <= 100
    case 'posix':
      return pax || (ustar(out, 'longest') && link.length <= 100)
    case 'python':
      if (pax) {
        out.name = toAscii(path, QUESTION)
        out.link = toAscii(link, QUESTION)
        out.uname = toAscii(f.uname, QUESTION)
        out.gname = toAscii(f.gname, QUESTION)
        return true
      }
      return ustar(out, 'python') && link.length <= 100
    case 'go':
      if (pax) {
        out.cut = 'go'
        out.name = toAscii(path, undefined)
        out.link = toAscii(link, undefined)
        out.uname = toAscii(f.uname, undefined)
        out.gname = toAscii(f.gname, undefined)
        return true
      }
      return (path.length <= 100 || isAscii(path)) && ustar(out, 'longest') && link.length <= 100
    case 'bsdtar':
      return bsdtarNames(out, f, pax)
    case 'git':
      return gitNames(out, f)
    case 'tar-stream':
      if (pax) {
        out.name = TAR_STREAM_PAX_NAME
        out.link = link.length > 0 ? TAR_STREAM_PAX_NAME : EMPTY
        return true
      }
      // Without an 'x' header: an ASCII path, split as Python splits it, and a target of at most 100 bytes.
      return isAscii(path) && ustar(out, 'python') && link.length <= 100
    default:
      return npmNames(out, f)
  }
}

/** Leaves a name of at most 100 bytes as it is, or splits it by `rule`; false when it cannot be split. */
function ustar (out: MainNames, rule: 'longest' | 'git' | 'python' | 'libarchive'): boolean {
  const path = out.name
  if (path.length <= 100) return true
  const split = rule === 'longest' ? splitLongest(path, 155) : rule === 'git' ? splitLongest(path, 154) : splitShortest(path, rule)
  if (split < 0) return false
  out.prefix = path.subarray(0, split)
  out.name = path.subarray(split + 1)
  return true
}

function bsdtarNames (out: MainNames, f: MemberHeaderFields, pax: boolean): boolean {
  const path = f.path
  if (pax) {
    const fits = isAscii(path) && (path.length <= 100 || splitShortest(path, 'libarchive') >= 0)
    out.name = fits ? path : ustarEntryName(path)
    if (f.linkTarget.length > 100) out.link = f.typeflag === TYPE_LINK ? LONG_HARDLINK : LONG_SYMLINK
  } else if (f.linkTarget.length > 100) {
    return false
  }
  return ustar(out, 'libarchive')
}

function gitNames (out: MainNames, f: MemberHeaderFields): boolean {
  if (!ustar(out, 'git')) out.name = concatBytes(gitObjectId(f), DATA_SUFFIX)
  if (f.linkTarget.length > 100) {
    if (f.typeflag !== TYPE_SYMLINK) return false
    out.link = concatBytes(SEE, gitObjectId(f), PAXHEADER_SUFFIX)
  }
  return true
}

/** The id of the object git archive writes for this member (only a symlink's is known). */
export function gitObjectId (f: MemberHeaderFields): Uint8Array {
  return f.typeflag === TYPE_SYMLINK ? gitBlobId(f.linkTarget) : UNKNOWN_OID
}

function npmNames (out: MainNames, f: MemberHeaderFields): boolean {
  const path = f.path
  if (path.length >= 100 || !isUtf8(path)) {
    const s = utf8String(path)
    if (s === undefined) return false
    const [name, prefix] = splitPrefix(s, 155)
    out.name = fieldBytes(name, 100)
    out.prefix = fieldBytes(prefix, 155)
  }
  const link = f.linkTarget
  if (link.length > 100 || !isUtf8(link)) {
    const s = utf8String(link)
    if (s === undefined) return false
    out.link = fieldBytes(s, 100)
  }
  return true
}

/** A scratch {@link MainNames}. */
export function newMainNames (): MainNames {
  return { name: EMPTY, prefix: EMPTY, link: EMPTY, uname: EMPTY, gname: EMPTY, cut: 'c', longName: false, longLink: false }
}
