/**
 * The NAR (Nix ARchive) wire format's building blocks (Nix src/libutil/archive.cc, serialise.cc): every
 * token is a string written as its length (64-bit little-endian), its bytes and zero padding to a
 * multiple of 8; a file's contents are one such string.
 */

/** The first string of every NAR. */
export const NAR_MAGIC = 'nix-archive-1'

const utf8 = new TextEncoder()

/** Zero bytes that pad `length` bytes to a multiple of 8. */
export function paddingFor (length: number): Uint8Array {
  return new Uint8Array((8 - (length % 8)) % 8)
}

/** The 8-byte little-endian length that starts a string (`length` is a safe integer). */
export function lengthPrefix (length: number): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setUint32(0, length % 0x1_0000_0000, true)
  new DataView(out.buffer).setUint32(4, Math.floor(length / 0x1_0000_0000), true)
  return out
}

/** Strings (text as UTF-8, or bytes) in NAR form, concatenated. */
export function narStrings (...tokens: Array<string | Uint8Array>): Uint8Array {
  const parts = tokens.map(t => typeof t === 'string' ? utf8.encode(t) : t)
  let length = 0
  for (const p of parts) length += 8 + p.length + paddingFor(p.length).length
  const out = new Uint8Array(length)
  let at = 0
  for (const p of parts) {
    out.set(lengthPrefix(p.length), at)
    out.set(p, at + 8)
    at += 8 + p.length + paddingFor(p.length).length
  }
  return out
}
