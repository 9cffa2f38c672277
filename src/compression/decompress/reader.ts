/**
 * Pull-based byte reader over an async iterable of chunks, tracking the absolute offset. Buffers only what
 * callers ask to look at (headers); pass-through reads (`next`) hand out the chunks' own bytes without copying.
 */
import { InvalidArgumentError, TruncatedCompressedDataError } from '../../errors.js'

export type ByteInput = AsyncIterable<Uint8Array> | Iterable<Uint8Array>

export class ByteReader {
  /** Absolute offset (in the whole input) of the next unread byte. */
  pos = 0
  private chunks: Uint8Array[] = []
  private buffered = 0
  private ended = false
  private readonly it: AsyncIterator<Uint8Array> | Iterator<Uint8Array>

  constructor (input: ByteInput, readonly format: string) {
    if (input instanceof Uint8Array) input = [input]
    if (input == null || (typeof (input as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] !== 'function' && typeof (input as Iterable<Uint8Array>)[Symbol.iterator] !== 'function')) {
      throw new InvalidArgumentError('compressed input must be an (async) iterable of Uint8Array chunks')
    }
    this.it = Symbol.asyncIterator in input
      ? (input as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
      : (input as Iterable<Uint8Array>)[Symbol.iterator]()
  }

  /** Bytes available without reading more input. */
  get available (): number { return this.buffered }

  /** Read input until at least `n` bytes are buffered or the input ends; true when `n` are available. */
  async fill (n: number): Promise<boolean> {
    while (this.buffered < n && !this.ended) {
      const r = await this.it.next()
      if (r.done === true) { this.ended = true; break }
      const v: unknown = r.value
      if (!(v instanceof Uint8Array)) throw new InvalidArgumentError('compressed input chunks must be Uint8Array')
      if (v.length === 0) continue
      this.chunks.push(v)
      this.buffered += v.length
    }
    return this.buffered >= n
  }

  /** True when no byte is left (reads input to find out). */
  async atEnd (): Promise<boolean> { return !(await this.fill(1)) }

  /** The next `n` buffered bytes (n <= available), contiguous, without consuming them. May share memory with the input. */
  peek (n: number): Uint8Array {
    if (n > this.buffered) throw new RangeError('peek past buffered bytes')
    if (n === 0) return new Uint8Array(0)
    const first = this.chunks[0]!
    if (first.length >= n) return first.subarray(0, n)
    // Coalesce the first chunks so later peeks are cheap.
    const out = new Uint8Array(n)
    let o = 0
    while (o < n) {
      const c = this.chunks[0]!
      const take = Math.min(c.length, n - o)
      out.set(c.subarray(0, take), o)
      o += take
      if (take === c.length) this.chunks.shift()
      else this.chunks[0] = c.subarray(take)
    }
    this.chunks.unshift(out)
    return out
  }

  /** Consume `n` buffered bytes (n <= available). */
  skip (n: number): void {
    if (n > this.buffered) throw new RangeError('skip past buffered bytes')
    this.buffered -= n
    this.pos += n
    while (n > 0) {
      const c = this.chunks[0]!
      if (c.length <= n) { n -= c.length; this.chunks.shift() } else { this.chunks[0] = c.subarray(n); n = 0 }
    }
  }

  /** Consume and return `n` buffered bytes (a copy when they span chunks). */
  take (n: number): Uint8Array {
    const out = this.peek(n)
    this.skip(n)
    return out
  }

  /** Read exactly `n` bytes or throw TruncatedCompressedDataError. */
  async readExact (n: number, what: string): Promise<Uint8Array> {
    if (!(await this.fill(n))) throw this.truncated(what)
    return this.take(n)
  }

  /** Consume up to `max` bytes, at least one unless the input has ended (then undefined). No copy. */
  async next (max = Infinity): Promise<Uint8Array | undefined> {
    if (!(await this.fill(1))) return undefined
    const c = this.chunks[0]!
    const n = Math.min(c.length, max)
    const out = c.subarray(0, n)
    this.skip(n)
    return out
  }

  /** Put bytes back in front (they must be the bytes just consumed). */
  unread (b: Uint8Array): void {
    if (b.length === 0) return
    this.chunks.unshift(b)
    this.buffered += b.length
    this.pos -= b.length
  }

  /** An error for input that ended early; its offset is the input's total length. */
  truncated (what: string): TruncatedCompressedDataError {
    return new TruncatedCompressedDataError(`${this.format} input ended inside ${what}`,
      { offset: this.pos + this.buffered, format: this.format, inside: what })
  }

  /** Consume everything left; returns its length and whether it was all zero bytes. */
  async drain (): Promise<{ length: number, allZero: boolean }> {
    let length = 0
    let allZero = true
    for (;;) {
      const c = await this.next()
      if (c === undefined) return { length, allZero }
      length += c.length
      if (allZero) for (let i = 0; i < c.length; i++) if (c[i] !== 0) { allZero = false; break }
    }
  }

  /** Stop reading the input (lets a generator source run its `finally`). */
  async close (): Promise<void> {
    this.ended = true
    this.chunks = []
    this.buffered = 0
    try { await this.it.return?.() } catch { /* ignore */ }
  }
}
