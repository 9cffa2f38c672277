/**
 * A tar stream's bytes from format 2's side data and the tree (§8): for each entry its regenerated header
 * bytes, its data (the tree's file at its path, or its own `c`), its padding; then the end zeros and the
 * trailing file. Every block is hash-checked as it is read; each piece's size is checked against the
 * entry, so a manifest that does not fit its tree fails here, naming the entry, and never yields a
 * stream of the wrong length.
 */
import type { CID } from 'multiformats/cid'
import type { BlockSource } from '../blocks.js'
import { DigestMismatchError, InvalidManifestError } from '../errors.js'
import type { Manifest, Tar } from '../schema/types.js'
import { readFile, type ReadFileOptions } from '../unixfs/file-reader.js'
import { blockTree, type TreeContents } from './tree-contents.js'
import { isSparse, type TarEntry } from './entries.js'
import { loadTarRecords } from './load.js'
import { displayName } from './names.js'

/**
 * One piece of the tar stream, in order: bytes kept or regenerated, a file DAG's bytes (an entry's own
 * `c`, the trailing bytes), or the tree's file at an in-tree entry's path (found by the consumer).
 */
export type TarPiece =
  | { kind: 'bytes', bytes: Uint8Array }
  | { kind: 'file', cid: CID, size: number, entry?: TarEntry, regular: boolean }
  | { kind: 'tree-file', path: Uint8Array, size: number, entry: TarEntry }

const ZEROS = new Uint8Array(64 * 1024)

/** The tar stream as pieces: what materializeView links and what tarBytes reads. */
export async function * tarPieces (manifest: Manifest, source: BlockSource): AsyncGenerator<TarPiece> {
  const tar = tarOf(manifest)
  let offset = 0
  for await (const e of loadTarRecords(manifest, source)) {
    const { fields, header, entry } = e
    if (entry.headerOffset !== offset) throw new InvalidManifestError('entries do not tile the tar', { offset, entry: displayName(entry.path) })
    yield { kind: 'bytes', bytes: header }
    const regular = entry.type === 'file' && !isSparse(fields)
    if (fields.content !== undefined) {
      yield { kind: 'file', cid: fields.content, size: fields.size, entry: e, regular }
    } else if (fields.size > 0) {
      if (!regular || entry.excluded !== undefined) {
        throw new InvalidManifestError('an entry with data that is not a file of the tree has no `c`', { offset, entry: displayName(entry.path) })
      }
      yield { kind: 'tree-file', path: fields.path, size: fields.size, entry: e }
    }
    if (e.paddingSize > 0) yield { kind: 'bytes', bytes: fields.padding ?? ZEROS.subarray(0, e.paddingSize) }
    offset = entry.dataOffset + fields.size + e.paddingSize
  }
  if (offset !== tar.endOffset) throw new InvalidManifestError(`entries end at ${offset}, the manifest's end marker is at ${tar.endOffset}`, { offset })
  for (let left = tar.endZeros; left > 0; left -= ZEROS.length) yield { kind: 'bytes', bytes: ZEROS.subarray(0, Math.min(left, ZEROS.length)) }
  if (tar.trailing !== undefined) {
    yield { kind: 'file', cid: tar.trailing, size: tar.size - tar.endOffset - tar.endZeros, regular: false }
  }
}

/**
 * The tar stream's bytes; each file piece is checked to have exactly the size its entry records. The
 * tree's files are read from `tree` (default: the tree's blocks).
 */
export async function * tarBytes (manifest: Manifest, source: BlockSource, range?: { offset: number, length: number }, tree: TreeContents = blockTree(manifest.tree.root, source)): AsyncGenerator<Uint8Array> {
  const start = range?.offset ?? 0
  const stop = range === undefined ? Infinity : start + range.length
  let position = 0
  for await (const piece of tarPieces(manifest, source)) {
    if (position >= stop) return
    const size = piece.kind === 'bytes' ? piece.bytes.length : piece.size
    const end = position + size
    if (end <= start) { position = end; continue }
    const from = Math.max(start - position, 0)
    const to = Math.min(stop - position, size)
    if (piece.kind === 'bytes') {
      yield piece.bytes.subarray(from, to)
    } else {
      // A whole piece is read whole, so a file longer than its entry says is caught too.
      const whole = from === 0 && to === size
      const file = piece.kind === 'file'
        ? { read: (r?: ReadFileOptions) => readFile(piece.cid, source, r) }
        : await tree.file(piece.path, { size }, { offset: piece.entry.entry.headerOffset, entry: displayName(piece.entry.entry.path) })
      let read = 0
      for await (const chunk of file.read(whole ? undefined : { offset: from, length: to - from })) {
        read += chunk.length
        if (read > to - from) break
        yield chunk
      }
      if (read !== to - from) {
        throw new DigestMismatchError(`the file of an entry has ${from + read} bytes where the entry records ${size}`,
          { offset: position, ...(piece.entry === undefined ? {} : { entry: displayName(piece.entry.entry.path) }) })
      }
    }
    position = end
  }
}

function tarOf (manifest: Manifest): Tar {
  if (manifest.tar === undefined) throw new InvalidManifestError('this manifest describes no tar stream')
  return manifest.tar
}
