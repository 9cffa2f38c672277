/**
 * The compact form of a tar entry (schema `EntryRecord`, spec §7.2): each record holds only what differs
 * from what the entries before it imply. Paths are front-coded against the previous path; uid, gid, names
 * and the style repeat the previous entry's unless given; the mode repeats the last mode seen with the same
 * typeflag; mtime is a difference. Encoding and decoding are stateful and run over the whole list in
 * order (pages do not reset the state), so a port that follows §7.2 produces the same bytes.
 */
import type { CID } from 'multiformats/cid'
import { InvalidManifestError } from '../errors.js'
import type { MemberHeaderFields, PaxRecordField } from '../archive/tar/style/index.js'
import type { EntryRecord, Exclusion, Name, PatchRun } from '../schema/types.js'

const TYPEFLAG_REGULAR = 0x30 // '0'
const EMPTY = new Uint8Array(0)
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const utf8Encoder = new TextEncoder()

/**
 * Everything a tar entry records, with absolute values: what the encoder takes and the decoder gives. The
 * header fields are what a header style needs to write the member's header bytes again (§8.2).
 */
export interface EntryFields extends MemberHeaderFields {
  /** A sparse file's expanded size, when it differs from `size` (the stored data size). */
  readonly sparseSize?: number
  /** The header style that regenerates the header bytes (with the patch, if any). */
  readonly style: string
  readonly headerPatch?: readonly PatchRun[]
  readonly headerBytes?: Uint8Array
  /** Padding after the data when it is not all zeros. */
  readonly padding?: Uint8Array
  /** The data as a UnixFS file, when it is not the tree's file at `path`. */
  readonly content?: CID
  readonly excluded?: Exclusion
}

/** What "the entries before" imply for the next record (§7.2); both directions share it. */
class RecordState {
  path: Uint8Array = EMPTY
  uid = 0
  gid = 0
  uname: Uint8Array = EMPTY
  gname: Uint8Array = EMPTY
  mtime = 0
  style: string | undefined
  readonly modes = new Map<number, number>()

  advance (f: EntryFields): void {
    this.path = f.path
    this.uid = f.uid
    this.gid = f.gid
    this.uname = f.uname
    this.gname = f.gname
    this.mtime = f.mtime
    this.style = f.style
    this.modes.set(f.typeflag, f.mode)
  }
}

/** Encodes entries in archive order into records. */
export class EntryRecordEncoder {
  readonly #state = new RecordState()

  /**
   * The record of `f`. `pathName`, when given, is `f.path` as a Name (names.ts `nameFromBytes`): a caller
   * that has decoded the path already saves decoding its new suffix again (#16).
   */
  encode (f: EntryFields, pathName?: Name): EntryRecord {
    const s = this.#state
    const kept = keptPrefix(s.path, f.path)
    const record: EntryRecord = { p: suffixName(f.path, kept, pathName) }
    if (kept > 0) record.k = kept
    if (f.typeflag !== TYPEFLAG_REGULAR) record.y = f.typeflag
    if (s.modes.get(f.typeflag) !== f.mode) record.m = f.mode
    if (f.uid !== s.uid) record.u = f.uid
    if (f.gid !== s.gid) record.g = f.gid
    if (!sameBytes(f.uname, s.uname)) record.un = nameOf(f.uname)
    if (!sameBytes(f.gname, s.gname)) record.gn = nameOf(f.gname)
    if (f.mtime !== s.mtime) record.t = f.mtime - s.mtime
    if (f.mtimeNanos !== 0) record.tn = f.mtimeNanos
    if (f.size !== 0) record.s = f.size
    if (f.sparseSize !== undefined && f.sparseSize !== f.size) record.sz = f.sparseSize
    if (f.linkTarget.length > 0) record.l = nameOf(f.linkTarget)
    if (f.devMajor !== 0 || f.devMinor !== 0) record.dv = [f.devMajor, f.devMinor]
    if (f.atime !== undefined) record.at = f.atime
    if (f.ctime !== undefined) record.ct = f.ctime
    if (f.paxRecords !== undefined) record.x = f.paxRecords.map(([key, value]) => value === null ? [key] : [key, nameOf(value)])
    if (f.style !== s.style) record.h = f.style
    if (f.headerPatch !== undefined) record.hp = f.headerPatch.map(([offset, bytes]) => [offset, bytes])
    if (f.headerBytes !== undefined) record.hb = f.headerBytes
    if (f.padding !== undefined) record.pd = f.padding
    if (f.content !== undefined) record.c = f.content
    if (f.excluded !== undefined) record.e = f.excluded
    s.advance(f)
    return record
  }
}

/** Decodes records in archive order back into entries' fields. */
export class EntryRecordDecoder {
  readonly #state = new RecordState()
  #index = 0

  decode (r: EntryRecord): EntryFields {
    const s = this.#state
    const where = { entry: `#${this.#index++}` }
    const kept = r.k ?? 0
    if (!Number.isSafeInteger(kept) || kept < 0 || kept > s.path.length) throw new InvalidManifestError(`entry record keeps ${kept} bytes of a ${s.path.length}-byte previous path`, where)
    const path = concatBytes(s.path.subarray(0, kept), bytesOf(r.p))
    const typeflag = r.y ?? TYPEFLAG_REGULAR
    const mode = r.m ?? s.modes.get(typeflag)
    if (mode === undefined) throw new InvalidManifestError(`entry record has no mode and no earlier entry has typeflag ${typeflag}`, where)
    const style = r.h ?? s.style
    if (style === undefined) throw new InvalidManifestError('the first entry record names no header style', where)
    if (r.hp !== undefined && r.hb !== undefined) throw new InvalidManifestError('entry record has both a header patch and verbatim header bytes', where)
    if (r.dv !== undefined && r.dv.length !== 2) throw new InvalidManifestError('entry record `dv` is not [major, minor]', where)
    const f: Mutable<EntryFields> = {
      path,
      typeflag,
      mode,
      uid: r.u ?? s.uid,
      gid: r.g ?? s.gid,
      uname: r.un === undefined ? s.uname : bytesOf(r.un),
      gname: r.gn === undefined ? s.gname : bytesOf(r.gn),
      mtime: s.mtime + (r.t ?? 0),
      mtimeNanos: r.tn ?? 0,
      size: r.s ?? 0,
      linkTarget: r.l === undefined ? EMPTY : bytesOf(r.l),
      devMajor: r.dv?.[0] ?? 0,
      devMinor: r.dv?.[1] ?? 0,
      style
    }
    if (r.sz !== undefined) f.sparseSize = r.sz
    if (r.at !== undefined) f.atime = r.at
    if (r.ct !== undefined) f.ctime = r.ct
    if (r.x !== undefined) f.paxRecords = r.x.map(record => paxRecordFrom(record, where))
    if (r.hp !== undefined) f.headerPatch = r.hp
    if (r.hb !== undefined) f.headerBytes = r.hb
    if (r.pd !== undefined) f.padding = r.pd
    if (r.c !== undefined) f.content = r.c
    if (r.e !== undefined) f.excluded = r.e
    s.advance(f)
    return f
  }
}

/**
 * How many leading bytes of `previous` the next path keeps (§7.2): the longest common prefix, shortened
 * so that, when `path` is valid UTF-8, the rest starts on a character boundary (and so is text too).
 */
export function keptPrefix (previous: Uint8Array, path: Uint8Array): number {
  const max = Math.min(previous.length, path.length)
  let n = 0
  while (n < max && previous[n] === path[n]) n++
  // Only a cut inside a character moves, and only then is the whole path checked (one UTF-8 decode an entry less).
  if (n > 0 && n < path.length && isContinuation(path[n] as number) && isUtf8(path)) {
    while (n > 0 && isContinuation(path[n] as number)) n--
  }
  return n
}

function paxRecordFrom (record: Name[], where: { entry: string }): PaxRecordField {
  const [key, value] = record
  if (typeof key !== 'string' || record.length < 1 || record.length > 2) throw new InvalidManifestError('a PAX record is [key] or [key, value] with a text key', where)
  return [key, value === undefined ? null : bytesOf(value)]
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** A UTF-8 continuation byte (10xxxxxx): never the first byte of a character. */
function isContinuation (byte: number): boolean {
  return (byte & 0xc0) === 0x80
}

function isUtf8 (bytes: Uint8Array): boolean {
  try { utf8.decode(bytes); return true } catch { return false }
}

/**
 * Text when the bytes are valid UTF-8 and do not begin with a byte order mark, else the bytes (schema `Name`,
 * spec §3.7). A text string beginning with U+FEFF is not kept by every dag-cbor decoder (cborg drops it), so
 * such a name is stored as bytes.
 */
export function nameOf (bytes: Uint8Array): Name {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes
  try { return utf8.decode(bytes) } catch { return bytes }
}

/**
 * nameOf(path.subarray(kept)), taken from `pathName` (the whole path's text) where that is exact without
 * decoding: the whole path (kept 0) unless it begins with U+FEFF, or an ASCII path's tail (one byte a
 * character, so `kept` bytes are `kept` characters).
 */
function suffixName (path: Uint8Array, kept: number, pathName: Name | undefined): Name {
  if (typeof pathName === 'string') {
    if (kept === 0 && !pathName.startsWith('\uFEFF')) return pathName
    if (pathName.length === path.length) return pathName.slice(kept)
  }
  return nameOf(path.subarray(kept))
}

export function bytesOf (name: Name): Uint8Array {
  return typeof name === 'string' ? utf8Encoder.encode(name) : name
}

export function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

export function concatBytes (a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}
