/**
 * The archive's own bytes as one UnixFS file. Its children, in archive order, are
 *   - segments: the bytes that are not member file content (headers, PAX and long-name records, padding,
 *     the end-of-archive blocks, trailing bytes), kept verbatim and cut into leaves of at most the
 *     profile's chunk size, a new segment starting after each content run;
 *   - each member file's content DAG root, linked exactly as the file's own import made it.
 * So the archive never repeats a content byte the unpacked tree holds, and any UnixFS reader returns the
 * original archive (tar-split's "segments + payload references", expressed as a UnixFS file).
 */
import { discardBlocks, type BlockSink } from '../blocks.js'
import { BalancedFileBuilder } from '../unixfs/balanced.js'
import type { DagRef } from '../unixfs/dag-ref.js'
import { putLeaf } from '../unixfs/leaf.js'
import { andThen, type MaybePromise } from '../unixfs/maybe-async.js'
import type { Profile } from '../unixfs/profile.js'

export class ArchiveDagWriter {
  readonly #profile: Profile
  readonly #sink: BlockSink
  readonly #layout: BalancedFileBuilder
  /** Pending segment bytes; flushed as a leaf when full or when content follows. */
  readonly #segment: Uint8Array
  #segmentLength = 0
  #segmentBytes = 0
  #contentBytes = 0

  constructor (profile: Profile, sink: BlockSink) {
    this.#profile = profile
    this.#sink = sink
    this.#layout = new BalancedFileBuilder(profile, sink)
    this.#segment = new Uint8Array(profile.chunkSize)
  }

  /** Appends bytes that are not file content (a promise only when a full segment's store waits). */
  addSegmentBytes (bytes: Uint8Array): MaybePromise<void> {
    this.#segmentBytes += bytes.length
    return this.#copyFrom(bytes, 0)
  }

  /** Appends a member file's content DAG (a file of zero bytes contributes nothing and is not linked). */
  addContent (ref: DagRef): MaybePromise<void> {
    if (ref.fileSize === 0) return
    this.#contentBytes += ref.fileSize
    return andThen(this.#flushSegment(), () => this.#layout.add(ref))
  }

  async finish (): Promise<{ root: DagRef, segmentBytes: number, contentBytes: number }> {
    await this.#flushSegment()
    return { root: await this.#layout.finish(), segmentBytes: this.#segmentBytes, contentBytes: this.#contentBytes }
  }

  /** Copies `bytes` from `at` on into the segment, storing it whenever it fills. */
  #copyFrom (bytes: Uint8Array, at: number): MaybePromise<void> {
    while (at < bytes.length) {
      const n = Math.min(bytes.length - at, this.#segment.length - this.#segmentLength)
      this.#segment.set(bytes.subarray(at, at + n), this.#segmentLength)
      this.#segmentLength += n
      at += n
      if (this.#segmentLength === this.#segment.length) {
        const flushed = this.#flushSegment()
        if (flushed instanceof Promise) {
          const next = at
          return flushed.then(() => this.#copyFrom(bytes, next))
        }
      }
    }
  }

  #flushSegment (): MaybePromise<void> {
    if (this.#segmentLength === 0) return
    // A stored leaf keeps its bytes, so it gets its own copy: the buffer is reused for the next segment.
    // Blocks that are not stored (the view's while a tar is described) are hashed in place.
    const bytes = this.#sink === discardBlocks ? this.#segment.subarray(0, this.#segmentLength) : this.#segment.slice(0, this.#segmentLength)
    this.#segmentLength = 0
    return andThen(putLeaf(bytes, this.#profile, this.#sink), leaf => this.#layout.add(leaf))
  }
}
