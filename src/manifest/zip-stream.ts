/**
 * A zip's bytes from format 2's side data and the tree (§18.4): in file order, each entry's local header
 * (regenerated, patched or verbatim), its data (the tree's file at its path or its own `c`, stored as is
 * or made by its recipe; or its compressed bytes kept verbatim) and its data descriptor; the central
 * directory; the end records; and each span where it starts. Every piece is checked to have the length
 * its entry records, so a manifest that does not fit its tree fails here, naming the entry.
 */
import type { BlockSource } from '../blocks.js'
import { centralHeaderBytes, descriptorBytes, endRecordsBytes, localHeaderBytes } from '../archive/zip/write.js'
import { applyPatch, type PatchRun } from '../codec/byte-patch.js'
import { encoderFor } from '../compression/recipe/registry.js'
import { DigestMismatchError, InvalidManifestError } from '../errors.js'
import type { Manifest, Zip, ZipSpan } from '../schema/types.js'
import { readFile } from '../unixfs/file-reader.js'
import { loadZipItems } from './load.js'
import { blockTree, type TreeContents } from './tree-contents.js'
import { displayName } from './names.js'
import type { ZipEntryItem } from './zip-entries.js'

/** The zip's bytes, rebuilt; the tree's files are read from `tree` (default: the tree's blocks). */
export async function * zipBytes (manifest: Manifest, source: BlockSource, tree: TreeContents = blockTree(manifest.tree.root, source)): AsyncGenerator<Uint8Array> {
  const zip = zipOf(manifest)
  const shift = zip.shift ?? 0
  const items: ZipEntryItem[] = []
  for await (const item of loadZipItems(manifest, source)) items.push(item)
  const spans = zip.spans ?? []
  let nextSpan = 0
  let cursor = 0

  /** Every span that starts at the cursor (spans are maximal, so at most one; a file span's length is its size). */
  const spansHere = async function * (): AsyncGenerator<Uint8Array> {
    for (let span = spans[nextSpan]; span !== undefined && span.offset <= cursor; span = spans[++nextSpan]) {
      if (span.offset < cursor) throw new InvalidManifestError('a zip span overlaps the bytes before it', { offset: span.offset })
      for await (const chunk of spanBytes(span, source)) { cursor += chunk.length; yield chunk }
    }
  }
  const at = (offset: number, what: string, entry?: ZipEntryItem): void => {
    if (offset !== cursor) {
      throw new InvalidManifestError(`the ${what} is at ${offset}, where the pieces before it end at ${cursor}`,
        { offset: cursor, ...(entry === undefined ? {} : { entry: displayName(entry.fields.path) }) })
    }
  }
  const emit = function * (bytes: Uint8Array): Generator<Uint8Array> { cursor += bytes.length; yield bytes }

  const order = items.map((_, i) => i).sort((a, b) => items[a]!.entry.localHeaderOffset - items[b]!.entry.localHeaderOffset || a - b)
  for (const i of order) {
    const item = items[i]!
    const f = item.fields
    yield * spansHere()
    at(item.entry.localHeaderOffset, 'local header', item)
    yield * emit(f.localBytes ?? patched(localHeaderBytes(f), f.localPatch))
    for await (const chunk of entryData(item, tree, source)) yield * emit(chunk)
    if (f.descriptor !== undefined) yield * emit(descriptorBytes(f, f.descriptor))
  }
  yield * spansHere()
  const cdOffset = cursor
  for (const { fields: f } of items) yield * emit(f.centralBytes ?? patched(centralHeaderBytes(f), f.centralPatch))
  const cdSize = cursor - cdOffset
  yield * spansHere()
  if (zip.endBytes !== undefined) {
    yield * emit(zip.endBytes)
  } else {
    const fields = { entryCount: items.length, cdSize, cdOffset: cdOffset - shift, comment: zip.comment ?? new Uint8Array(0) }
    const end = endRecordsBytes(zip.zip64 === undefined ? fields : { ...fields, zip64: { ...zip.zip64, recordOffset: cursor - shift } })
    const pieces = [end.zip64Record, end.locator, end.eocd].filter((p): p is Uint8Array => p !== undefined)
    if (zip.endPatch !== undefined) patchPieces(pieces, zip.endPatch)
    for (const piece of pieces) {
      yield * spansHere()
      yield * emit(piece)
    }
  }
  yield * spansHere()
  if (nextSpan !== spans.length) throw new InvalidManifestError('a zip span lies beyond the end records', { offset: spans[nextSpan]?.offset })
}

/** An entry's compressed data: kept verbatim, or its content (stored) or its recipe's output over it, checked in length. */
async function * entryData (item: ZipEntryItem, tree: TreeContents, source: BlockSource): AsyncGenerator<Uint8Array> {
  const { fields: f, entry } = item
  const where = { offset: entry.dataOffset, entry: displayName(f.path) }
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
    const content = await contentOf(item, tree, source)
    const encoder = f.recipe === undefined ? undefined : encoderFor(f.recipe).create()
    for await (const chunk of content) yield * checked(encoder === undefined ? [chunk] : encoder.write(chunk))
    if (encoder !== undefined) yield * checked(encoder.end())
  }
  if (made !== f.compressedSize) {
    throw new DigestMismatchError(`the data of a zip entry came to ${made > f.compressedSize ? 'more than' : 'only'} ${made} bytes where it records ${f.compressedSize}`,
      { ...where, expected: f.compressedSize, actual: made })
  }
}

/** The entry's uncompressed data: its own `c`, else the tree's file at its path (only for files in the tree). */
async function contentOf (item: ZipEntryItem, tree: TreeContents, source: BlockSource): Promise<AsyncIterable<Uint8Array>> {
  const { fields: f, entry } = item
  if (f.content !== undefined) return readFile(f.content, source)
  const where = { offset: entry.dataOffset, entry: displayName(f.path) }
  if (entry.type !== 'file' || entry.excluded !== undefined) {
    throw new InvalidManifestError('a zip entry whose data is not a file of the tree keeps neither its data nor `c`', where)
  }
  return (await tree.file(f.path, { size: f.uncompressedSize, crc32: f.crc32 }, where)).read()
}

async function * spanBytes (span: ZipSpan, source: BlockSource): AsyncGenerator<Uint8Array> {
  if (span.bytes !== undefined) yield span.bytes
  else if (span.file !== undefined) yield * readFile(span.file, source)
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
