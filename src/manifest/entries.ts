/**
 * Entry lists as readers see them: a tar's records decoded into entries with their offsets and header
 * bytes (§7.2, §8).
 */
import { BLOCK_SIZE, TYPE_BLOCK, TYPE_CHAR, TYPE_LINK, TYPE_SYMLINK } from '../archive/tar/constants.js'
import { entryTypeOf } from '../archive/tar/entry-type.js'
import { derivedPaxValue } from '../archive/tar/style/index.js'
import { EntryRecordDecoder, type EntryFields } from '../codec/entry-record.js'
import { InvalidManifestError } from '../errors.js'
import type { Entry, EntryRecord } from '../schema/types.js'
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
  #offset = 0

  /** The offset after the last entry read (and its padding): where the end-of-archive bytes begin. */
  get offset (): number { return this.#offset }

  read (record: EntryRecord): TarEntry {
    const fields = this.#decoder.decode(record)
    const header = headerBytesOf(fields)
    const { entry, paddingSize } = this.#place(fields, header.length)
    return { fields, header, entry, paddingSize }
  }

  /** The entry alone: its header bytes are measured, not kept (what listing entries needs). */
  readEntry (record: EntryRecord): Entry {
    const fields = this.#decoder.decode(record)
    return this.#place(fields, headerLengthOf(fields)).entry
  }

  /** The entry alone, its header known to be `headerLength` bytes (a description measured them as it read them). */
  readEntryOfHeaderLength (record: EntryRecord, headerLength: number): Entry {
    return this.#place(this.#decoder.decode(record), headerLength).entry
  }

  #place (fields: EntryFields, headerLength: number): { entry: Entry, paddingSize: number } {
    const headerOffset = this.#offset
    const dataOffset = headerOffset + headerLength
    const r = fields.size % BLOCK_SIZE
    const paddingSize = r === 0 ? 0 : BLOCK_SIZE - r
    if (fields.padding !== undefined && fields.padding.length !== paddingSize) {
      throw new InvalidManifestError(`entry record keeps ${fields.padding.length} padding bytes where its data needs ${paddingSize}`, { offset: headerOffset })
    }
    this.#offset = dataOffset + fields.size + paddingSize
    return { entry: entryOf(fields, headerOffset, dataOffset), paddingSize }
  }
}

/** A GNU sparse member ('S' typeflag, or PAX GNU.sparse.* records): its data is not its content. */
export function isSparse (f: EntryFields): boolean {
  return f.typeflag === 0x53 || (f.paxRecords?.some(([key]) => key.startsWith('GNU.sparse.')) ?? false)
}

/** The reader's view of an entry, derived from its fields. */
export function entryOf (f: EntryFields, headerOffset: number, dataOffset: number): Entry {
  const sparse = isSparse(f)
  const entry: Entry = {
    path: nameFromBytes(f.path),
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
  if (f.uname.length > 0) entry.uname = nameFromBytes(f.uname)
  if (f.gname.length > 0) entry.gname = nameFromBytes(f.gname)
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
