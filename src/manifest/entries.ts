/**
 * Entry lists as readers see them: a tar's records decoded into entries with their offsets and header
 * bytes (§7.2, §8).
 */
import { BLOCK_SIZE, TYPE_BLOCK, TYPE_CHAR, TYPE_LINK, TYPE_SYMLINK } from '../archive/tar/constants.js'
import { entryTypeOf } from '../archive/tar/entry-type.js'
import { derivedPaxValue } from '../archive/tar/style/index.js'
import { EntryRecordDecoder, type EntryFields } from '../codec/entry-record.js'
import { InvalidManifestError } from '../errors.js'
import type { Entry, EntryRecord, Name } from '../schema/types.js'
import { headerBytesOf, headerLengthOf } from './header-bytes.js'
import { nameFromBytes } from './names.js'

/** A tar entry as restore needs it: its fields, its header bytes, and where it sits. */
export interface TarEntry {
  fields: EntryFields
  header: Uint8Array
  entry: Entry
  /** Padding after the data (zeros unless the record keeps them). */
  paddingSize: number
}

/** Decodes a tar's records in order, regenerating each header to place the entries (§7.2, §8). */
export class TarEntryReader {
  readonly #decoder = new EntryRecordDecoder()
  readonly #names = new KnownNames()
  #offset = 0

  /** The offset after the last entry read (and its padding): where the end-of-archive bytes begin. */
  get offset (): number { return this.#offset }

  read (record: EntryRecord): TarEntry {
    const fields = this.#decoder.decode(record)
    const header = headerBytesOf(fields)
    const { entry, paddingSize } = this.#place(fields, header.length, record)
    return { fields, header, entry, paddingSize }
  }

  /** The entry alone: its header bytes are measured, not kept (what listing entries needs). */
  readEntry (record: EntryRecord): Entry {
    const fields = this.#decoder.decode(record)
    return this.#place(fields, headerLengthOf(fields), record).entry
  }

  /** The entry alone, its header known to be `headerLength` bytes (a description measured them as it read them). */
  readEntryOfHeaderLength (record: EntryRecord, headerLength: number): Entry {
    return this.#place(this.#decoder.decode(record), headerLength, record).entry
  }

  #place (fields: EntryFields, headerLength: number, record: EntryRecord): { entry: Entry, paddingSize: number } {
    const headerOffset = this.#offset
    const dataOffset = headerOffset + headerLength
    const r = fields.size % BLOCK_SIZE
    const paddingSize = r === 0 ? 0 : BLOCK_SIZE - r
    if (fields.padding !== undefined && fields.padding.length !== paddingSize) {
      throw new InvalidManifestError(`entry record keeps ${fields.padding.length} padding bytes where its data needs ${paddingSize}`, { offset: headerOffset })
    }
    this.#offset = dataOffset + fields.size + paddingSize
    return { entry: entryOf(fields, headerOffset, dataOffset, this.#names.next(fields, record)), paddingSize }
  }
}

/** Names of an entry that its reader knows without decoding bytes (entryOf's `known`). */
export interface KnownEntryNames {
  readonly path?: Name
  readonly uname?: Name
  readonly gname?: Name
}

/**
 * The names a reader of records in order already has (#16): most entries of a tar share the previous one's
 * owner names (the record repeats its bytes), and a path's record holds the text of all but the prefix
 * it keeps, which for an ASCII previous path is as many characters as bytes. Each is exactly what
 * nameFromBytes gives for the entry's bytes; anything else is left to entryOf to decode.
 */
class KnownNames {
  #path: KnownName | undefined
  #uname: KnownName | undefined
  #gname: KnownName | undefined

  /** The names of the next entry's fields (`record` is the one they were decoded from). */
  next (f: EntryFields, record: EntryRecord): Required<KnownEntryNames> {
    this.#path = { bytes: f.path, name: this.#pathName(record) ?? nameFromBytes(f.path) }
    this.#uname = reuse(this.#uname, f.uname)
    this.#gname = reuse(this.#gname, f.gname)
    return { path: this.#path.name, uname: this.#uname.name, gname: this.#gname.name }
  }

  /** The path's Name from the record's text suffix, when that is exact without decoding. */
  #pathName (record: EntryRecord): Name | undefined {
    const p = record.p
    // Surrogates only where a character beyond U+FFFF is: a lone one (never in a string decoded from
    // UTF-8) would not survive encoding, so any is left to the decoder.
    if (typeof p !== 'string' || SURROGATE.test(p)) return undefined
    const kept = record.k ?? 0
    if (kept === 0) return p
    const previous = this.#path
    if (previous === undefined || typeof previous.name !== 'string' || previous.name.length !== previous.bytes.length) return undefined
    return previous.name.slice(0, kept) + p
  }
}

const SURROGATE = /[\uD800-\uDFFF]/

interface KnownName { readonly bytes: Uint8Array, readonly name: Name }

/** `last` again when `bytes` are its bytes (the decoder repeats the previous entry's array), else decoded. */
function reuse (last: KnownName | undefined, bytes: Uint8Array): KnownName {
  return last !== undefined && last.bytes === bytes ? last : { bytes, name: nameFromBytes(bytes) }
}

/** A GNU sparse member ('S' typeflag, or PAX GNU.sparse.* records): its data is not its content. */
export function isSparse (f: EntryFields): boolean {
  return f.typeflag === 0x53 || (f.paxRecords?.some(([key]) => key.startsWith('GNU.sparse.')) ?? false)
}

/**
 * The reader's view of an entry, derived from its fields. `known`: names the caller already has for these
 * fields' bytes (each must be nameFromBytes of them).
 */
export function entryOf (f: EntryFields, headerOffset: number, dataOffset: number, known: KnownEntryNames = {}): Entry {
  const sparse = isSparse(f)
  const entry: Entry = {
    path: known.path ?? nameFromBytes(f.path),
    type: sparse ? 'file' : entryTypeOf(f.typeflag, f.path),
    typeflag: f.typeflag,
    mode: f.mode,
    uid: f.uid,
    gid: f.gid,
    mtime: f.mtime,
    size: f.sparseSize ?? f.size,
    headerOffset,
    dataOffset,
    dataSize: f.size,
    style: f.style
  }
  if (f.uname.length > 0) entry.uname = known.uname ?? nameFromBytes(f.uname)
  if (f.gname.length > 0) entry.gname = known.gname ?? nameFromBytes(f.gname)
  if (f.mtimeNanos !== 0) entry.mtimeNanos = f.mtimeNanos
  if (f.typeflag === TYPE_LINK || f.typeflag === TYPE_SYMLINK) entry.linkTarget = nameFromBytes(f.linkTarget)
  if (f.typeflag === TYPE_CHAR || f.typeflag === TYPE_BLOCK) {
    entry.devMajor = f.devMajor
    entry.devMinor = f.devMinor
  }
  if (f.paxRecords !== undefined) {
    const own = entry.type !== 'pax-global'
    const last = new Map<string, Uint8Array>()
    for (const [key, value] of f.paxRecords) {
      if (own && (key === 'path' || key === 'linkpath')) continue
      last.delete(key)
      last.set(key, value ?? derivedPaxValue(key, f) ?? new Uint8Array(0))
    }
    if (last.size > 0) entry.pax = Object.fromEntries([...last].map(([key, value]) => [key, nameFromBytes(value)]))
  }
  if (f.headerPatch !== undefined) entry.header = 'patched'
  if (f.headerBytes !== undefined) entry.header = 'verbatim'
  if (f.content !== undefined) entry.content = f.content
  if (f.excluded !== undefined) entry.excluded = f.excluded
  return entry
}
