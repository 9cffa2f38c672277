/**
 * A UnixFS file DAG from bytes: the importer's fixed-size chunker (chunker/fixed-size.js) feeding leaves
 * (leaf.ts) into the balanced layout (balanced.ts). Gives the importer's CIDs for the profile.
 */
import { discardBlocks, type BlockSink } from '../blocks.js'
import { joinBytes } from '../bytes-concat.js'
import { rawCidOfDigest, rawCidOfPieces } from '../digest/block-cid.js'
import { createDigest, type IncrementalDigest } from '../digest/incremental.js'
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
 * modify a piece after passing it to `write`, or call `detach` first (and construct the builder with
 * `lent`, so that a raw leaf a sink keeps is a copy).
 */
export class FileDagBuilder {
  readonly #profile: Profile
  readonly #sink: BlockSink
  readonly #lent: boolean
  /** The first leaf, until a second one makes a layout necessary (most files are one leaf). */
  #first: DagRef | undefined
  #layout: BalancedFileBuilder | undefined
  /** Pieces of the next chunk, not yet `chunkSize` bytes in all. */
  #pending: Uint8Array[] = []
  #pendingLength = 0
  /** After `detach`, for a raw leaf not stored: the pending chunk's hash so far, instead of its pieces. */
  #pendingHash: IncrementalDigest | undefined
  /** After `detach`, otherwise: the pending chunk's bytes so far, copied into a chunk of its own. */
  #pendingCopy: Uint8Array | undefined
  #finished = false

  /** `lent`: pieces are reused after `detach` (see there), so a raw leaf that `sink` keeps is a copy. */
  constructor (profile: Profile, sink: BlockSink, lent = false) {
    this.#profile = profile
    this.#sink = sink
    this.#lent = lent
  }

  /** Appends bytes to the file. Await each call before the next (a promise only when a store or hash waits). */
  write (bytes: Uint8Array): MaybePromise<void> {
    if (this.#finished) throw new InvalidArgumentError('FileDagBuilder: already finished')
    if (bytes.length === 0) return
    const chunkSize = this.#profile.chunkSize
    let at = 0
    if (this.#pendingLength > 0) {
      at = Math.min(chunkSize - this.#pendingLength, bytes.length)
      if (this.#pendingHash !== undefined) this.#pendingHash.update(bytes.subarray(0, at))
      else if (this.#pendingCopy !== undefined) this.#pendingCopy.set(bytes.subarray(0, at), this.#pendingLength)
      else this.#pending.push(bytes.subarray(0, at))
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

  /**
   * The pieces written so far are about to be reused: the part of them still held (the incomplete chunk)
   * becomes the builder's own: hashed on when it is a raw leaf not stored (no copy), else copied.
   */
  detach (): void {
    // Pieces are held only until the first detach: later bytes go to the hash or the copy at once.
    if (this.#pending.length === 0) return
    if (this.#profile.rawLeaves && this.#sink === discardBlocks) {
      this.#pendingHash = createDigest('sha256')
      for (const piece of this.#pending) this.#pendingHash.update(piece)
    } else {
      this.#pendingCopy = new Uint8Array(this.#profile.chunkSize)
      let at = 0
      for (const piece of this.#pending) { this.#pendingCopy.set(piece, at); at += piece.length }
    }
    this.#pending = []
  }

  /** `owned`: `bytes` is the builder's own copy, not (part of) a piece. */
  #chunk (bytes: Uint8Array, owned = false): MaybePromise<void> {
    // A lent piece is reused later: a raw leaf (the piece itself) that the sink keeps must be a copy.
    const keep = this.#lent && !owned && this.#profile.rawLeaves && this.#sink !== discardBlocks
    return andThen(putLeaf(keep ? joinBytes([bytes]) : bytes, this.#profile, this.#sink), leaf => this.#add(leaf))
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
    const hash = this.#pendingHash
    const copy = this.#pendingCopy
    this.#pending = []
    this.#pendingLength = 0
    this.#pendingHash = undefined
    this.#pendingCopy = undefined
    if (hash !== undefined) return this.#add({ cid: rawCidOfDigest(hash.digest()), fileSize: length, dagSize: length })
    if (copy !== undefined) return this.#chunk(copy.subarray(0, length), true)
    if (pieces.length > 1 && this.#sink === discardBlocks && this.#profile.rawLeaves) {
      const cid = rawCidOfPieces(pieces)
      if (cid !== undefined) return this.#add({ cid, fileSize: length, dagSize: length })
    }
    const chunk = pieces.length === 1 ? pieces[0] as Uint8Array : new Uint8Array(length)
    if (pieces.length > 1) {
      let at = 0
      for (const piece of pieces) { chunk.set(piece, at); at += piece.length }
    }
    return this.#chunk(chunk, pieces.length > 1)
  }
}


/** Imports bytes held in memory as one UnixFS file; a file of at most one chunk is just its leaf. */
export async function importBytes (bytes: Uint8Array, profile: Profile, sink: BlockSink): Promise<DagRef> {
  if (bytes.length <= profile.chunkSize) return await putLeaf(bytes, profile, sink)
  const builder = new FileDagBuilder(profile, sink)
  await builder.write(bytes)
  return await builder.finish()
}
