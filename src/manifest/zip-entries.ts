/**
 * A zip's entry records as readers see them (§18.2): each record decoded into its fields, and the
 * `ZipEntry` view derived from them (type, mode, mtime, absolute offsets), as the reader of the archive
 * derives them from the headers.
 */
import { entryType } from '../archive/zip/central.js'
import { FLAG_ENCRYPTED, HOST_UNIX, METHOD_AES } from '../archive/zip/constants.js'
import { dosToUnixSeconds, extraMtime, parseExtraFields } from '../archive/zip/extra.js'
import { localHeaderLength, ZipEntryRecordDecoder, type ZipEntryFields } from '../codec/zip-entry-record.js'
import type { ZipEntry, ZipEntryRecord } from '../schema/types.js'
import { nameFromBytes } from './names.js'

/** A decoded zip entry: its fields (offsets as written) and its view (offsets in the file). */
export interface ZipEntryItem {
  fields: ZipEntryFields
  entry: ZipEntry
}

/** Decodes a zip's records in central directory order. `shift` is the manifest's `zip.shift`. */
export class ZipEntryReader {
  readonly #decoder = new ZipEntryRecordDecoder()
  readonly #shift: number

  constructor (shift = 0) { this.#shift = shift }

  read (record: ZipEntryRecord): ZipEntryItem {
    const fields = this.#decoder.decode(record)
    return { fields, entry: zipEntryView(fields, this.#shift) }
  }
}

/** The Unix mode in an entry's external attributes, when made on Unix (as the zip reader takes it). */
function unixModeOf (f: ZipEntryFields): number | undefined {
  const ea = f.externalAttributes
  return f.versionMadeBy >>> 8 === HOST_UNIX && ea >>> 16 !== 0 ? ea >>> 16 : undefined
}

/** What an entry is, from its fields (as the zip reader decides it from the headers). */
export function zipEntryType (f: ZipEntryFields): ZipEntry['type'] {
  return entryType(f.path, unixModeOf(f), f.externalAttributes)
}

/** The reader's view of an entry, derived from its fields (as readZipLayout derives it from the headers). */
export function zipEntryView (f: ZipEntryFields, shift: number): ZipEntry {
  const unixMode = unixModeOf(f)
  const localHeaderOffset = f.localHeaderOffset + shift
  const entry: ZipEntry = {
    path: nameFromBytes(f.path),
    type: entryType(f.path, unixMode, f.externalAttributes),
    method: f.method,
    flags: f.flags,
    crc32: f.crc32,
    compressedSize: f.compressedSize,
    size: f.uncompressedSize,
    localHeaderOffset,
    dataOffset: localHeaderOffset + localHeaderLength(f)
  }
  if (unixMode !== undefined) entry.mode = unixMode
  const mtime = extraMtime([parseExtraFields(f.centralExtra).fields, parseExtraFields(f.localExtra).fields]) ?? dosToUnixSeconds(f.dosDate, f.dosTime)
  if (mtime !== undefined) entry.mtime = mtime
  if (f.content !== undefined) entry.content = f.content
  if (f.recipe !== undefined) entry.recipe = f.recipe
  if ((f.flags & FLAG_ENCRYPTED) !== 0 || f.method === METHOD_AES) entry.encrypted = true
  if (f.excluded !== undefined) entry.excluded = f.excluded
  if (f.localPatch !== undefined) entry.localHeader = 'patched'
  if (f.localBytes !== undefined) entry.localHeader = 'verbatim'
  if (f.centralPatch !== undefined) entry.centralHeader = 'patched'
  if (f.centralBytes !== undefined) entry.centralHeader = 'verbatim'
  return entry
}
