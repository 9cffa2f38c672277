/**
 * Nix's base-32 ("nix32"): the encoding of store path hashes and of `nix-hash --base32`. Not RFC 4648:
 * its own alphabet (no e, o, u, t) and its own bit order, the digest read from its last 5-bit group to its
 * first (Nix src/libutil/hash.cc, printHash32).
 */

const ALPHABET = '0123456789abcdfghijklmnpqrsvwxyz'

/**
 * @example
 * ```ts
 * toNixBase32(sha256Of(nar)) // '1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s' (52 characters for 32 bytes)
 * ```
 */
export function toNixBase32 (bytes: Uint8Array): string {
  const length = Math.ceil(bytes.length * 8 / 5)
  let out = ''
  for (let n = length - 1; n >= 0; n--) {
    const bit = n * 5
    const i = bit >> 3
    const j = bit & 7
    const low = (bytes[i] as number) >> j
    const high = i + 1 < bytes.length ? (bytes[i + 1] as number) << (8 - j) : 0
    out += ALPHABET[(low | high) & 0x1f]
  }
  return out
}

/**
 * A digest folded to `size` bytes by XOR, byte i into i mod size: how Nix shortens a sha256 to the 20
 * bytes of a store path's hash part (compressHash).
 */
export function foldHash (bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size)
  for (let i = 0; i < bytes.length; i++) out[i % size] = (out[i % size] as number) ^ (bytes[i] as number)
  return out
}
