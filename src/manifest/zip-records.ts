/**
 * At creation: the exceptions that make the regenerated headers and end records equal to the original
 * bytes (§18.3). Regeneration is never trusted: every header is compared with the archive's bytes, and
 * what differs is kept as a patch or verbatim. (The fields come from the reader: ZipDirectory.recordFields.)
 */
import { u16 } from '../archive/zip/bytes.js'
import type { ZipLayout } from '../archive/zip/types.js'
import { centralHeaderBytes, endRecordsBytes, localHeaderBytes, type ZipRecordFields } from '../archive/zip/write.js'
import { exceptionFor, type PatchRun } from '../codec/byte-patch.js'
import type { ZipEntryFields } from '../codec/zip-entry-record.js'
import type { PatchRun as PatchRunField, Zip } from '../schema/types.js'

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

/**
 * The zip-level fields that regenerate the end records, and their exception: `end` holds the original
 * end records' bytes, concatenated in file order (any gap between them is a span, kept apart).
 */
export function endFields (layout: Pick<ZipLayout, 'comment' | 'endOfCentralDirectory' | 'centralDirectory' | 'offsetShift'>, end: Uint8Array, entryCount: number): Pick<Zip, 'comment' | 'zip64' | 'endPatch' | 'endBytes'> {
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
