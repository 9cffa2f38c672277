/** MSB-first bit packer, as bzip2 writes its stream (bits need not be byte-aligned between blocks). */
export class BitWriter {
  private buf: Uint8Array
  private pos = 0
  private acc = 0 // pending bits, right-aligned
  private nacc = 0 // number of pending bits (< 8 between calls)

  constructor (initial = 1 << 16) {
    this.buf = new Uint8Array(initial)
  }

  private grow (): void {
    const b = new Uint8Array(this.buf.length * 2)
    b.set(this.buf)
    this.buf = b
  }

  /** Write the low `n` bits of `v` (n <= 24). */
  write (n: number, v: number): void {
    this.acc = (this.acc << n) | (v & ((1 << n) - 1))
    this.nacc += n
    while (this.nacc >= 8) {
      if (this.pos === this.buf.length) this.grow()
      this.nacc -= 8
      this.buf[this.pos++] = (this.acc >>> this.nacc) & 0xff
    }
    this.acc &= (1 << this.nacc) - 1
  }

  write32 (v: number): void {
    this.write(16, (v >>> 16) & 0xffff)
    this.write(16, v & 0xffff)
  }

  /** Whole bytes written so far; they are removed from the writer (pending bits stay). */
  takeBytes (): Uint8Array {
    const out = this.buf.slice(0, this.pos)
    this.pos = 0
    return out
  }

  /** Pad the last partial byte with zero bits (bzip2's bsFinishWrite). */
  flushPadding (): void {
    if (this.nacc > 0) this.write(8 - this.nacc, 0)
  }
}
