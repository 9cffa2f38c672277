/**
 * A zip rebuilt from its manifest, as the random-access source that describing it again needs (verify),
 * without holding it. Reads go forward through the rebuilt pieces (zip-stream.ts), skipping whole pieces
 * without making them (an entry's data is made only when some of it is read); the last WINDOW bytes made
 * are kept, for reads that step back a little (the zip reader reads up to 24 bytes at a data descriptor,
 * and a header again when its guess of the length was short); a read from further back starts over at the
 * first piece and skips forward again. So memory is the window and the piece being made, whatever the size
 * of the zip, plus the entries (ZipItems).
 */
import type { RandomAccessSource } from '../archive/zip/types.js'
import type { BlockSource } from '../blocks.js'
import { DigestMismatchError } from '../errors.js'
import type { Manifest } from '../schema/types.js'
import { ZipItems } from './zip-items.js'
import { zipPieces, type ZipPiece } from './zip-stream.js'

/** Bytes made last that a read may still ask for without starting over: more than a whole local header. */
const WINDOW = 2 * 1024 * 1024

/**
 * The zip a manifest rebuilds, read at random (see the module comment). Reads are exact or throw
 * DigestMismatchError where the rebuild ends before `size`; `length()` says whether it ends there.
 *
 * @example
 * ```ts
 * const again = await manifestFromZip(new RebuiltZipSource(manifest, blocks), { profile: manifest.profile })
 * ```
 */
export class RebuiltZipSource implements RandomAccessSource {
  readonly size: number
  readonly #manifest: Manifest
  readonly #blocks: BlockSource
  /** The manifest's entries, loaded once for every walk over the pieces. */
  #items: Promise<ZipItems> | undefined
  #pieces: AsyncIterator<ZipPiece> | undefined
  /** Where the next piece of #pieces starts. */
  #next = 0
  /** The piece being made: where it ends, and its chunks still to come. */
  #current: { end: number, chunks: AsyncIterator<Uint8Array> } | undefined
  /** Where the bytes made (or skipped) so far end. */
  #pos = 0
  /** The last #windowBytes bytes made, ending at #pos: byte p is at p % WINDOW. */
  readonly #window = new Uint8Array(WINDOW)
  #windowBytes = 0
  /** Reads run one at a time: each moves the one position. */
  #queue: Promise<unknown> = Promise.resolve()

  constructor (manifest: Manifest, blocks: BlockSource) {
    this.size = manifest.archive.size
    this.#manifest = manifest
    this.#blocks = blocks
  }

  async read (offset: number, length: number): Promise<Uint8Array> {
    return await this.#serialized(async () => await this.#read(offset, length))
  }

  /** The rebuilt zip's length: the sum of its pieces' lengths (none is made; what a read made is kept). */
  async length (): Promise<number> {
    let length = 0
    for await (const piece of zipPieces(this.#manifest, this.#blocks, await this.#loaded())) length += piece.length
    return length
  }

  async #serialized<T> (run: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(run)
    this.#queue = result.catch(() => {})
    return await result
  }

  async #read (offset: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length)
    let filled = 0
    const windowStart = this.#pos - this.#windowBytes
    if (offset >= windowStart && offset < this.#pos) {
      filled = Math.min(length, this.#pos - offset)
      this.#recall(offset, out.subarray(0, filled))
    } else if (offset < this.#pos) {
      await this.#restart()
    }
    while (filled < length) {
      const target = offset + filled
      const chunk = await this.#chunk(target)
      if (chunk === undefined) {
        throw new DigestMismatchError(`the rebuilt zip ends at ${this.#pos}, before the ${this.size} bytes the manifest records`, { expected: this.size, actual: this.#pos })
      }
      const start = this.#pos - chunk.length
      const to = Math.min(offset + length, this.#pos)
      if (target < to) {
        out.set(chunk.subarray(target - start, to - start), filled)
        filled = to - offset
      }
    }
    return out
  }

  /** The next chunk made at #pos, after skipping the pieces (and the rest of the current one) that end at or before `target`. */
  async #chunk (target: number): Promise<Uint8Array | undefined> {
    while (true) {
      if (this.#current !== undefined && this.#current.end <= target) await this.#leave()
      if (this.#current !== undefined) {
        const r = await this.#current.chunks.next()
        if (r.done !== true) {
          if (r.value.length === 0) continue
          this.#pos += r.value.length
          this.#remember(r.value)
          return r.value
        }
        // A piece checks its own length as it is made (entry data: zip-stream.ts).
        this.#current = undefined
      }
      this.#pieces ??= zipPieces(this.#manifest, this.#blocks, await this.#loaded())[Symbol.asyncIterator]()
      const r = await this.#pieces.next()
      if (r.done === true) return undefined
      const start = this.#next
      this.#next += r.value.length
      if (this.#next <= target) {
        this.#skipTo(this.#next)
      } else {
        this.#skipTo(start)
        this.#current = { end: this.#next, chunks: r.value.read()[Symbol.asyncIterator]() }
      }
    }
  }

  async #loaded (): Promise<ZipItems> {
    this.#items ??= ZipItems.load(this.#manifest, this.#blocks)
    return await this.#items
  }

  /** Drops the rest of the piece being made. */
  async #leave (): Promise<void> {
    const current = this.#current
    if (current === undefined) return
    this.#current = undefined
    await current.chunks.return?.()
    this.#skipTo(current.end)
  }

  #skipTo (pos: number): void {
    if (pos === this.#pos) return
    this.#pos = pos
    this.#windowBytes = 0
  }

  async #restart (): Promise<void> {
    await this.#leave()
    await this.#pieces?.return?.(undefined)
    this.#pieces = undefined
    this.#next = 0
    this.#pos = 0
    this.#windowBytes = 0
  }

  /** Keeps `chunk`, just made (it ends at #pos), in the window. */
  #remember (chunk: Uint8Array): void {
    const kept = chunk.length > WINDOW ? chunk.subarray(chunk.length - WINDOW) : chunk
    const at = (this.#pos - kept.length) % WINDOW
    const first = Math.min(kept.length, WINDOW - at)
    this.#window.set(kept.subarray(0, first), at)
    this.#window.set(kept.subarray(first), 0)
    this.#windowBytes = Math.min(WINDOW, this.#windowBytes + chunk.length)
  }

  /** Fills `out` with the window's bytes from `offset` on. */
  #recall (offset: number, out: Uint8Array): void {
    const at = offset % WINDOW
    const first = Math.min(out.length, WINDOW - at)
    out.set(this.#window.subarray(at, at + first))
    out.set(this.#window.subarray(0, out.length - first), first)
  }
}
