/** Helpers shared by the bzip2 tests: the reference binary and a byte comparison that reports the first difference. */
import { execFileSync, spawnSync } from 'node:child_process'
import { expect } from 'vitest'

export const BZIP2 = 'bzip2' // found on PATH

export function referenceCompress (data: Uint8Array, level: number): Uint8Array {
  return new Uint8Array(execFileSync(BZIP2, [`-${level}`, '-c'], { input: data, maxBuffer: 1 << 30 }))
}

/** bzip2 -vv reports on stderr when its main sort gives up and it falls back ("too repetitive"). */
export function referenceUsedFallbackAfterMainSort (data: Uint8Array, level: number): boolean {
  const r = spawnSync(BZIP2, [`-${level}`, '-vv', '-c'], { input: data, maxBuffer: 1 << 30 })
  return r.stderr.toString().includes('too repetitive')
}

export function firstDifference (a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i
  return a.length === b.length ? -1 : n
}

export function expectSameBytes (actual: Uint8Array, expected: Uint8Array, what: string): void {
  const d = firstDifference(actual, expected)
  expect(d, `${what}: first differing byte ${d} (lengths ${actual.length} vs ${expected.length})`).toBe(-1)
}

/** Deterministic small PRNG (LCG) for test inputs. */
export function lcg (seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 0x100000000
  }
}

/** `n` bytes from a `alphabet`-letter alphabet. */
export function smallAlphabet (n: number, alphabet: number, seed: number): Uint8Array {
  const r = lcg(seed)
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = 97 + Math.floor(r() * alphabet)
  return out
}

export function repeat (unit: Uint8Array, times: number): Uint8Array {
  const out = new Uint8Array(unit.length * times)
  for (let i = 0; i < times; i++) out.set(unit, i * unit.length)
  return out
}

/** Random bytes with no run of 4 equal bytes, so the RLE1 block has exactly as many bytes as the input. */
export function noRuns (n: number, seed: number): Uint8Array {
  const r = lcg(seed)
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    let b = Math.floor(r() * 256)
    if (i >= 3 && out[i - 1] === b && out[i - 2] === b && out[i - 3] === b) b = (b + 1) & 0xff
    out[i] = b
  }
  return out
}
