/**
 * A UnixFS file DAG from bytes: the importer's fixed-size chunker (chunker/fixed-size.js) feeding leaves
 * (leaf.ts) into the balanced layout (balanced.ts). Gives the importer's CIDs for the profile.
 */
import { discardBlocks, type BlockSink } from '../blocks.js'
import { rawCidOfPieces } from '../digest/block-cid.js'
import { InvalidArgumentError } from '../errors.js'
import { BalancedFileBuilder } from './balanced.js'
import type { DagRef } from './dag-ref.js'
import { putLeaf } from './leaf.js'
import { andThen, type MaybePromise } from './maybe-async.js'
import type { Profile } from './profile.js'

/**
 * Streaming file importer. Input may arrive in pieces of any size; a chunk that lies inside one piece is
 * used as a subarray of it (never copied), only a chunk spanning pieces is copied. The builder keeps
 * references to the pieces it is given (and raw leaves are handed to the sink as they are), so do not
 * modify a piece after passing it to `write`.
 */
export class FileDagBuilder {
  readonly #profile: Profile
  readonly #sink: BlockSink
  /** The first leaf, until a second one makes a layout necessary (most files are one leaf). */
  #first: DagRef | undefined
  #layout: BalancedFileBuilder | undefined
  /** Pieces of the next chunk, not yet `chunkSize` bytes in all. */
  #pending: Uint8Array[] = []
  #pendingLength = 0
  #finished = false

  constructor (profile: Profile, sink: BlockSink) {
    this.#profile = profile
    this.#sink = sink
  }

  /** Appends bytes to the file. Await each call before the next (a promise only when a store or hash waits). */
  write (bytes: Uint8Array): MaybePromise<void> {
    if (this.#finished) throw new InvalidArgumentError('FileDagBuilder: already finished')
    if (bytes.length === 0) return
    const chunkSize = this.#profile.chunkSize
    let at = 0
    if (this.#pendingLength > 0) {
      at = Math.min(chunkSize - this.#pendingLength, bytes.length)
      this.#pending.push(bytes.subarray(0, at))
      this.#pendingLength += at
      if (this.#pendingLength < chunkSize) return
      const from = at
      return andThen(this.#pendingChunk(), () => this.#writeFrom(bytes, from))
    }
    return this.#writeFrom(bytes, at)
  }

  /** Stores the last chunk and the layout's parents; returns the file's root. */
  finish (): MaybePromise<DagRef> {
    if (this.#finished) throw new InvalidArgumentError('FileDagBuilder: already finished')
    this.#finished = true
    return andThen(this.#pendingLength > 0 ? this.#pendingChunk() : undefined, () => {
      if (this.#layout !== undefined) return this.#layout.finish()
      // One chunk is the file (the layout's single child is its root); none is the profile's empty leaf, as
      // the importer's chunker yields one empty chunk.
      return this.#first ?? putLeaf(new Uint8Array(0), this.#profile, this.#sink)
    })
  }

  /** Whole chunks of `bytes` from `at` on, and the rest kept pending. */
  #writeFrom (bytes: Uint8Array, at: number): MaybePromise<void> {
    const chunkSize = this.#profile.chunkSize
    for (; bytes.length - at >= chunkSize; at += chunkSize) {
      const stored = this.#chunk(bytes.subarray(at, at + chunkSize))
      if (stored instanceof Promise) {
        const next = at + chunkSize
        return stored.then(() => this.#writeFrom(bytes, next))
      }
    }
    if (at < bytes.length) {
      this.#pending.push(bytes.subarray(at))
      this.#pendingLength = bytes.length - at
    }
  }

  #chunk (bytes: Uint8Array): MaybePromise<void> {
    return andThen(putLeaf(bytes, this.#profile, this.#sink), leaf => this.#add(leaf))
  }

  #add (leaf: DagRef): MaybePromise<void> {
    if (this.#layout === undefined && this.#first === undefined) { this.#first = leaf; return }
    if (this.#layout === undefined) {
      const layout = new BalancedFileBuilder(this.#profile, this.#sink)
      this.#layout = layout
      const first = this.#first as DagRef
      this.#first = undefined
      return andThen(layout.add(first), () => layout.add(leaf))
    }
    return this.#layout.add(leaf)
  }

  /**
   * The pending pieces as one chunk: the piece itself when there is one, else one exact-size copy; or,
   * when the leaf is raw and not stored, no copy at all: its CID is hashed over the pieces.
   */
  #pendingChunk (): MaybePromise<void> {
    const pieces = this.#pending
    const length = this.#pendingLength
    this.#pending = []
    this.#pendingLength = 0
    if (pieces.length > 1 && this.#sink === discardBlocks && this.#profile.rawLeaves) {
      const cid = rawCidOfPieces(pieces)
      if (cid !== undefined) return this.#add({ cid, fileSize: length, dagSize: length })
    }
    const chunk = pieces.length === 1 ? pieces[0] as Uint8Array : new Uint8Array(length)
    if (pieces.length > 1) {
      let at = 0
      for (const piece of pieces) { chunk.set(piece, at); at += piece.length }
    }
    return this.#chunk(chunk)
  }
}

/** Imports bytes held in memory as one UnixFS file; a file of at most one chunk is just its leaf. */
export async function importBytes (bytes: Uint8Array, profile: Profile, sink: BlockSink): Promise<DagRef> {
  if (bytes.length <= profile.chunkSize) return await putLeaf(bytes, profile, sink)
  const builder = new FileDagBuilder(profile, sink)
  await builder.write(bytes)
  return await builder.finish()
}
