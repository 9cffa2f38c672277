/** Property: for random inputs over small alphabets (long runs, repetitions) and random levels, output = bzip2's. */
import { beforeAll, describe, it } from 'vitest'
import fc from 'fast-check'
import { bzip2CompressSync, loadLibbz2 } from '../../../src/compression/bzip2/index.js'
import { expectSameBytes, referenceCompress } from './reference.js'

/** Inputs built from pieces: random letters, runs of one byte (RLE1 edges), and repeats of earlier pieces. */
const piece = fc.oneof(
  fc.uint8Array({ maxLength: 300, min: 97, max: 99 }),
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 600 })).map(([c, n]) => new Uint8Array(n).fill(97 + c)),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 12, min: 97, max: 98 }), fc.integer({ min: 2, max: 60 }))
    .map(([u, k]) => { const o = new Uint8Array(u.length * k); for (let i = 0; i < k; i++) o.set(u, i * u.length); return o }),
  fc.uint8Array({ maxLength: 200 })
)
const input = fc.array(piece, { maxLength: 12 }).map((ps) => {
  const out = new Uint8Array(ps.reduce((s, p) => s + p.length, 0))
  let o = 0
  for (const p of ps) { out.set(p, o); o += p.length }
  return out
})


// The encoder under test is synchronous: libbz2 is loaded first.
beforeAll(loadLibbz2)
describe('bzip2CompressSync (fast-check)', () => {
  it('equals bzip2 -<level> on random small-alphabet inputs', () => {
    fc.assert(fc.property(input, fc.integer({ min: 1, max: 9 }), (data, level) => {
      expectSameBytes(bzip2CompressSync(data, level), referenceCompress(data, level), `level ${level}, ${data.length} bytes`)
    }), { numRuns: 300 })
  })
})
