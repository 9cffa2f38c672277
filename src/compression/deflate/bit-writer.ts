/**
 * LSB-first bit writer for deflate streams.
 *
 * GNU gzip (bits.c) keeps a 16-bit accumulator and writes whole 16-bit words; for a well-formed stream the
 * bytes are the same as writing bytes as soon as 8 bits are ready, which is what this does with a 32-bit
 * accumulator. `windup` pads the last partial byte with zero bits, as gzip's bi_windup does.
 *
 * Output accumulates in a growable buffer that the caller drains with `take()`, so memory stays bounded by
 * what one call of the encoder produces between drains.
 */
export class BitWriter {
  private buf: Uint8Array
  /**
   * Write position, pending bits (least significant first) and their count. Public for block.ts's symbol
   * loop, which writes with its own locals into room it has reserved and puts these back. Fewer than 8
   * bits are pending after `sendBits`, fewer than 16 after that loop (then `sendBits` comes before `windup`).
   */
  pos = 0
  acc = 0
  nbits = 0

  constructor (initialCapacity = 1 << 16) {
    this.buf = new Uint8Array(initialCapacity)
  }

  /** Number of complete bytes waiting to be taken. */
  get pending (): number {
    return this.pos
  }

  private grow (need: number): void {
    let cap = this.buf.length * 2
    while (cap < this.pos + need) cap *= 2
    const next = new Uint8Array(cap)
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
  }

  /** Make room for `bytes` more bytes after `pos` and return the buffer to write them into. */
  reserve (bytes: number): Uint8Array {
    if (this.pos + bytes > this.buf.length) this.grow(bytes)
    return this.buf
  }

  /** Append `length` (0..16) bits of `value`, least significant bit first (fewer than 16 bits pending). */
  sendBits (value: number, length: number): void {
    let acc = this.acc | (value << this.nbits)
    let nbits = this.nbits + length
    if (nbits >= 8) {
      if (this.pos + 4 > this.buf.length) this.grow(4)
      const buf = this.buf
      let pos = this.pos
      do {
        buf[pos++] = acc & 0xff
        acc >>>= 8
        nbits -= 8
      } while (nbits >= 8)
      this.pos = pos
    }
    this.acc = acc
    this.nbits = nbits
  }

  /** Flush a partial byte padded with zero bits (gzip's bi_windup). */
  windup (): void {
    if (this.nbits > 0) {
      if (this.pos + 1 > this.buf.length) this.grow(1)
      this.buf[this.pos++] = this.acc & 0xff
    }
    this.acc = 0
    this.nbits = 0
  }

  /** Append raw bytes; the writer must be byte aligned (after `windup`). */
  writeBytes (src: Uint8Array, start: number, end: number): void {
    const n = end - start
    if (this.pos + n > this.buf.length) this.grow(n)
    this.buf.set(src.subarray(start, end), this.pos)
    this.pos += n
  }

  /** Append a 16-bit little-endian value; the writer must be byte aligned. */
  writeShortLE (v: number): void {
    if (this.pos + 2 > this.buf.length) this.grow(2)
    this.buf[this.pos++] = v & 0xff
    this.buf[this.pos++] = (v >>> 8) & 0xff
  }

  /** Remove and return the complete bytes written so far (a copy). */
  take (): Uint8Array {
    const out = this.buf.slice(0, this.pos)
    this.pos = 0
    return out
  }
}
