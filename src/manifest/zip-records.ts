/**
 * At creation: a zip entry's record fields from what the reader found, and the exceptions that make the
 * regenerated headers and end records equal to the original bytes (§18.3). Regeneration is never
 * trusted: every header is compared with the archive's bytes, and what differs is kept as a patch or
 * verbatim.
 */
import { u16 } from '../archive/zip/bytes.js'
import type { ZipEntry as RawZipEntry, ZipLayout } from '../archive/zip/types.js'
import { centralHeaderBytes, endRecordsBytes, extraBytes, localHeaderBytes, type ZipRecordFields } from '../archive/zip/write.js'
import { exceptionFor, type PatchRun } from '../codec/byte-patch.js'
import type { ZipEntryFields } from '../codec/zip-entry-record.js'
import type { PatchRun as PatchRunField, Zip } from '../schema/types.js'

/** The header fields of an entry as the reader found them (offsets as written: file offsets minus `shift`). */
export function recordFieldsOf (raw: RawZipEntry, shift: number): ZipRecordFields {
  const f: ZipRecordFields = {
    path: raw.path,
    versionMadeBy: raw.versionMadeBy,
    versionNeeded: raw.versionNeeded,
    flags: raw.flags,
    method: raw.method,
    dosTime: raw.dosTime,
    dosDate: raw.dosDate,
    crc32: raw.crc32,
    compressedSize: raw.compressedSize,
    uncompressedSize: raw.uncompressedSize,
    internalAttributes: raw.internalAttributes,
    externalAttributes: raw.externalAttributes,
    // The reader keeps no disk number (it rejects archives on several disks): 0, and a patch otherwise.
    diskStart: 0,
    localHeaderOffset: raw.localHeaderOffset - shift,
    localExtra: extraBytes(raw.localExtraFields, raw.localExtraTail),
    centralExtra: extraBytes(raw.extraFields, raw.extraTail),
    comment: raw.comment
  }
  const d = raw.dataDescriptor
  if (d !== undefined) f.descriptor = { signed: d.signed, wide: d.length - (d.signed ? 4 : 0) === 20 }
  return f
}

/** The local header's exception (§18.3): regenerated from `f` and compared with the original bytes. */
export function localHeaderException (f: ZipRecordFields, local: Uint8Array): Pick<ZipEntryFields, 'localPatch' | 'localBytes'> {
  const l = exceptionFor(localHeaderBytes(f), local)
  if (l === undefined) return {}
  return 'patch' in l ? { localPatch: runs(l.patch) } : { localBytes: l.bytes }
}

/** The central header's exception (§18.3): regenerated from `f` and compared with the original bytes. */
export function centralHeaderException (f: ZipRecordFields, central: Uint8Array): Pick<ZipEntryFields, 'centralPatch' | 'centralBytes'> {
  const c = exceptionFor(centralHeaderBytes(f), central)
  if (c === undefined) return {}
  return 'patch' in c ? { centralPatch: runs(c.patch) } : { centralBytes: c.bytes }
}

/** The length of an entry's central header (its raw fields as read). */
export function centralHeaderLength (f: ZipRecordFields): number {
  return 46 + f.path.length + f.centralExtra.length + f.comment.length
}

/**
 * The zip-level fields that regenerate the end records, and their exception: `end` holds the original
 * end records' bytes, concatenated in file order (any gap between them is a span, kept apart).
 */
export function endFields (layout: ZipLayout, end: Uint8Array, entryCount: number): Pick<Zip, 'comment' | 'zip64' | 'endPatch' | 'endBytes'> {
  const shift = layout.offsetShift
  const out: Pick<Zip, 'comment' | 'zip64' | 'endPatch' | 'endBytes'> = {}
  if (layout.comment.length > 0) out.comment = layout.comment
  const z = layout.endOfCentralDirectory.zip64
  // The zip64 end record starts the end bytes: its version fields are at 12 and 14.
  if (z !== undefined) out.zip64 = { versionMadeBy: u16(end, 12), versionNeeded: u16(end, 14) }
  const fields = { entryCount, cdSize: layout.centralDirectory.size, cdOffset: layout.centralDirectory.offset - shift, comment: layout.comment }
  const regenerated = endRecordsBytes(out.zip64 === undefined || z === undefined ? fields : { ...fields, zip64: { ...out.zip64, recordOffset: z.recordOffset - shift } })
  const pieces = [regenerated.zip64Record, regenerated.locator, regenerated.eocd].filter((p): p is Uint8Array => p !== undefined)
  const whole = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of pieces) { whole.set(p, at); at += p.length }
  const e = exceptionFor(whole, end)
  if (e !== undefined) {
    if ('patch' in e) out.endPatch = runs(e.patch)
    else out.endBytes = e.bytes
  }
  return out
}

/** A patch in the manifest's (mutable) shape. */
function runs (patch: readonly PatchRun[]): PatchRunField[] {
  return patch.map(([offset, bytes]) => [offset, bytes])
}
