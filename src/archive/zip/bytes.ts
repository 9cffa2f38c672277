/** Little-endian field access and small byte helpers. Names and comments stay bytes: zip names need not be UTF-8. */

import { ZipStructureError } from '../../errors.js'

export const EMPTY = new Uint8Array(0)
const displayDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })

export function u16 (b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8)
}

export function u32 (b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0
}

/**
 * An 8-byte little-endian value as a number. Values above 2^53 - 1 cannot be offsets or sizes in any file a
 * JavaScript program can address; they are rejected rather than rounded.
 */
export function u64 (b: Uint8Array, at: number, offset: number, what: string): number {
  const lo = u32(b, at)
  const hi = u32(b, at + 4)
  if (hi > 0x1fffff) throw new ZipStructureError(`${what} does not fit in 53 bits`, { offset, field: what })
  return hi * 0x100000000 + lo
}

/** A little-endian unsigned integer of 1 to 8 bytes (Info-ZIP uid/gid fields); undefined above 2^53 - 1. */
export function uintN (b: Uint8Array, at: number, n: number): number | undefined {
  let v = 0
  for (let i = n - 1; i >= 0; i--) v = v * 256 + (b[at + i] ?? 0)
  return Number.isSafeInteger(v) ? v : undefined
}

/** A copy in a plain Uint8Array (never a view of the source's buffer, which the source may reuse). */
export function copyBytes (bytes: Uint8Array): Uint8Array {
  if (bytes.length === 0) return EMPTY
  const out = new Uint8Array(bytes.length)
  out.set(bytes)
  return out
}

export function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** A name for error messages only (invalid UTF-8 replaced). */
export function displayName (bytes: Uint8Array): string {
  return displayDecoder.decode(bytes)
}
