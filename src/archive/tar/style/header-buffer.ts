/**
 * The bytes a style writes for one member, gathered in one buffer reused from member to member so that
 * matching a header allocates nothing: whole 512-byte blocks (headers, and extension data with its zero
 * padding).
 */

import { BLOCK_SIZE } from '../constants.js'

export class HeaderBuffer {
  bytes = new Uint8Array(4 * BLOCK_SIZE)
  length = 0

  reset (): void {
    this.length = 0
  }

  /** Appends a zeroed header block; returns its offset. */
  block (): number {
    return this.area(BLOCK_SIZE)
  }

  /** Appends `n` bytes rounded up to whole blocks, zeroed; returns the offset of the first. */
  area (n: number): number {
    const padded = Math.ceil(n / BLOCK_SIZE) * BLOCK_SIZE
    const at = this.length
    if (at + padded > this.bytes.length) {
      const grown = new Uint8Array(Math.max(2 * this.bytes.length, at + padded))
      grown.set(this.bytes.subarray(0, at))
      this.bytes = grown
    }
    this.bytes.fill(0, at, at + padded)
    this.length = at + padded
    return at
  }

  /** Whether the written bytes equal `other` exactly. */
  equals (other: Uint8Array): boolean {
    if (other.length !== this.length) return false
    const b = this.bytes
    for (let i = 0; i < other.length; i++) if (b[i] !== other[i]) return false
    return true
  }

  /** A copy of the written bytes. */
  copy (): Uint8Array {
    return this.bytes.slice(0, this.length)
  }
}
