/**
 * Helpers for the zip reader tests: the layout invariants every archive must satisfy (segments tile the
 * file, data CRCs match), Python's zipfile as an oracle, and a tiny hand-rolled writer for crafted archives.
 */
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { expect } from 'vitest'
import { inflateSync } from 'fflate'
import { bytesSource, readZipLayout, type ZipLayout, type ZipReadOptions } from '../../../src/archive/zip/index.js'

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** Reads `bytes` and checks every invariant of the layout against the bytes themselves. */
export async function readChecked (bytes: Uint8Array, options?: ZipReadOptions): Promise<ZipLayout> {
  const layout = await readZipLayout(bytesSource(bytes), options)
  checkLayout(bytes, layout)
  return layout
}

export function checkLayout (bytes: Uint8Array, layout: ZipLayout): void {
  // Segments tile [0, size): sorted, contiguous, non-empty.
  let pos = 0
  for (const s of layout.segments) {
    assert(s.offset === pos && s.length > 0, `segment at ${s.offset} (${s.kind}): expected offset ${pos} and a positive length`)
    pos += s.length
  }
  expect(pos).toBe(bytes.length)
  const kinds = layout.segments.map(s => s.kind)
  if (layout.prefixLength > 0) expect(layout.segments[0]).toMatchObject({ kind: 'prefix', offset: 0, length: layout.prefixLength })
  else expect(kinds).not.toContain('prefix')
  expect(kinds.filter(k => k === 'trailing').length).toBeLessThanOrEqual(1)
  if (kinds.includes('trailing')) expect(kinds[kinds.length - 1]).toBe('trailing')
  const eocd = layout.endOfCentralDirectory
  expect(Buffer.from(bytes.subarray(eocd.offset, eocd.offset + 4)).toString('latin1')).toBe('PK\x05\x06')
  expect(hex(bytes.subarray(eocd.offset + 22, eocd.offset + eocd.length))).toBe(hex(layout.comment))
  if (layout.centralDirectory.size > 0) {
    expect(layout.segments).toContainEqual({ offset: layout.centralDirectory.offset, length: layout.centralDirectory.size, kind: 'central-directory' })
  }

  // Rebuild the file from the non-data segments plus each entry's data range, as a caller would.
  const rebuilt: Uint8Array[] = []
  for (const s of layout.segments) {
    if (s.kind === 'data') {
      const e = layout.entries[s.entry!]!
      assert(s.offset === e.dataOffset && s.length === e.compressedSize, `data segment of entry ${e.index}`)
      rebuilt.push(bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize))
    } else {
      rebuilt.push(bytes.subarray(s.offset, s.offset + s.length))
    }
  }
  expect(Buffer.concat(rebuilt).equals(Buffer.from(bytes))).toBe(true)

  const byEntry = new Map<number, typeof layout.segments>()
  for (const s of layout.segments) {
    if (s.entry === undefined) continue
    const list = byEntry.get(s.entry) ?? []
    list.push(s)
    byEntry.set(s.entry, list)
  }
  // Per-entry checks use a plain assert: expect() costs too much per call for archives of 70 000 entries.
  const sig = (at: number, text: string): boolean => Buffer.from(bytes.subarray(at, at + 4)).toString('latin1') === text
  for (const [i, e] of layout.entries.entries()) {
    const where = `entry ${i} (${Buffer.from(e.path).toString()})`
    assert(e.index === i, `${where}: index`)
    const mine = byEntry.get(i) ?? []
    const head = mine[0]
    assert(head !== undefined && head.kind === 'local-header' && head.offset === e.localHeaderOffset && head.length === e.dataOffset - e.localHeaderOffset, `${where}: local-header segment`)
    assert(mine.filter(s => s.kind === 'data').length === (e.compressedSize > 0 ? 1 : 0), `${where}: data segment`)
    assert(sig(e.localHeaderOffset, 'PK\x03\x04'), `${where}: local header signature`)
    // The local header's name bytes are the central ones, unless a Unicode Path field gives the name.
    const u16At = (at: number): number => bytes[at]! | (bytes[at + 1]! << 8)
    const nameLength = u16At(e.localHeaderOffset + 26)
    const sameName = hex(bytes.subarray(e.localHeaderOffset + 30, e.localHeaderOffset + 30 + nameLength)) === hex(e.path)
    assert(sameName || [...e.extraFields, ...e.localExtraFields].some(f => f.id === 0x7075), `${where}: local name`)
    // The local header's bit 3 says whether a descriptor follows (the central one may differ).
    const localFlags = u16At(e.localHeaderOffset + 6)
    const descriptors = mine.filter(s => s.kind === 'data-descriptor')
    if (e.dataDescriptor !== undefined) {
      const d = e.dataDescriptor
      assert((localFlags & 8) === 8, `${where}: descriptor without bit 3`)
      assert(descriptors.length === 1 && descriptors[0]!.offset === d.offset && descriptors[0]!.length === d.length, `${where}: descriptor segment`)
      assert(d.offset === e.dataOffset + e.compressedSize, `${where}: descriptor follows the data`)
      if (d.signed) assert(sig(d.offset, 'PK\x07\x08'), `${where}: descriptor signature`)
      assert([12, 16, 20, 24].includes(d.length), `${where}: descriptor length`)
    } else {
      assert((localFlags & 8) === 0 && descriptors.length === 0, `${where}: bit 3 without descriptor`)
    }
    checkData(bytes, e)
  }
}

function assert (condition: boolean, message: string): asserts condition {
  if (!condition) expect.fail(message)
}

/** The data bytes really are the entry: CRC-32 and size after inflating (stored, deflate); magic otherwise. */
export function checkData (bytes: Uint8Array, e: ZipLayout['entries'][number]): void {
  if (e.encrypted) return
  const data = bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize)
  let plain: Uint8Array | undefined
  if (e.method === 0) plain = data
  else if (e.method === 8) plain = inflateSync(data)
  else if (e.method === 12) expect(Buffer.from(data.subarray(0, 3)).toString('latin1')).toBe('BZh')
  else if (e.method === 14) expect([data[2], data[3]]).toEqual([5, 0]) // LZMA properties size (APPNOTE 5.8.8)
  if (plain !== undefined) {
    assert(plain.length === e.uncompressedSize, `entry ${e.index}: inflated size ${plain.length}, expected ${e.uncompressedSize}`)
    assert((crc32(plain) >>> 0) === e.crc32, `entry ${e.index}: CRC-32 of the data`)
  }
}

/** What Python's zipfile sees. */
export interface PyInfo {
  name: string // hex of the raw name bytes
  compress_type: number
  CRC: number
  compress_size: number
  file_size: number
  header_offset: number
  external_attr: number
  internal_attr: number
  create_system: number
  create_version: number
  extract_version: number
  flag_bits: number
  date_time: number[]
  extra: string
  comment: string
  is_dir: boolean
}

const PY_ORACLE = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    out = []
    for i in z.infolist():
        raw = i.orig_filename.encode('utf-8' if i.flag_bits & 0x800 else 'cp437')
        out.append(dict(name=raw.hex(), compress_type=i.compress_type, CRC=i.CRC, compress_size=i.compress_size,
            file_size=i.file_size, header_offset=i.header_offset, external_attr=i.external_attr,
            internal_attr=i.internal_attr, create_system=i.create_system, create_version=i.create_version,
            extract_version=i.extract_version, flag_bits=i.flag_bits, date_time=list(i.date_time),
            extra=i.extra.hex(), comment=i.comment.hex(), is_dir=i.is_dir()))
    print(json.dumps(dict(comment=z.comment.hex(), entries=out)))
`

export function pythonInfo (path: string): { comment: string, entries: PyInfo[] } {
  return JSON.parse(execFileSync('python3', ['-c', PY_ORACLE, path], { maxBuffer: 256 * 1024 * 1024 }).toString())
}

/** Every field Python reports agrees with the layout. */
export function compareWithPython (layout: ZipLayout, py: { comment: string, entries: PyInfo[] }): void {
  expect(hex(layout.comment)).toBe(py.comment)
  expect(layout.entries.length).toBe(py.entries.length)
  for (const [i, e] of layout.entries.entries()) {
    const p = py.entries[i]!
    const extra = Buffer.concat([
      ...e.extraFields.map(f => { const h = Buffer.alloc(4); h.writeUInt16LE(f.id, 0); h.writeUInt16LE(f.data.length, 2); return Buffer.concat([h, f.data]) }),
      e.extraTail ?? new Uint8Array(0)
    ])
    const dosDate = e.dosDate
    const dosTime = e.dosTime
    expect({
      name: hex(e.path),
      compress_type: e.method,
      CRC: e.crc32,
      compress_size: e.compressedSize,
      file_size: e.uncompressedSize,
      header_offset: e.localHeaderOffset,
      external_attr: e.externalAttributes,
      internal_attr: e.internalAttributes,
      create_system: e.versionMadeBy >> 8,
      create_version: e.versionMadeBy & 0xff,
      extract_version: e.versionNeeded & 0xff,
      flag_bits: e.flags,
      date_time: [(dosDate >> 9) + 1980, (dosDate >> 5) & 15, dosDate & 31, dosTime >> 11, (dosTime >> 5) & 63, (dosTime & 31) * 2],
      extra: hex(extra),
      comment: hex(e.comment),
      // Python: a name ending in '/' (it ignores attributes); ours may also say so from the mode.
      is_dir: e.path[e.path.length - 1] === 0x2f
    }, `entry ${i}`).toEqual(p)
    if (p.is_dir) expect(e.type).toBe('directory')
  }
}

/** `zipinfo -v`: per entry, the local header offset and whether it has an "extended local header" (descriptor). */
export function zipinfoEntries (path: string): Array<{ offset: number, descriptor: boolean, unixMode?: string }> {
  const text = execFileSync('zipinfo', ['-v', path], { maxBuffer: 64 * 1024 * 1024 }).toString('latin1')
  const blocks = text.split(/^Central directory entry #\d+:$/m).slice(1)
  return blocks.map(b => {
    const offset = Number(/offset of local header from start of archive:\s+(\d+)/.exec(b)?.[1])
    const descriptor = /extended local header:\s+yes/.exec(b) !== null
    const mode = /Unix file attributes \((\d+) octal\)/.exec(b)?.[1]
    return mode === undefined ? { offset, descriptor } : { offset, descriptor, unixMode: mode }
  })
}

export function run (cmd: string, args: string[], opts: { cwd?: string, input?: Uint8Array | string } = {}): Buffer {
  // TZ=UTC: writers store DOS times in local time, and the tests read them back as UTC.
  return execFileSync(cmd, args, { ...opts, env: { ...process.env, TZ: 'UTC' }, maxBuffer: 256 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] })
}

/** Go's archive/zip test archives, from the Go installation (golang-go is a test peer: test/setup/ensure-peers.sh). */
export function goZipTestdata (): string {
  return join(execFileSync('go', ['env', 'GOROOT']).toString().trim(), 'src/archive/zip/testdata')
}

export function hasTool (cmd: string): boolean {
  try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }); return true } catch { return false }
}

// --- A minimal writer for crafted archives (stored entries only) ---

export interface CraftEntry {
  /** The name in both headers (a string is written as UTF-8). */
  name: string | Uint8Array
  data: Uint8Array
  /** Fields of the local header to override (after the correct values are computed). */
  local?: { name?: string | Uint8Array, method?: number, flags?: number, crc?: number, csize?: number, usize?: number, extra?: Uint8Array }
  central?: { method?: number, flags?: number, crc?: number, csize?: number, usize?: number, offset?: number, extra?: Uint8Array }
}

/** One extra field: its id, length and data. */
export function extraField (id: number, data: Uint8Array): Uint8Array {
  const h = Buffer.alloc(4)
  h.writeUInt16LE(id, 0); h.writeUInt16LE(data.length, 2)
  return new Uint8Array(Buffer.concat([h, data]))
}

export interface Crafted { bytes: Uint8Array, cdOffset: number, cdSize: number, eocdOffset: number, offsets: number[] }

/** Stored entries, a central directory and an EOCD; overrides let tests break exactly one thing. */
export function craftZip (entries: CraftEntry[], eocd: { count?: number, cdSize?: number, cdOffset?: number, comment?: Uint8Array } = {}): Crafted {
  const parts: Buffer[] = []
  let pos = 0
  const offsets: number[] = []
  for (const e of entries) {
    const crc = crc32(e.data) >>> 0
    offsets.push(pos)
    const lname = Buffer.from(e.local?.name ?? e.name)
    const lextra = Buffer.from(e.local?.extra ?? new Uint8Array(0))
    const h = Buffer.alloc(30)
    h.writeUInt32LE(0x04034b50, 0); h.writeUInt16LE(10, 4); h.writeUInt16LE(e.local?.flags ?? 0, 6)
    h.writeUInt16LE(e.local?.method ?? 0, 8); h.writeUInt16LE(0, 10); h.writeUInt16LE(0x5921, 12)
    h.writeUInt32LE(e.local?.crc ?? crc, 14); h.writeUInt32LE(e.local?.csize ?? e.data.length, 18)
    h.writeUInt32LE(e.local?.usize ?? e.data.length, 22); h.writeUInt16LE(lname.length, 26); h.writeUInt16LE(lextra.length, 28)
    parts.push(h, lname, lextra, Buffer.from(e.data))
    pos += 30 + lname.length + lextra.length + e.data.length
  }
  const cdOffset = pos
  for (const [i, e] of entries.entries()) {
    const name = Buffer.from(e.name)
    const cextra = Buffer.from(e.central?.extra ?? new Uint8Array(0))
    const c = Buffer.alloc(46)
    c.writeUInt32LE(0x02014b50, 0); c.writeUInt16LE(0x031e, 4); c.writeUInt16LE(10, 6)
    c.writeUInt16LE(e.central?.flags ?? 0, 8); c.writeUInt16LE(e.central?.method ?? 0, 10)
    c.writeUInt16LE(0, 12); c.writeUInt16LE(0x5921, 14); c.writeUInt32LE(e.central?.crc ?? (crc32(e.data) >>> 0), 16)
    c.writeUInt32LE(e.central?.csize ?? e.data.length, 20); c.writeUInt32LE(e.central?.usize ?? e.data.length, 24)
    c.writeUInt16LE(name.length, 28); c.writeUInt16LE(cextra.length, 30); c.writeUInt32LE((0o100644 << 16) >>> 0, 38)
    c.writeUInt32LE(e.central?.offset ?? offsets[i]!, 42)
    parts.push(c, name, cextra)
    pos += 46 + name.length + cextra.length
  }
  const cdSize = pos - cdOffset
  const comment = Buffer.from(eocd.comment ?? new Uint8Array(0))
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(eocd.count ?? entries.length, 8); end.writeUInt16LE(eocd.count ?? entries.length, 10)
  end.writeUInt32LE(eocd.cdSize ?? cdSize, 12); end.writeUInt32LE(eocd.cdOffset ?? cdOffset, 16)
  end.writeUInt16LE(comment.length, 20)
  parts.push(end, comment)
  return { bytes: new Uint8Array(Buffer.concat(parts)), cdOffset, cdSize, eocdOffset: pos, offsets }
}
