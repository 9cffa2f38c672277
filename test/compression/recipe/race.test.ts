import { describe, it, expect } from 'vitest'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { deflateRawSync } from 'node:zlib'
import fc from 'fast-check'
import { RecipeRace } from '../../../src/compression/recipe/race.js'
import { zlibEncoder } from '../../../src/compression/recipe/zlib.js'

/** Both zlib lineages at every level (the production order is registry.ts's gzipCandidates). */
function zlibCandidates () {
  return [9, 6, 1, 2, 3, 4, 5, 7, 8].flatMap(level => ['zlib', 'zlib-chromium'].map(encoder => zlibEncoder({ encoder, params: { level } })))
}

const tar = new Uint8Array(readFileSync(join(import.meta.dirname, '../../fixtures/real/hello-2.10.tar')))

/** Runs a race feeding real bytes first, then input, in interleaved pieces (as decompression does). */
function race (input: Uint8Array, expected: Uint8Array, piece = 65536, candidates = zlibCandidates(), options: { sequentialUpTo?: number } = {}) {
  const r = new RecipeRace(candidates, options)
  const ratio = expected.length / Math.max(input.length, 1)
  let e = 0
  for (let i = 0; i < input.length; i += piece) {
    const upto = Math.min(expected.length, Math.ceil((i + piece) * ratio) + 1024)
    if (upto > e) { r.expected(expected.subarray(e, upto)); e = upto }
    r.input(input.subarray(i, i + piece))
  }
  r.expected(expected.subarray(e))
  return r.end()
}

/** Python's zlib (vanilla zlib 1.2.13 on Debian): the reference for the "zlib" lineage. */
function pythonDeflate (data: Uint8Array, level: number): Uint8Array {
  return new Uint8Array(execFileSync('python3', ['-c', `import sys,zlib; c=zlib.compressobj(${level},zlib.DEFLATED,-15); d=sys.stdin.buffer.read(); sys.stdout.buffer.write(c.compress(d)+c.flush())`], { input: data, maxBuffer: 1 << 28 }))
}

describe('recipe race over zlib lineages', () => {
  it.each([1, 6, 9])('finds vanilla zlib level %i (Python\'s zlib) and rejects the rest early', (level) => {
    const input = tar.subarray(0, 1_500_000)
    const result = race(input, pythonDeflate(input, level))
    expect(result.recipe).toEqual({ encoder: 'zlib', params: { level } })
    // Wrong candidates are rejected near the start, not after the whole stream.
    for (const r of result.rejected.filter(r => r.reason === 'differs')) expect(r.at).toBeLessThan(200_000)
  })

  it.each([1, 6, 9])('finds Node\'s zlib level %i as zlib-chromium', (level) => {
    const input = tar.subarray(0, 1_500_000)
    const result = race(input, new Uint8Array(deflateRawSync(input, { level })))
    expect(result.recipe).toEqual({ encoder: 'zlib-chromium', params: { level } })
  })

  it('finds nothing for GNU gzip output (its own deflate), and says where each candidate differed', () => {
    const input = tar.subarray(0, 500_000)
    const gz = execFileSync('gzip', ['-n', '-9', '-c'], { input })
    const result = race(input, new Uint8Array(gz.subarray(10, gz.length - 8)))
    expect(result.recipe).toBeUndefined()
    expect(result.rejected).toHaveLength(18)
  })

  it('a stream that is a prefix or has extra bytes is not matched', () => {
    const input = tar.subarray(0, 200_000)
    const real = pythonDeflate(input, 6)
    const cands = [zlibEncoder({ encoder: 'zlib', params: { level: 6 } })]
    expect(race(input, real.subarray(0, real.length - 1), 65536, cands).rejected[0]?.reason).toBe('too-long')
    expect(race(input, new Uint8Array([...real, 0]), 65536, cands).rejected[0]?.reason).toBe('too-short')
  })

  it('any interleaving of the two streams gives the same verdict (fast-check)', () => {
    const input = tar.subarray(0, 300_000)
    const real = pythonDeflate(input, 9)
    fc.assert(fc.property(fc.integer({ min: 1, max: 200_000 }), (piece) => {
      expect(race(input, real, piece, [zlibEncoder({ encoder: 'zlib', params: { level: 9 } })]).recipe).toBeDefined()
    }), { numRuns: 15 })
  })

  it('a small body is tried candidate by candidate, stopping at the first match (#16: a tiny .tgz costs two compressions, not 18)', () => {
    const input = tar.subarray(0, 200_000)
    const created: string[] = []
    const counted = zlibCandidates().map(c => ({ ...c, create: () => { created.push(JSON.stringify(c.recipe)); return c.create() } }))
    const result = race(input, new Uint8Array(deflateRawSync(input, { level: 9 })), 65536, counted)
    expect(result.recipe).toEqual({ encoder: 'zlib-chromium', params: { level: 9 } })
    expect(created).toEqual([JSON.stringify({ encoder: 'zlib', params: { level: 9 } }), JSON.stringify({ encoder: 'zlib-chromium', params: { level: 9 } })])
    expect(result.rejected.map(r => r.reason)).toEqual(['differs'])
  })

  it('held and raced, the verdict and the reasons are the same, whatever the sizes (fast-check)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 300_000 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: -2, max: 2 }), (size, level, edit) => {
      const input = tar.subarray(0, size)
      let real = pythonDeflate(input, level)
      if (edit < 0) real = real.subarray(0, Math.max(0, real.length + edit))
      if (edit > 0) real = new Uint8Array([...real, ...new Uint8Array(edit)])
      const held = race(input, real, 65536, zlibCandidates())
      const raced = race(input, real, 65536, zlibCandidates(), { sequentialUpTo: 0 })
      expect(held.recipe).toEqual(raced.recipe)
      // Held, the candidates after the winner are not tried; those before it fail at the same byte for the
      // same reason (the race lists them in the order it found them, held in candidate order).
      const tried = new Set(held.rejected.map(r => JSON.stringify(r.recipe)))
      const sorted = (rs: typeof held.rejected): string[] => rs.map(r => JSON.stringify(r)).sort()
      expect(sorted(held.rejected)).toEqual(sorted(raced.rejected.filter(r => tried.has(JSON.stringify(r.recipe)))))
      expect(held.rejected.length).toBe(held.recipe === undefined ? raced.rejected.length : zlibCandidates().findIndex(c => JSON.stringify(c.recipe) === JSON.stringify(held.recipe)))
    }), { numRuns: 12 })
  })

  it('a body that grows past the bound is raced in lockstep from what was held', () => {
    const input = tar.subarray(0, 1_500_000)
    const created: number[] = []
    const counted = zlibCandidates().map(c => ({ ...c, create: () => { created.push(1); return c.create() } }))
    const result = race(input, pythonDeflate(input, 6), 65536, counted, { sequentialUpTo: 100_000 })
    expect(result.recipe).toEqual({ encoder: 'zlib', params: { level: 6 } })
    expect(created).toHaveLength(18)
  })
})
