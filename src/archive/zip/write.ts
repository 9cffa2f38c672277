/**
 * Zip records regenerated from an entry's fields (docs/spec.md §18.3): the local header, the central
 * directory header, the data descriptor, and the end records. The rules are what Info-ZIP, Python's
 * zipfile and the JDK write; bytes they do not reproduce are kept by the caller as a patch or verbatim,
 * after comparing with the original bytes (a record is never written unchecked).
 */

import { u32 } from './bytes.js'
import {
  CENTRAL_HEADER_SIZE, EOCD_SIZE, EXTRA_EXTENDED_TIMESTAMP, EXTRA_ZIP64, FLAG_DATA_DESCRIPTOR,
  LOCAL_HEADER_SIZE, SIG_CENTRAL_HEADER, SIG_DATA_DESCRIPTOR, SIG_EOCD, SIG_LOCAL_HEADER, SIG_ZIP64_EOCD, SIG_ZIP64_LOCATOR,
  U16_MAX, U32_MAX, ZIP64_EOCD_MIN_SIZE, ZIP64_LOCATOR_SIZE
} from './constants.js'
import { parseExtraFields } from './extra.js'
import type { ExtraField } from './types.js'

/** Everything the local and central headers of one entry hold. Offsets are as written (before any shift). */
export interface ZipRecordFields {
  path: Uint8Array
  versionMadeBy: number
  versionNeeded: number
  flags: number
  method: number
  dosTime: number
  dosDate: number
  crc32: number
  compressedSize: number
  uncompressedSize: number
  internalAttributes: number
  externalAttributes: number
  diskStart: number
  /** The local header offset as the central header records it (file offset minus the archive's shift). */
  localHeaderOffset: number
  /** The extra blocks, raw (well-formed fields and any tail). */
  localExtra: Uint8Array
  centralExtra: Uint8Array
  comment: Uint8Array
  /** Present exactly when flag bit 3 is set. */
  descriptor?: DescriptorForm
}

/** A data descriptor's form: with the optional signature or not, 4- or 8-byte sizes. */
export interface DescriptorForm {
  signed: boolean
  wide: boolean
}

/** The data descriptor form a writer uses unless told otherwise: signed, wide when the local extra has a zip64 field. */
export function defaultDescriptor (localExtra: Uint8Array): DescriptorForm {
  return { signed: true, wide: hasExtra(localExtra, EXTRA_ZIP64) }
}

/** The descriptor form as one small integer (schema `dd`): bit 0 unsigned, bit 1 wide. */
export function descriptorCode (form: DescriptorForm): number {
  return (form.signed ? 0 : 1) | (form.wide ? 2 : 0)
}

export function descriptorForm (code: number): DescriptorForm {
  return { signed: (code & 1) === 0, wide: (code & 2) !== 0 }
}

/**
 * The local file header (APPNOTE 4.3.7). With flag bit 3 the CRC and sizes are written as zero (the
 * descriptor has them); a 32-bit size is all ones when the local zip64 field holds it (zip64Walk).
 */
export function localHeaderBytes (f: ZipRecordFields): Uint8Array {
  const streamed = (f.flags & FLAG_DATA_DESCRIPTOR) !== 0
  const [usize, csize] = zip64Walk(f.localExtra, streamed ? [0, 0] : [f.uncompressedSize, f.compressedSize])
  const out = new Uint8Array(LOCAL_HEADER_SIZE + f.path.length + f.localExtra.length)
  const w = new Writer(out)
  w.u32(SIG_LOCAL_HEADER).u16(f.versionNeeded).u16(f.flags).u16(f.method).u16(f.dosTime).u16(f.dosDate)
    .u32(streamed ? 0 : f.crc32).u32(csize as number).u32(usize as number).u16(f.path.length).u16(f.localExtra.length)
    .bytes(f.path).bytes(f.localExtra)
  return out
}

/** The central directory file header (APPNOTE 4.3.12). */
export function centralHeaderBytes (f: ZipRecordFields): Uint8Array {
  const [usize, csize, offset] = zip64Walk(f.centralExtra, [f.uncompressedSize, f.compressedSize, f.localHeaderOffset])
  const out = new Uint8Array(CENTRAL_HEADER_SIZE + f.path.length + f.centralExtra.length + f.comment.length)
  new Writer(out).u32(SIG_CENTRAL_HEADER).u16(f.versionMadeBy).u16(f.versionNeeded).u16(f.flags).u16(f.method)
    .u16(f.dosTime).u16(f.dosDate).u32(f.crc32).u32(csize as number).u32(usize as number)
    .u16(f.path.length).u16(f.centralExtra.length).u16(f.comment.length).u16(f.diskStart)
    .u16(f.internalAttributes).u32(f.externalAttributes).u32(offset as number)
    .bytes(f.path).bytes(f.centralExtra).bytes(f.comment)
  return out
}

/** The data descriptor (APPNOTE 4.3.9) in its form. */
export function descriptorBytes (f: ZipRecordFields, form: DescriptorForm): Uint8Array {
  const out = new Uint8Array((form.signed ? 4 : 0) + 4 + (form.wide ? 16 : 8))
  const w = new Writer(out)
  if (form.signed) w.u32(SIG_DATA_DESCRIPTOR)
  w.u32(f.crc32)
  if (form.wide) w.u64(f.compressedSize).u64(f.uncompressedSize)
  else w.u32(f.compressedSize).u32(f.uncompressedSize)
  return out
}

/**
 * The central extra block a writer derives from the local one (Info-ZIP 3.0's habit, §18.3): the extended
 * timestamp keeps its flags and mtime only, a zip64 field is dropped (the central one holds other
 * values), every other field is copied (the Unix field 0x7875 too), a malformed tail dropped.
 */
export function derivedCentralExtra (localExtra: Uint8Array): Uint8Array {
  const out: ExtraField[] = []
  for (const field of parseExtraFields(localExtra).fields) {
    if (field.id === EXTRA_ZIP64) continue
    if (field.id === EXTRA_EXTENDED_TIMESTAMP) {
      const flags = field.data[0] ?? 0
      out.push({ id: field.id, data: field.data.subarray(0, (flags & 1) === 1 ? 5 : Math.min(1, field.data.length)) })
    } else {
      out.push(field)
    }
  }
  return extraBytes(out)
}

/** Extra fields as bytes, in order. */
export function extraBytes (fields: readonly ExtraField[], tail?: Uint8Array): Uint8Array {
  let length = tail?.length ?? 0
  for (const f of fields) length += 4 + f.data.length
  const out = new Uint8Array(length)
  const w = new Writer(out)
  for (const f of fields) w.u16(f.id).u16(f.data.length).bytes(f.data)
  if (tail !== undefined) w.bytes(tail)
  return out
}

/** What the end records hold (offsets as written). */
export interface EndFields {
  entryCount: number
  cdSize: number
  cdOffset: number
  comment: Uint8Array
  /** With zip64 end records: their version fields and where the zip64 end record is (as written). */
  zip64?: { versionMadeBy: number, versionNeeded: number, recordOffset: number }
}

/**
 * The end records (APPNOTE 4.3.14-4.3.16): the zip64 end record and its locator when there are any, and
 * the end of central directory record. With zip64 the EOCD's fields are the values capped at all ones
 * (Python's rule); without, the entry count is taken modulo 2^16 (old writers' truncation).
 */
export function endRecordsBytes (e: EndFields): { zip64Record?: Uint8Array, locator?: Uint8Array, eocd: Uint8Array } {
  const eocd = new Uint8Array(EOCD_SIZE + e.comment.length)
  const z = e.zip64
  const count = z === undefined ? e.entryCount % 0x10000 : Math.min(e.entryCount, U16_MAX)
  new Writer(eocd).u32(SIG_EOCD).u16(0).u16(0).u16(count).u16(count)
    .u32(z === undefined ? e.cdSize : Math.min(e.cdSize, U32_MAX)).u32(z === undefined ? e.cdOffset : Math.min(e.cdOffset, U32_MAX))
    .u16(e.comment.length).bytes(e.comment)
  if (z === undefined) return { eocd }
  const zip64Record = new Uint8Array(ZIP64_EOCD_MIN_SIZE)
  new Writer(zip64Record).u32(SIG_ZIP64_EOCD).u64(ZIP64_EOCD_MIN_SIZE - 12).u16(z.versionMadeBy).u16(z.versionNeeded)
    .u32(0).u32(0).u64(e.entryCount).u64(e.entryCount).u64(e.cdSize).u64(e.cdOffset)
  const locator = new Uint8Array(ZIP64_LOCATOR_SIZE)
  new Writer(locator).u32(SIG_ZIP64_LOCATOR).u32(0).u64(z.recordOffset).u32(1)
  return { zip64Record, locator, eocd }
}

/**
 * The 32-bit values of a header, in APPNOTE 4.5.3 order (uncompressed size, compressed size, local header
 * offset), with those the zip64 field holds replaced by all ones. The field holds a value when its next
 * 8 bytes equal it: a deterministic reading of which values a writer moved there.
 */
function zip64Walk (extra: Uint8Array, values: number[]): number[] {
  const z = parseExtraFields(extra).fields.find(f => f.id === EXTRA_ZIP64)
  let at = 0
  return values.map(v => {
    if (z !== undefined && at + 8 <= z.data.length && u32(z.data, at) + u32(z.data, at + 4) * 0x100000000 === v) {
      at += 8
      return U32_MAX
    }
    return v % 0x100000000
  })
}

function hasExtra (extra: Uint8Array, id: number): boolean {
  return parseExtraFields(extra).fields.some(f => f.id === id)
}

/** Little-endian field writer over a buffer of the exact size. */
class Writer {
  #at = 0
  constructor (readonly out: Uint8Array) {}
  u16 (v: number): this { this.out[this.#at++] = v & 0xff; this.out[this.#at++] = (v >>> 8) & 0xff; return this }
  u32 (v: number): this { this.u16(v & 0xffff); return this.u16((v >>> 16) & 0xffff) }
  u64 (v: number): this { this.u32(v % 0x100000000); return this.u32(Math.floor(v / 0x100000000)) }
  bytes (b: Uint8Array): this { this.out.set(b, this.#at); this.#at += b.length; return this }
}
