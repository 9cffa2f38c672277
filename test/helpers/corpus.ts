/** Deterministic inputs for compressor tests: a seeded xorshift PRNG and the byte patterns built on it. */

/** xorshift32 in [0, 1); the same seed always gives the same sequence. */
export function prng (seed: number): () => number {
  let x = (seed | 0) || 0x9e3779b9
  return () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5
    return (x >>> 0) / 0x100000000
  }
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s)

export function randomBytes (n: number, seed: number): Uint8Array {
  const r = prng(seed)
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * 256)
  return out
}

/** Random bytes over a small alphabet of `k` symbols from `base`: many short matches, many literals. */
export function alphabetBytes (n: number, k: number, seed: number, base = 97): Uint8Array {
  const r = prng(seed)
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = base + Math.floor(r() * k)
  return out
}
