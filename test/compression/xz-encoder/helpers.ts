/** Shared by the xz encoder tests: seeded inputs, the xz binary as reference, and our encoder run in pieces. */
import { execFileSync } from 'node:child_process'
import { expect } from 'vitest'
import { xzCandidateParams } from '../../../src/compression/xz/candidates.js'
import { createXzEncoder } from '../../../src/compression/xz/encoder.js'
import { loadLiblzma } from '../../../src/compression/xz/liblzma.js'

// The encoders under test are synchronous: liblzma is loaded once, for every file that imports these helpers.
await loadLiblzma()

/** xorshift32, high byte: reproducible and (unlike a low-bit LCG) incompressible. */
export function randomBytes (n: number, seed: number): Uint8Array {
  let s = seed >>> 0 || 1
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; out[i] = s >>> 24 }
  return out
}

/** Text-like, semi-compressible bytes (xz gets ~4:1): seeded words, numbers and line breaks. */
export function textBytes (n: number, seed: number): Uint8Array {
  const words = ['archive', 'block', 'index', 'stream', 'tar', 'header', 'lzma', 'dictionary', 'the', 'of', 'and', 'a', 'to']
  const r = randomBytes(n, seed)
  const out = new Uint8Array(n)
  let p = 0
  for (let i = 0; p < n; i++) {
    const x = r[i % n]!
    const piece = x < 200 ? words[x % words.length]! : x < 240 ? String(x * 7919 + i) : '\n'
    for (let j = 0; j < piece.length && p < n; j++) out[p++] = piece.charCodeAt(j)
    if (p < n) out[p++] = 0x20
  }
  return out
}

/** The xz binary's output (xz-utils 5.4.1 is the reference; a missing binary fails the test). */
export function xz (args: string[], input: Uint8Array): Uint8Array {
  return new Uint8Array(execFileSync('xz', ['-c', '-q', ...args], { input, maxBuffer: 1 << 30 }))
}

/** Our encoder over `input`, written in pieces of `piece` bytes. */
export function encode (params: Record<string, number>, input: Uint8Array, piece = 1 << 20): Uint8Array {
  const enc = createXzEncoder(params)
  const parts: Uint8Array[] = []
  for (let i = 0; i < input.length; i += piece) parts.push(...enc.write(input.subarray(i, i + piece)))
  parts.push(...enc.end())
  return new Uint8Array(Buffer.concat(parts))
}

/** Byte identity without printing megabytes on failure: sizes and the first differing offset. */
export function expectSame (got: Uint8Array, want: Uint8Array, label: string): void {
  let i = 0
  const n = Math.min(got.length, want.length)
  while (i < n && got[i] === want[i]) i++
  expect({ label, length: got.length, firstDiff: i === n && got.length === want.length ? -1 : i })
    .toEqual({ label, length: want.length, firstDiff: -1 })
}

/** Where `params` is among the candidates the head of `file` yields (-1: absent). */
export function candidateRank (file: Uint8Array, params: Record<string, number>): number {
  const candidates = xzCandidateParams(file.subarray(0, 12 + 1024))
  expect(candidates).toBeDefined()
  return candidates!.findIndex(c => JSON.stringify(Object.entries(c).sort()) === JSON.stringify(Object.entries(params).sort()))
}

/**
 * Encodes like xz with `args`, checks byte identity, and that the head ranks `params` within `maxRank`
 * ('hidden': single-threaded --block-size, which the head cannot show, so the params must be absent).
 */
export function roundTrip (args: string[], params: Record<string, number>, input: Uint8Array, maxRank: number | 'hidden', piece?: number): Uint8Array {
  const want = xz(args, input)
  expectSame(encode(params, input, piece), want, args.join(' '))
  const rank = candidateRank(want, params)
  if (maxRank === 'hidden') { expect(rank).toBe(-1); return want }
  expect(rank, `${args.join(' ')}: rank of ${JSON.stringify(params)} in ${JSON.stringify(xzCandidateParams(want.subarray(0, 1036)))}`).toBeGreaterThanOrEqual(0)
  expect(rank, args.join(' ')).toBeLessThanOrEqual(maxRank)
  return want
}
