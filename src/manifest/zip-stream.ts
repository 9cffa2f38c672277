/**
 * A zip's bytes from format 2's side data and the tree (§18.4): in file order, each entry's local header
 * (regenerated, patched or verbatim), its data (the tree's file at its path or its own `c`, stored as is
 * or made by its recipe; or its compressed bytes kept verbatim) and its data descriptor; the central
 * directory; the end records; and each span where it starts. Every piece is checked to have the length
 * its entry records, so a manifest that does not fit its tree fails here, naming the entry.
 */
import type { BlockSource } from '../blocks.js'
import { centralHeaderBytes, descriptorBytes, endRecordsBytes, localHeaderBytes, type DescriptorForm } from '../archive/zip/write.js'
import { applyPatch, type PatchRun } from '../codec/byte-patch.js'
import { localHeaderLength, type ZipEntryFields } from '../codec/zip-entry-record.js'
import { encoderFor } from '../compression/recipe/registry.js'
import { DigestMismatchError, InvalidManifestError } from '../errors.js'
import type { Manifest, Zip } from '../schema/types.js'
import { fileSize, readFile } from '../unixfs/file-reader.js'
import { blockTree, type TreeContents } from './tree-contents.js'
import { displayName } from './names.js'
import { zipEntryType } from './zip-entries.js'
import { ZipItems } from './zip-items.js'

/**
 * A run of the rebuilt zip: its length, and a way to make its bytes. Entry data is made (its content read,
 * its recipe run) only when read, so a reader that needs some other part of the zip skips it for free.
 */
export interface ZipPiece {
  length: number
  read: () => AsyncIterable<Uint8Array>
}

/** The zip's bytes, rebuilt; the tree's files are read from `tree` (default: the tree's blocks). */
export async function * zipBytes (manifest: Manifest, source: BlockSource, tree: TreeContents = blockTree(manifest.tree.root, source)): AsyncGenerator<Uint8Array> {
  for await (const piece of zipPieces(manifest, source, await ZipItems.load(manifest, source), tree)) yield * piece.read()
}

/**
 * The rebuilt zip as pieces in file order: each local header, entry data and data descriptor, each central
 * header, the end records and the spans. Their lengths are the manifest's; data pieces check theirs when
 * read. `items`: the manifest's entries (ZipItems.load), loaded once for any number of walks.
 */
export async function * zipPieces (manifest: Manifest, source: BlockSource, items: ZipItems,
  tree: TreeContents = blockTree(manifest.tree.root, source)): AsyncGenerator<ZipPiece> {
  const zip = zipOf(manifest)
  const shift = zip.shift ?? 0
  const spans = zip.spans ?? []
  let nextSpan = 0
  let cursor = 0

  /** Every span that starts at the cursor (spans are maximal, so at most one; a file span's length is its size). */
  const spansHere = async function * (): AsyncGenerator<ZipPiece> {
    for (let span = spans[nextSpan]; span !== undefined && span.offset <= cursor; span = spans[++nextSpan]) {
      if (span.offset < cursor) throw new InvalidManifestError('a zip span overlaps the bytes before it', { offset: span.offset })
      const { bytes, file } = span
      if (bytes !== undefined) yield * emit(bytes)
      else if (file !== undefined) yield * piece(await fileSize(file, source), () => readFile(file, source))
    }
  }
  const at = (offset: number, what: string, index: number): void => {
    if (offset !== cursor) {
      throw new InvalidManifestError(`the ${what} is at ${offset}, where the pieces before it end at ${cursor}`,
        { offset: cursor, entry: displayName(items.fields(index).path) })
    }
  }
  // Empty pieces too: an entry's data is read even when it records none, to check what it keeps.
  const piece = function * (length: number, read: () => AsyncIterable<Uint8Array>): Generator<ZipPiece> {
    cursor += length
    yield { length, read }
  }
  const emit = (bytes: Uint8Array): Generator<ZipPiece> => piece(bytes.length, async function * () { yield bytes })
  /** Bytes made when read (a walk that skips them costs nothing); their length is known beforehand. */
  const made = (length: number, make: () => Uint8Array): Generator<ZipPiece> => piece(length, async function * () { yield make() })

  for (const i of items.fileOrder) {
    // An entry is decoded only when one of its pieces is read, and then once.
    let decoded: ZipEntryFields | undefined
    const fields = (): ZipEntryFields => (decoded ??= items.fields(i))
    const l = items.layout(i)
    yield * spansHere()
    at(l.localHeaderOffset + shift, 'local header', i)
    yield * made(l.localHeaderLength, () => { const f = fields(); return f.localBytes ?? patched(localHeaderBytes(f), f.localPatch) })
    yield * piece(l.compressedSize, () => entryData(fields(), shift, tree, source))
    if (l.descriptorLength > 0) yield * made(l.descriptorLength, () => { const f = fields(); return descriptorBytes(f, f.descriptor as DescriptorForm) })
  }
  yield * spansHere()
  const cdOffset = cursor
  for (let i = 0; i < items.count; i++) {
    yield * made(items.layout(i).centralHeaderLength, () => { const f = items.fields(i); return f.centralBytes ?? patched(centralHeaderBytes(f), f.centralPatch) })
  }
  const cdSize = cursor - cdOffset
  yield * spansHere()
  if (zip.endBytes !== undefined) {
    yield * emit(zip.endBytes)
  } else {
    const fields = { entryCount: items.count, cdSize, cdOffset: cdOffset - shift, comment: zip.comment ?? new Uint8Array(0) }
    const end = endRecordsBytes(zip.zip64 === undefined ? fields : { ...fields, zip64: { ...zip.zip64, recordOffset: cursor - shift } })
    const pieces = [end.zip64Record, end.locator, end.eocd].filter((p): p is Uint8Array => p !== undefined)
    if (zip.endPatch !== undefined) patchPieces(pieces, zip.endPatch)
    for (const p of pieces) {
      yield * spansHere()
      yield * emit(p)
    }
  }
  yield * spansHere()
  if (nextSpan !== spans.length) throw new InvalidManifestError('a zip span lies beyond the end records', { offset: spans[nextSpan]?.offset })
}

/** An entry's compressed data: kept verbatim, or its content (stored) or its recipe's output over it, checked in length. */
async function * entryData (f: ZipEntryFields, shift: number, tree: TreeContents, source: BlockSource): AsyncGenerator<Uint8Array> {
  const where = { offset: f.localHeaderOffset + shift + localHeaderLength(f), entry: displayName(f.path) }
  if (f.dataBytes !== undefined) {
    if (f.dataBytes.length !== f.compressedSize) throw new InvalidManifestError(`zip entry keeps ${f.dataBytes.length} data bytes where it records ${f.compressedSize}`, where)
    yield f.dataBytes
    return
  }
  if (f.compressedSize === 0) return
  let made = 0
  const checked = function * (chunks: Iterable<Uint8Array>): Generator<Uint8Array> {
    for (const chunk of chunks) {
      made += chunk.length
      if (made > f.compressedSize) break
      yield chunk
    }
  }
  if (f.data !== undefined) {
    for await (const chunk of readFile(f.data, source)) yield * checked([chunk])
  } else {
    const content = await contentOf(f, where, tree, source)
    const encoder = f.recipe === undefined ? undefined : (await encoderFor(f.recipe)).create()
    for await (const chunk of content) yield * checked(encoder === undefined ? [chunk] : encoder.write(chunk))
    if (encoder !== undefined) yield * checked(encoder.end())
  }
  if (made !== f.compressedSize) {
    throw new DigestMismatchError(`the data of a zip entry came to ${made > f.compressedSize ? 'more than' : 'only'} ${made} bytes where it records ${f.compressedSize}`,
      { ...where, expected: f.compressedSize, actual: made })
  }
}

/** The entry's uncompressed data: its own `c`, else the tree's file at its path (only for files in the tree). */
async function contentOf (f: ZipEntryFields, where: { offset: number, entry: string }, tree: TreeContents, source: BlockSource): Promise<AsyncIterable<Uint8Array>> {
  if (f.content !== undefined) return readFile(f.content, source)
  if (zipEntryType(f) !== 'file' || f.excluded !== undefined) {
    throw new InvalidManifestError('a zip entry whose data is not a file of the tree keeps neither its data nor `c`', where)
  }
  return (await tree.file(f.path, { size: f.uncompressedSize, crc32: f.crc32 }, where)).read()
}

/** Regenerated bytes with a patch applied (none: as they are). */
function patched (bytes: Uint8Array, patch: PatchRun[] | undefined): Uint8Array {
  return patch === undefined ? bytes : applyPatch(bytes, patch)
}

/** Applies a patch over the concatenation of `pieces`, in place. */
export function patchPieces (pieces: Uint8Array[], patch: readonly PatchRun[]): void {
  const whole = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of pieces) { whole.set(p, at); at += p.length }
  applyPatch(whole, patch)
  at = 0
  for (const p of pieces) { p.set(whole.subarray(at, at + p.length)); at += p.length }
}

function zipOf (manifest: Manifest): Zip {
  if (manifest.zip === undefined) throw new InvalidManifestError('a "zip" manifest without its zip fields')
  return manifest.zip
}
