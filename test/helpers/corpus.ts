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

/** Text: words of 1-9 letters from a vocabulary of 400, drawn with a skew, and some line breaks. */
export function words (n: number, seed: number): Uint8Array {
  const r = prng(seed)
  const vocab = Array.from({ length: 400 }, () => Array.from({ length: 1 + Math.floor(r() * 9) }, () => String.fromCharCode(97 + Math.floor(r() * 26))).join(''))
  let s = ''
  while (s.length < n) s += vocab[Math.floor(r() ** 3 * vocab.length)]! + (r() < 0.08 ? '\n' : ' ')
  return text(s.slice(0, n))
}

/** Runs of a few byte values with lengths from 1 to thousands (max-length matches, lazy evaluation). */
export function runs (n: number, seed: number): Uint8Array {
  const r = prng(seed)
  const out = new Uint8Array(n)
  let i = 0
  while (i < n) {
    const c = Math.floor(r() * 4)
    const len = 1 + Math.floor(r() < 0.1 ? r() * 3000 : r() * 20)
    for (let j = 0; j < len && i < n; j++) out[i++] = c
  }
  return out
}

/** Symbol counts along the Fibonacci sequence, shuffled: optimal codes exceed 15 bits (gen_bitlen overflow). */
export function fibonacci (n: number, seed: number): Uint8Array {
  const r = prng(seed)
  const out = new Uint8Array(n)
  let i = 0
  let a = 1
  let b = 1
  let sym = 0
  while (i < n) {
    for (let j = 0; j < a && i < n; j++) out[i++] = (sym * 37) & 0xff
    ;[a, b] = [b, a + b]
    sym++
    if (a > 20000) { a = 1; b = 1 }
  }
  for (let k = n - 1; k > 0; k--) {
    const j = Math.floor(r() * (k + 1))
    const t = out[k]!; out[k] = out[j]!; out[j] = t
  }
  return out
}
