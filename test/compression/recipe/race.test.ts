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
function race (input: Uint8Array, expected: Uint8Array, piece = 65536, candidates = zlibCandidates()) {
  const r = new RecipeRace(candidates)
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
})
