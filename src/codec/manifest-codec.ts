/**
 * Encoding and decoding of manifest blocks: dag-cbor (the block format, deterministic) with every block
 * checked against the schema on the way in and on the way out (the dag-json rendering for people: dag-json.ts).
 */
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { blockCid } from '../digest/block-cid.js'
import { InvalidManifestError } from '../errors.js'
import { equalBytes } from '../blocks.js'
import { checkRecipe } from '../compression/recipe/params.js'
import { MAX_BLOCK_BYTES } from '../limits.js'
import { profiles } from '../unixfs/profile.js'
import { MANIFEST_VERSION, type ArchiveFormat, type EntryPage, type EntryRecord, type Manifest, type Tar, type Zip, type ZipEntryPage, type ZipEntryRecord } from '../schema/types.js'
import * as schema from '../schema/validate.generated.js'

/** Spans of a zip up to this many bytes are kept inline (`bytes`), longer ones as a UnixFS file (§18.4). */
export const SPAN_INLINE_MAX = 1024

/** A zip entry's compressed data up to this many bytes is kept inline (`zb`), longer as a UnixFS file (`z`). */
export const INLINE_DATA_MAX = 64

/** The NAR of an empty directory, the smallest tree: the magic (24 bytes), "(" "type" "directory" ")" (72). */
const NAR_MIN_BYTES = 96

export interface EncodedBlock { cid: CID, bytes: Uint8Array }

/** Encodes one zip entry record (pages are concatenations of these: see encodeEntryPage). */
export function encodeZipEntryRecord (record: ZipEntryRecord): Uint8Array {
  if (schema.ZipEntryRecord.toTyped(record) === undefined) throw new InvalidManifestError('zip entry record does not match the schema')
  checkZipRecordValues(record)
  return dagCbor.encode(record)
}

/** Encodes one tar entry record. */
export function encodeEntryRecord (record: EntryRecord): Uint8Array {
  if (schema.EntryRecord.toTyped(record) === undefined) throw new InvalidManifestError('entry record does not match the schema')
  return encodeBuiltEntryRecord(record)
}

/**
 * Encodes a tar entry record that EntryRecordEncoder built: its shape is the schema's by construction
 * (typed fields in, one property per schema field out), so only its values are checked (ranges, no
 * default written out). Records from anywhere else go through encodeEntryRecord.
 */
export function encodeBuiltEntryRecord (record: EntryRecord): Uint8Array {
  checkRecordValues(record)
  return dagCbor.encode(record)
}

/**
 * A page block from already-encoded entries: a CBOR array is its head followed by its items, so the page
 * is assembled without encoding any entry twice.
 */
export async function encodeEntryPage (encodedEntries: Uint8Array[]): Promise<EncodedBlock> {
  const bytes = entryPageBytes(encodedEntries)
  return { cid: await blockCid(bytes, dagCbor.code, 1), bytes }
}

/** An entry page's bytes: the dag-cbor array of the entries' encodings, at most a block. */
export function entryPageBytes (encodedEntries: readonly Uint8Array[]): Uint8Array {
  const head = cborArrayHead(encodedEntries.length)
  let length = head.length
  for (const e of encodedEntries) length += e.length
  if (length > MAX_BLOCK_BYTES) {
    throw new InvalidManifestError(`entry page of ${length} bytes exceeds the ${MAX_BLOCK_BYTES}-byte block limit`, { limit: 'maxBlockBytes' })
  }
  const bytes = new Uint8Array(length)
  bytes.set(head, 0)
  let at = head.length
  for (const e of encodedEntries) { bytes.set(e, at); at += e.length }
  return bytes
}

/** CBOR major type 4 (array) head with the shortest length encoding (RFC 8949 §3, dag-cbor strictness). */
function cborArrayHead (n: number): Uint8Array {
  if (n < 24) return Uint8Array.of(0x80 | n)
  if (n < 0x100) return Uint8Array.of(0x98, n)
  if (n < 0x10000) return Uint8Array.of(0x99, n >> 8, n & 0xff)
  return Uint8Array.of(0x9a, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff)
}

export async function encodeManifest (manifest: Manifest): Promise<EncodedBlock> {
  checkManifest(manifest)
  const bytes = dagCbor.encode(stored(manifest))
  return { cid: await blockCid(bytes, dagCbor.code, 1), bytes }
}

/** Decodes and validates a manifest root block (strict dag-cbor, schema, version, profile). */
export function decodeManifest (bytes: Uint8Array): Manifest {
  const value = decodeStrict(bytes, 'manifest')
  if (schema.Manifest.toTyped(value) === undefined) throw new InvalidManifestError('manifest does not match the schema')
  const m = value as Manifest
  const tar = m.tar as Partial<Tar> | undefined
  if (m.archive.format === 'tar' && tar !== undefined) {
    if (tar.size !== undefined || tar.sha256 !== undefined) throw new InvalidManifestError('a "tar" manifest repeats the archive\'s size or sha256 in tar')
    tar.size = m.archive.size
    tar.sha256 = m.archive.sha256
  }
  checkManifest(m)
  return m
}

/** The root block's form: a plain tar's size and sha256 are the archive's, so they are not repeated. */
function stored (manifest: Manifest): Manifest {
  if (manifest.archive?.format !== 'tar' || manifest.tar === undefined) return manifest
  const { size, sha256, ...tar } = manifest.tar
  return { ...manifest, tar: tar as Tar }
}

/** Decodes an entry page: an EntryPage for tar formats (the default), a ZipEntryPage for "zip". */
export function decodeEntryPage (bytes: Uint8Array): EntryPage
export function decodeEntryPage (bytes: Uint8Array, format: 'zip'): ZipEntryPage
export function decodeEntryPage (bytes: Uint8Array, format: ArchiveFormat): EntryPage | ZipEntryPage
export function decodeEntryPage (bytes: Uint8Array, format: ArchiveFormat = 'tar'): EntryPage | ZipEntryPage {
  const value = decodeStrict(bytes, 'entry page')
  if (format === 'zip') {
    if (schema.ZipEntryPage.toTyped(value) === undefined) throw new InvalidManifestError('zip entry page does not match the schema')
    for (const record of value as ZipEntryPage) checkZipRecordValues(record)
    return value as ZipEntryPage
  }
  if (schema.EntryPage.toTyped(value) === undefined) throw new InvalidManifestError('entry page does not match the schema')
  for (const record of value as EntryPage) checkRecordValues(record)
  return value as EntryPage
}

/** What the schema cannot say about a zip record: ranges, one form per absent value (§18.2). */
function checkZipRecordValues (r: ZipEntryRecord): void {
  const u16s = [r.vm ?? 0, r.vn ?? 0, r.f ?? 0, r.mt ?? 0, r.ia ?? 0, r.dk ?? 1, r.dd ?? 1]
  const u32s = [r.crc ?? 1, r.ea ?? 0]
  const naturals = [r.k ?? 1, r.s ?? 1, r.cs ?? 0, r.o ?? 0]
  if (u16s.some(n => n < 0 || n > 0xffff) || u32s.some(n => n < 0 || n > 0xffffffff) || naturals.some(n => n < 0) ||
      r.k === 0 || r.t === 0 || r.crc === 0 || r.s === 0 || r.dk === 0 || r.cs === (r.s ?? 0) || (r.dd ?? 1) > 3 || r.dd === 0 ||
      (r.zb !== undefined && r.zb.length > INLINE_DATA_MAX) ||
      (r.x !== undefined && r.xp !== undefined) ||
      [r.lp, r.cp, r.xp].some(p => p?.some(([offset, bytes]) => offset < 0 || bytes.length === 0) ?? false)) {
    throw new InvalidManifestError('zip entry record has a value out of range, or a default written out')
  }
  if ([r.p, r.cm].some(bomText)) throw new InvalidManifestError('zip entry record has a text name that begins with U+FEFF (§3.7: such a name is bytes)')
  if (r.r !== undefined) checkRecipe(r.r)
}

/** What the schema cannot say about a record: ranges, shapes of lists, one form per absent value (§7.2). */
function checkRecordValues (r: EntryRecord): void {
  // No list of the values: this runs for every entry a description writes, and the lists were 1.6% of
  // what describing CPython's tar allocated (#16). A field most records lack is looked into when present.
  if ((r.k ?? 1) < 0 || (r.y ?? 0) < 0 || (r.m ?? 0) < 0 || (r.u ?? 0) < 0 || (r.g ?? 0) < 0 || (r.s ?? 1) < 0 || (r.sz ?? 0) < 0 ||
      (r.y ?? 0) > 255 || r.k === 0 || r.s === 0 || r.t === 0 || r.y === 0x30 ||
      (r.dv !== undefined && (r.dv.length !== 2 || r.dv.some(n => n < 0))) || (r.hp !== undefined && r.hb !== undefined) ||
      (r.x?.some(record => record.length < 1 || record.length > 2 || typeof record[0] !== 'string') ?? false) ||
      (r.hp?.some(([offset, bytes]) => offset < 0 || bytes.length === 0) ?? false)) {
    throw new InvalidManifestError('entry record has a value out of range, or a default written out')
  }
  if (bomText(r.p) || bomText(r.un) || bomText(r.gn) || bomText(r.l) || (r.x?.some(record => record.some(bomText)) ?? false)) {
    throw new InvalidManifestError('entry record has a text name that begins with U+FEFF (§3.7: such a name is bytes)')
  }
}

/**
 * Text that begins with U+FEFF: cborg (and any decoder built on a default TextDecoder) drops that character,
 * so such a block would not read back as written. Names take the bytes form instead (§3.7).
 */
function bomText (name: unknown): boolean {
  return typeof name === 'string' && name.startsWith('\uFEFF')
}

function decodeStrict (bytes: Uint8Array, what: string): unknown {
  let value: unknown
  try {
    value = dagCbor.decode(bytes)
  } catch (err) {
    throw new InvalidManifestError(`${what} is not valid dag-cbor: ${(err as Error).message}`, {}, { cause: err })
  }
  // @ipld/dag-cbor's decoder accepts some non-canonical forms; a manifest has exactly one encoding.
  const again = dagCbor.encode(value)
  if (again.length !== bytes.length || again.some((b, i) => b !== bytes[i])) {
    throw new InvalidManifestError(`${what} is not in canonical dag-cbor form`)
  }
  return value
}

function checkManifest (value: unknown): asserts value is Manifest {
  if (schema.Manifest.toTyped(stored(value as Manifest)) === undefined) throw new InvalidManifestError('manifest does not match the schema')
  const m = value as Manifest
  if (m.version !== MANIFEST_VERSION) throw new InvalidManifestError(`manifest version ${m.version} is not supported (this reader knows ${MANIFEST_VERSION})`)
  if (!Object.hasOwn(profiles, m.profile)) throw new InvalidManifestError(`manifest profile ${JSON.stringify(m.profile)} is unknown`)
  if (m.archive.sha256.length !== 32 || m.archive.sha512.length !== 64) {
    throw new InvalidManifestError('manifest digests have the wrong length')
  }
  if (m.archive.size < 0 || m.entryCount < 0) throw new InvalidManifestError('manifest sizes are out of range')
  checkTreeNar(m)
  if (m.archive.format === 'zip') { checkZip(m); return }
  const tar = m.tar
  if (tar === undefined || m.zip !== undefined) throw new InvalidManifestError(`a "${m.archive.format}" manifest has a tar and no zip`)
  if (tar.size === undefined || tar.sha256 === undefined) throw new InvalidManifestError('a compressed tar manifest has no tar size or sha256')
  if (tar.sha256.length !== 32) throw new InvalidManifestError('manifest digests have the wrong length')
  const naturals = [tar.size, tar.endOffset, tar.endZeros]
  if (naturals.some(n => n < 0) || tar.endOffset + tar.endZeros > tar.size) {
    throw new InvalidManifestError('manifest sizes are out of range')
  }
  try { CID.decode(tar.view) } catch { throw new InvalidManifestError('tar.view is not a binary CID') }
  if ((tar.trailing !== undefined) !== (tar.endOffset + tar.endZeros < tar.size)) {
    throw new InvalidManifestError('tar.trailing must be present exactly when bytes follow the end zeros')
  }
  if (m.archive.format === 'tar') checkPlainTar(m, tar)
  else checkCompressed(m, tar)
}

/** NAR hashes: 32-byte digests, sizes of at least an empty tree's, one for the stripped tree only when there is one. */
function checkTreeNar (m: Manifest): void {
  const { nar, strippedNar, stripped } = m.tree
  for (const hash of [nar, strippedNar]) {
    if (hash !== undefined && (hash.sha256.length !== 32 || hash.size < NAR_MIN_BYTES)) throw new InvalidManifestError('a tree NAR hash has the wrong length or size')
  }
  if (strippedNar !== undefined && (stripped === undefined || nar === undefined)) {
    throw new InvalidManifestError('tree.strippedNar needs tree.stripped and tree.nar')
  }
}

/**
 * A zip: no tar, no compression layer, no archive root (a zip is always rebuilt from its entries); spans
 * in order, each inline (at most SPAN_INLINE_MAX bytes) or a file; at most one of endPatch and endBytes.
 */
function checkZip (m: Manifest): void {
  const zip: Zip | undefined = m.zip
  if (zip === undefined || m.tar !== undefined || m.compression !== undefined || m.archive.root !== undefined) {
    throw new InvalidManifestError('a "zip" manifest has a zip, and no tar, compression or archive root')
  }
  try { CID.decode(zip.fileCid) } catch { throw new InvalidManifestError('zip.fileCid is not a binary CID') }
  if (zip.treeContentBytes < 0 || zip.treeContentBytes > m.archive.size || (zip.shift ?? 1) <= 0 ||
      zip.comment?.length === 0 || (zip.comment?.length ?? 0) > 0xffff || (zip.endPatch !== undefined && zip.endBytes !== undefined) ||
      zip.spans?.length === 0) {
    throw new InvalidManifestError('zip fields are out of range, or a default is written out')
  }
  let end = 0
  for (const span of zip.spans ?? []) {
    if (span.offset < end || (span.bytes === undefined) === (span.file === undefined) || (span.bytes !== undefined && (span.bytes.length === 0 || span.bytes.length > SPAN_INLINE_MAX))) {
      throw new InvalidManifestError('zip spans must be in order, and each either inline bytes (1 to 1024) or a file', { offset: span.offset })
    }
    end = span.offset + (span.bytes?.length ?? 1)
  }
}

/** A plain tar is its own tar stream: one DAG, the same size and digest, no compression layer. */
function checkPlainTar (m: Manifest, tar: Tar): void {
  if (m.compression !== undefined || m.archive.root !== undefined ||
      m.archive.size !== tar.size || !equalBytes(m.archive.sha256, tar.sha256)) {
    throw new InvalidManifestError('a "tar" manifest must describe one stream: archive and tar must agree and there is no compression')
  }
}

/** Members tile the archive and the tar; the archive's bytes are linked exactly when a recipe is missing. */
function checkCompressed (m: Manifest, tar: Tar): void {
  const c = m.compression
  if (c === undefined || c.members.length === 0) throw new InvalidManifestError(`a "${m.archive.format}" manifest needs a compression layer with members`)
  try { CID.decode(c.fileCid) } catch { throw new InvalidManifestError('compression.fileCid is not a binary CID') }
  let offset = 0
  let tarOffset = 0
  for (const member of c.members) {
    if (member.offset !== offset || member.tarOffset !== tarOffset || member.size < member.header.length + member.trailer.length || member.tarSize < 0) {
      throw new InvalidManifestError(`compressed members do not tile the archive and the tar (at offset ${offset})`)
    }
    offset += member.size
    tarOffset += member.tarSize
  }
  if (offset + (c.trailing?.length ?? 0) !== m.archive.size || tarOffset !== tar.size) {
    throw new InvalidManifestError('compressed members and trailing bytes do not add up to the archive and the tar')
  }
  for (const member of c.members) if (member.recipe !== undefined) checkRecipe(member.recipe)
  if (c.trailing !== undefined && c.trailing.length === 0) throw new InvalidManifestError('compression.trailing is present but empty (omit it)')
  const missing = c.members.some(member => member.recipe === undefined)
  if (missing !== (m.archive.root !== undefined)) {
    throw new InvalidManifestError('archive.root must be linked exactly when some compressed member has no recipe')
  }
  if (m.archive.root !== undefined && !equalBytes(m.archive.root.bytes, c.fileCid)) {
    throw new InvalidManifestError('archive.root and compression.fileCid name different files')
  }
}
