/**
 * Canonical CBOR items as dag-cbor writes them (RFC 8949 §4.2.1 and the dag-cbor spec): the shortest
 * head for every length and integer, definite lengths, CIDs as tag 42 over a 0x00-prefixed byte string.
 * Map keys are the caller's to order (dag-cbor: shorter keys first, then bytewise). For records whose
 * shape is known, writing them directly costs a fraction of the generic encoder's object walk.
 */
import type { CID } from 'multiformats/cid'

const utf8 = new TextEncoder()

export class CborWriter {
  #bytes = new Uint8Array(256)
  #length = 0

  /** Starts a new item, keeping the buffer. */
  reset (): void { this.#length = 0 }

  /** A copy of what was written since the last reset. */
  result (): Uint8Array { return this.#bytes.slice(0, this.#length) }

  /** A major type and its argument: `n` a natural number up to 2^53 - 1. */
  head (major: number, n: number): void {
    const m = major << 5
    if (n < 24) { this.#room(1); this.#bytes[this.#length++] = m | n; return }
    if (n < 0x100) { this.#room(2); this.#bytes[this.#length++] = m | 24; this.#bytes[this.#length++] = n; return }
    if (n < 0x10000) { this.#room(3); this.#bytes[this.#length++] = m | 25; this.#be(n, 2); return }
    if (n < 0x100000000) { this.#room(5); this.#bytes[this.#length++] = m | 26; this.#be(n, 4); return }
    this.#room(9)
    this.#bytes[this.#length++] = m | 27
    this.#be(Math.floor(n / 0x100000000), 4)
    this.#be(n % 0x100000000, 4)
  }

  /** A safe integer, negative or not. */
  int (n: number): void {
    if (n >= 0) this.head(0, n)
    else this.head(1, -1 - n)
  }

  bytes (b: Uint8Array): void {
    this.head(2, b.length)
    this.#put(b)
  }

  text (s: string): void {
    // Most names are ASCII: one byte per character, no encoder call.
    let ascii = true
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) { ascii = false; break }
    if (!ascii) {
      const b = utf8.encode(s)
      this.head(3, b.length)
      this.#put(b)
      return
    }
    this.head(3, s.length)
    this.#room(s.length)
    for (let i = 0; i < s.length; i++) this.#bytes[this.#length++] = s.charCodeAt(i)
  }

  cid (cid: CID): void {
    this.#room(2)
    this.#bytes[this.#length++] = 0xd8
    this.#bytes[this.#length++] = 42
    this.head(2, cid.bytes.length + 1)
    this.#room(1)
    this.#bytes[this.#length++] = 0
    this.#put(cid.bytes)
  }

  #put (b: Uint8Array): void {
    this.#room(b.length)
    this.#bytes.set(b, this.#length)
    this.#length += b.length
  }

  /** Big-endian, `size` bytes of `n` (< 2^32). */
  #be (n: number, size: number): void {
    for (let i = size - 1; i >= 0; i--) { this.#bytes[this.#length + i] = n & 0xff; n = Math.floor(n / 256) }
    this.#length += size
  }

  #room (n: number): void {
    if (this.#length + n <= this.#bytes.length) return
    const grown = new Uint8Array(Math.max(2 * this.#bytes.length, this.#length + n))
    grown.set(this.#bytes.subarray(0, this.#length))
    this.#bytes = grown
  }
}
