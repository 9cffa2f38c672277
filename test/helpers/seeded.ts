/**
 * Deterministic test bytes as kubo makes them (test/cli/testutils/random_deterministic.go): the ChaCha20
 * keystream with key SHA-256(seed), zero nonce and counter 0. IPIP-499's known CIDs are over these bytes.
 */
import { createCipheriv, createHash } from 'node:crypto'

/** `n` bytes of the ChaCha20 keystream seeded by `seed`. */
export function seededBytes (seed: string, n: number): Uint8Array {
  const key = createHash('sha256').update(seed).digest()
  // Node's chacha20 IV is the 4-byte little-endian counter followed by the 12-byte nonce: all zero here.
  const cipher = createCipheriv('chacha20', key, Buffer.alloc(16))
  const out = cipher.update(Buffer.alloc(n))
  return new Uint8Array(out.buffer, out.byteOffset, out.length)
}
