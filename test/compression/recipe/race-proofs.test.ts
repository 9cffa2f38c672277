/**
 * Candidates dropped on proofs (what the real stream's first deflate block shows: recipe/race.ts) get
 * exactly the verdict running them would give (#16: a small .tgz ran four wrong gzip candidates over its
 * whole input before the right one). Each candidate alone is checked against the truth (its own output
 * compared with the stream) over streams that GNU gzip, vanilla zlib (Python), Node's zlib and Go made of
 * real tar bytes at every level, and over random inputs (fast-check); the whole ordered race is compared
 * with proofs on and off over the real archives.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { deflateRawSync } from 'node:zlib'
import fc from 'fast-check'
import { gzipCandidates } from '../../../src/compression/recipe/registry.js'
import { node16DeflateRaw } from '../../helpers/node16.js'
import type { EncoderFactory } from '../../../src/compression/recipe/encoder.js'
import { parseGzipHeader } from '../../../src/compression/container/gzip.js'
import { readFirstBlock } from '../../../src/compression/deflate/first-block.js'
import { gnuGzipDeflateSync } from '../../../src/compression/deflate/gnu-gzip.js'
import { goFlateDeflateSync } from '../../../src/compression/deflate/go/go-flate.js'
import { gzipRawDeflate, cleanupOracle as cleanupGzip } from '../deflate/gnu-gzip-oracle.js'
import { goFlateBatch, cleanupOracle as cleanupGo } from '../deflate-go/go-oracle.js'
import { ensureRealArchives } from '../../helpers/real-archives.js'
import { raceOver } from './race-helpers.js'

const LEVELS = [1, 2, 3, 4, 5, 6, 7, 8, 9]
const tar = new Uint8Array(readFileSync(join(import.meta.dirname, '../../fixtures/real/hello-2.10.tar')))

let candidates: EncoderFactory[]
beforeAll(async () => { candidates = await gzipCandidates() })
afterAll(() => { cleanupGzip(); cleanupGo() })

/** The race's verdict, the real bytes a little ahead of the input they decode to. */
function race (list: EncoderFactory[], input: Uint8Array, body: Uint8Array, proofs: boolean, piece = 1 << 30) {
  return raceOver(list, input, body, piece, { proofs }, 64)
}

const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.from(a).equals(Buffer.from(b))

/** The candidate's whole output, made without any race. */
function outputOf (candidate: EncoderFactory, input: Uint8Array): Uint8Array {
  const e = candidate.create()
  const parts = [...e.write(input), ...e.end()]
  e.dispose?.()
  return new Uint8Array(Buffer.concat(parts))
}

/** The candidate, counting in `proofs` each time it is dropped on a proof (cannotWrite or diverged). */
function counted (c: EncoderFactory, proofs: { n: number }): EncoderFactory {
  return {
    recipe: c.recipe,
    create (real) {
      const e = c.create(real)
      return {
        write: (bytes) => e.write(bytes),
        end: () => e.end(),
        dispose: () => e.dispose?.(),
        get diverged () { if (e.diverged !== true) return false; proofs.n++; return true }
      }
    },
    cannotWrite (real) { if (c.cannotWrite?.(real) !== true) return false; proofs.n++; return true }
  }
}

/** Every candidate alone, with proofs, matches `body` exactly when its own output equals it; returns how many proofs dropped one. */
function expectSameVerdicts (input: Uint8Array, bodies: Uint8Array[], piece?: number): number {
  const outputs = candidates.map(c => outputOf(c, input))
  const proofs = { n: 0 }
  for (const body of bodies) {
    candidates.forEach((candidate, i) => {
      const result = race([counted(candidate, proofs)], input, body, true, piece)
      expect(result.recipe !== undefined, `${JSON.stringify(candidate.recipe)} on a ${input.length}-byte input`).toBe(equal(outputs[i]!, body))
    })
  }
  return proofs.n
}

describe('recipe race: candidates dropped on proofs get the verdict running them gives (#16)', () => {
  // Sizes around the encoders' buffers: empty, one byte, a tar header, left-pad's tar, past a 64 KiB window.
  const slices = [[0, 0], [0, 1], [0, 512], [0, 17_920], [300_000, 70_000]] as const

  it.each(slices)('GNU gzip, Python\'s zlib, Node\'s zlib (20 and 16) and Go streams at every level (tar bytes from %i, %i long)', (from, length) => {
    const input = tar.subarray(from, from + length)
    const python = (level: number): Uint8Array => new Uint8Array(execFileSync('python3', ['-c', `import sys,zlib; c=zlib.compressobj(${level},zlib.DEFLATED,-15); d=sys.stdin.buffer.read(); sys.stdout.buffer.write(c.compress(d)+c.flush())`], { input }))
    const bodies = [
      ...LEVELS.map(level => gzipRawDeflate(input, level)),
      ...LEVELS.map(python),
      ...LEVELS.map(level => new Uint8Array(deflateRawSync(input, { level }))),
      ...node16DeflateRaw([input], LEVELS)[0]!,
      ...goFlateBatch(LEVELS.map(level => ({ data: input, level, writeSize: 32768 })))
    ]
    const proved = expectSameVerdicts(input, bodies)
    // The proofs do work here (they are not vacuous): many candidates are dropped on them.
    if (length >= 512) expect(proved).toBeGreaterThan(bodies.length * 10)
    // And given the real bytes in small pieces (the first block arrives in parts).
    if (length >= 17_920) expectSameVerdicts(input, bodies.filter((_, i) => i % 9 === 5 || i % 9 === 8), 4096)
  }, 600_000)

  it('random inputs, any of our encoders at any level, any piece size (fast-check)', () => {
    // Short runs of a few symbols and copies of earlier bytes: many matches, as in real archives.
    const inputs = fc.array(fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 40, max: 7 }),
      fc.record({ back: fc.integer({ min: 1, max: 5000 }), length: fc.integer({ min: 3, max: 300 }) })
    ), { maxLength: 400 }).map(parts => {
      const out: number[] = []
      for (const p of parts) {
        if (p instanceof Uint8Array) out.push(...p)
        else for (let i = 0; i < p.length && out.length > 0; i++) out.push(out[Math.max(0, out.length - p.back)]!)
      }
      return Uint8Array.from(out)
    })
    const makers = [
      (d: Uint8Array, l: number) => gnuGzipDeflateSync(d, l),
      (d: Uint8Array, l: number) => new Uint8Array(deflateRawSync(d, { level: l })),
      (d: Uint8Array, l: number) => goFlateDeflateSync(d, l),
      (d: Uint8Array, l: number) => outputOf(candidates.find(c => c.recipe.encoder === 'zlib' && c.recipe.params.level === l)!, d),
      (d: Uint8Array, l: number) => outputOf(candidates.find(c => c.recipe.encoder === 'zlib-chromium-crc32c' && c.recipe.params.level === l)!, d)
    ]
    fc.assert(fc.property(inputs, fc.integer({ min: 0, max: 4 }), fc.constantFrom(...LEVELS), fc.constantFrom(1 << 30, 1000, 100), (input, maker, level, piece) => {
      expectSameVerdicts(input, [makers[maker]!(input, level)], piece)
    }), { seed: 1616, numRuns: 40 })
  }, 600_000)

  it('the real archives: the ordered race over every gzip candidate, proofs on and off', () => {
    const dir = ensureRealArchives()
    const names = readdirSync(dir).filter(n => /\.(tgz|tar\.gz)$/.test(n)).sort()
    expect(names.length).toBeGreaterThanOrEqual(4)
    for (const name of names) {
      const gz = new Uint8Array(readFileSync(join(dir, name)))
      const header = parseGzipHeader(gz)
      if (!header.complete) throw new Error(`${name}: no gzip header`)
      const input = new Uint8Array(readFileSync(join(dir, name.replace(/\.tgz$/, '.tar').replace(/\.tar\.gz$/, '.tar'))))
      const body = gz.subarray(header.length, gz.length - 8)
      const on = race(candidates, input, body, true, 65536)
      const off = race(candidates, input, body, false, 65536)
      expect(on.recipe, name).toEqual(off.recipe)
      expect(on.rejected.map(r => r.recipe), name).toEqual(off.rejected.map(r => r.recipe))
    }
  }, 900_000)

  it('reads a first block\'s tokens exactly as they expand to the input (stored, fixed, dynamic; cut anywhere)', () => {
    const input = tar.subarray(0, 20_000)
    for (const body of [deflateRawSync(input, { level: 0 }), deflateRawSync(input.subarray(0, 60), { level: 9 }), deflateRawSync(input, { level: 6 })]) {
      const whole = readFirstBlock(body)!
      expect(whole.complete).toBe(true)
      for (const cut of [0, 1, 2, 7, 100, body.length >> 1, body.length]) {
        const block = readFirstBlock(body.subarray(0, cut))
        // Nothing is known until the block's header (for a dynamic block, its code lengths) is whole.
        if (block === undefined) { expect(cut).toBeLessThan(whole.type === 'dynamic' ? 200 : 5); continue }
        expect([block.final, block.type]).toEqual([whole.final, whole.type])
        expect([...block.tokens]).toEqual([...whole.tokens.subarray(0, block.tokens.length)])
        const out: number[] = []
        for (const t of block.tokens) {
          const distance = Math.floor(t / 256)
          if (distance === 0) out.push(t)
          else for (let i = 0; i < (t & 255) + 3; i++) out.push(out[out.length - distance]!)
        }
        expect(Buffer.from(out).equals(Buffer.from(input.subarray(0, out.length)))).toBe(true)
      }
    }
  })
})
