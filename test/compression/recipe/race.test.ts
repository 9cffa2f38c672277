import { describe, it, expect, beforeAll } from 'vitest'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { deflateRawSync } from 'node:zlib'
import fc from 'fast-check'
import { RecipeRace } from '../../../src/compression/recipe/race.js'
import type { EncoderFactory, RealStream, StreamEncoder } from '../../../src/compression/recipe/encoder.js'
import { zlibEncoder } from '../../../src/compression/recipe/zlib.js'
import { raceOver } from './race-helpers.js'

/** Both zlib lineages at every level (the production order is registry.ts's gzipCandidates). */
function zlibCandidates () {
  return [9, 6, 1, 2, 3, 4, 5, 7, 8].flatMap(level => ['zlib', 'zlib-chromium'].map(encoder => zlibEncoder({ encoder, params: { level } })))
}

// The race loads a candidate's code as it starts it (see the lazy tests below); these run races synchronously.
beforeAll(async () => { await Promise.all(['zlib', 'zlib-chromium'].map(async encoder => await zlibEncoder({ encoder, params: {} }).load?.())) })

const tar = new Uint8Array(readFileSync(join(import.meta.dirname, '../../fixtures/real/hello-2.10.tar')))

/** Runs a race feeding real bytes first, then input, in interleaved pieces (as decompression does). */
function race (input: Uint8Array, expected: Uint8Array, piece = 65536, candidates = zlibCandidates(), options: { maxLog?: number } = {}) {
  return raceOver(candidates, input, expected, piece, options)
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

  it('ordered with replay and raced in lockstep, the verdict and the reasons are the same, whatever the sizes (fast-check)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 300_000 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: -2, max: 2 }), (size, level, edit) => {
      const input = tar.subarray(0, size)
      let real = pythonDeflate(input, level)
      if (edit < 0) real = real.subarray(0, Math.max(0, real.length + edit))
      if (edit > 0) real = new Uint8Array([...real, ...new Uint8Array(edit)])
      const ordered = race(input, real, 65536, zlibCandidates())
      const raced = race(input, real, 65536, zlibCandidates(), { maxLog: 0 })
      expect(ordered.recipe).toEqual(raced.recipe)
      // In order, the candidates after the winner are not tried; those before it fail at the same byte for the
      // same reason (the race lists them in the order it found them, in candidate order).
      const tried = new Set(ordered.rejected.map(r => JSON.stringify(r.recipe)))
      const sorted = (rs: typeof ordered.rejected): string[] => rs.map(r => JSON.stringify(r)).sort()
      expect(sorted(ordered.rejected)).toEqual(sorted(raced.rejected.filter(r => tried.has(JSON.stringify(r.recipe)))))
      expect(ordered.rejected.length).toBe(ordered.recipe === undefined ? raced.rejected.length : zlibCandidates().findIndex(c => JSON.stringify(c.recipe) === JSON.stringify(ordered.recipe)))
    }), { numRuns: 12 })
  })

  it('a body that grows past the log bound is raced in lockstep from what was logged', () => {
    const input = tar.subarray(0, 1_500_000)
    const created: number[] = []
    const counted = zlibCandidates().map(c => ({ ...c, create: () => { created.push(1); return c.create() } }))
    const result = race(input, pythonDeflate(input, 6), 65536, counted, { maxLog: 100_000 })
    expect(result.recipe).toEqual({ encoder: 'zlib', params: { level: 6 } })
    expect(created).toHaveLength(18)
  })
})

/**
 * Candidates that need no compressor: each copies its input to its output, in chunks of `chunk` bytes,
 * holding back up to `hold` bytes, and ends differently from the truth by `flaw` (a flipped byte, a byte
 * too few or too many). Used after dispose(), it throws. With `foresee`, it tells that it diverged
 * (StreamEncoder.diverged) once it has taken the input byte it flips and the real one has arrived.
 */
function fake (id: number, { chunk = 1000, hold = 0, flaw, foresee = false }: { chunk?: number, hold?: number, flaw?: { at: number } | 'short' | 'long', foresee?: boolean } = {}, created?: number[]): EncoderFactory {
  return {
    recipe: { encoder: 'fake', params: { id } },
    create (real?: RealStream) {
      created?.push(id)
      let buffered = new Uint8Array(0)
      let written = 0
      const emit = (final: boolean): Uint8Array[] => {
        // A short one never writes its last byte.
        const keep = flaw === 'short' ? Math.max(hold, 1) : hold
        const upto = final ? Math.max(0, buffered.length - (flaw === 'short' ? 1 : 0)) : Math.max(0, buffered.length - keep)
        const out: Uint8Array[] = []
        for (let at = 0; at < upto; at += chunk) {
          const piece = buffered.slice(at, Math.min(upto, at + chunk))
          if (typeof flaw === 'object') for (let i = 0; i < piece.length; i++) if (written + i === flaw.at) piece[i] = (piece[i] as number) ^ 0xff
          written += piece.length
          out.push(piece)
        }
        buffered = buffered.slice(upto)
        if (final && flaw === 'long') out.push(Uint8Array.of(0))
        return out
      }
      // As the wasm encoders do, it refuses any use after dispose().
      let disposed = false
      const live = (): void => { if (disposed) throw new Error(`fake ${id}: used after dispose()`) }
      // Once proven, stays proven (the contract), also after the flipped byte was written.
      let proven = false
      const diverged = (): boolean => {
        live()
        if (proven || real === undefined || typeof flaw !== 'object' || flaw.at < written || flaw.at >= written + buffered.length) return proven
        const truth = real.from(flaw.at)
        proven = truth !== undefined && truth[0] !== ((buffered[flaw.at - written] as number) ^ 0xff)
        return proven
      }
      const encoder: StreamEncoder = {
        write (bytes) { live(); const next = new Uint8Array(buffered.length + bytes.length); next.set(buffered); next.set(bytes, buffered.length); buffered = next; return emit(false) },
        end () { live(); return emit(true) },
        dispose () { disposed = true }
      }
      // A getter (not spread into the literal, which would read it once).
      if (foresee) Object.defineProperty(encoder, 'diverged', { get: diverged })
      return encoder
    }
  }
}

/** Feeds `data` as both the real and the uncompressed stream, in the given order of steps. */
function feed (r: RecipeRace, data: Uint8Array, steps: Array<{ real: boolean, n: number }>): void {
  let real = 0
  let input = 0
  for (const { real: isReal, n } of steps) {
    if (isReal) { r.expected(data.subarray(real, real + n)); real = Math.min(data.length, real + n) } else { r.input(data.subarray(input, input + n)); input = Math.min(data.length, input + n) }
  }
  r.expected(data.subarray(real))
  r.input(data.subarray(input))
}

describe('recipe race: candidates started in order, replayed when needed', () => {
  const data = tar.subarray(0, 50_000)

  it('a candidate rejected while the log overflows and all start is never written to again (it is disposed)', () => {
    // 2 is replayed when the log overflows and rejected at its flaw during that replay; the input after it
    // must not reach its disposed encoder.
    const r = new RecipeRace([fake(1), fake(2, { flaw: { at: 10 } }), fake(3)], { maxLog: 30_000 })
    feed(r, data, [{ real: true, n: 20_000 }, { real: false, n: 5_000 }, { real: false, n: 10_000 }])
    expect(r.end().recipe).toEqual({ encoder: 'fake', params: { id: 1 } })
  })

  it('output that runs ahead of the real bytes in several chunks of one write is all kept for comparison', () => {
    // The input arrives before the real bytes: the candidate's 50 output chunks of one write wait, all of them.
    const r = new RecipeRace([fake(1, { chunk: 1000 })])
    r.input(data)
    r.expected(data)
    expect(r.end().recipe).toEqual({ encoder: 'fake', params: { id: 1 } })
  })

  it('while the first candidate holds, the later ones are not even created', () => {
    const created: number[] = []
    const r = new RecipeRace([fake(1, {}, created), fake(2, {}, created), fake(3, {}, created)])
    feed(r, data, [{ real: true, n: 20_000 }, { real: false, n: 20_000 }])
    expect(r.end()).toEqual({ recipe: { encoder: 'fake', params: { id: 1 } }, rejected: [] })
    expect(created).toEqual([1])
  })

  it('a later candidate replays what arrived before the earlier ones failed, and wins as it would have in lockstep', () => {
    const created: number[] = []
    const r = new RecipeRace([fake(1, { flaw: { at: 30_000 } }, created), fake(2, { flaw: 'short' }, created), fake(3, {}, created), fake(4, {}, created)])
    feed(r, data, [{ real: true, n: 10_000 }, { real: false, n: 35_000 }, { real: true, n: 5000 }])
    const result = r.end()
    expect(result.recipe).toEqual({ encoder: 'fake', params: { id: 3 } })
    expect(result.rejected.map(x => [x.recipe.params.id, x.reason, x.at])).toEqual([[1, 'differs', 30_000], [2, 'too-short', 49_999]])
    expect(created).toEqual([1, 2, 3])
  })

  it('gives the lockstep verdict for any candidates and any interleaving, whatever the log bound (fast-check)', () => {
    const flawArb = fc.oneof(fc.constant(undefined), fc.constant('short' as const), fc.constant('long' as const), fc.record({ at: fc.nat(49_999) }))
    const candidateArb = fc.record({ chunk: fc.integer({ min: 1, max: 20_000 }), hold: fc.oneof(fc.constant(0), fc.nat(60_000)), flaw: flawArb, foresee: fc.boolean() })
    const stepsArb = fc.array(fc.record({ real: fc.boolean(), n: fc.integer({ min: 1, max: 12_000 }) }), { maxLength: 12 })
    fc.assert(fc.property(fc.array(candidateArb, { minLength: 1, maxLength: 6 }), stepsArb, fc.integer({ min: 0, max: 120_000 }), fc.integer({ min: 1000, max: 70_000 }), (specs, steps, maxLog, maxLag) => {
      const verdict = (log: number, foresee = true) => {
        const r = new RecipeRace(specs.map((s, i) => fake(i, { ...s, foresee: foresee && s.foresee })), { maxLog: log, maxLag })
        feed(r, data, steps)
        const { recipe, rejected } = r.end()
        // A candidate that can prove its difference may be dropped on that proof sooner than the lockstep race
        // drops it (a replay is shown all the real bytes received so far), so for it only that it was dropped
        // is compared: `at` (how far its output had been compared) and the reason ('lagged', say, in lockstep)
        // depend on the schedule.
        const what = (x: typeof rejected[number]): string => foresee && specs[x.recipe.params.id!]!.foresee && typeof specs[x.recipe.params.id!]!.flaw === 'object' ? 'dropped' : `${x.reason} ${x.at}`
        return { recipe, rejected: rejected.map(x => `${x.recipe.params.id} ${what(x)}`).sort() }
      }
      const lockstep = verdict(0)
      const lazy = verdict(maxLog)
      expect(lazy.recipe).toEqual(lockstep.recipe)
      // The lazy race rejects a subset (those it had to run), for the same reasons at the same places.
      for (const rejected of lazy.rejected) expect(lockstep.rejected).toContain(rejected)
      // Candidates that foresee their difference are dropped sooner, never with another verdict.
      expect(verdict(maxLog, false).recipe).toEqual(lockstep.recipe)
    }), { numRuns: 400 })
  })
})

/** `factory` with code that loads only when asked, a turn of the event loop later; creating it before then throws. */
function lazy (factory: EncoderFactory, loads: number[]): EncoderFactory {
  let loaded = false
  let loading: Promise<void> | undefined
  return {
    recipe: factory.recipe,
    load () {
      if (loaded) return undefined
      if (loading === undefined) loads.push(factory.recipe.params.id as number)
      loading ??= new Promise<void>(resolve => setImmediate(resolve)).then(() => { loaded = true })
      return loading
    },
    create (real?: RealStream) {
      if (!loaded) throw new Error(`fake ${factory.recipe.params.id}: created before its code was loaded`)
      return factory.create(real)
    }
  }
}

describe('recipe race: a candidate\'s code loads when it is about to run (#16, start-up)', () => {
  const data = tar.subarray(0, 50_000)

  it('while the first candidate holds, the later ones\' code is never loaded', async () => {
    const loads: number[] = []
    const r = new RecipeRace([1, 2, 3].map(id => lazy(fake(id), loads)))
    await r.loading
    feed(r, data, [{ real: true, n: 20_000 }, { real: false, n: 20_000 }])
    expect((await r.finish()).recipe).toEqual({ encoder: 'fake', params: { id: 1 } })
    expect(loads).toEqual([1])
  })

  it('past the log bound, a candidate proven unable to write the stream is rejected without loading its code', async () => {
    const loads: number[] = []
    const cannot: EncoderFactory = { ...lazy(fake(2), loads), cannotWrite: () => true }
    const r = new RecipeRace([lazy(fake(1), loads), cannot, lazy(fake(3), loads)], { maxLog: 1000 })
    await r.loading
    feed(r, data, [{ real: false, n: 20_000 }, { real: true, n: 20_000 }])
    await r.loading
    const result = await r.finish()
    expect(result.recipe).toEqual({ encoder: 'fake', params: { id: 1 } })
    expect(result.rejected.map(x => [x.recipe.params.id, x.reason])).toEqual([[2, 'differs']])
    expect(loads).toEqual([1, 3])
  })

  it('gives the verdict of a race with all code loaded, whenever the code arrives, and loads only what it runs (fast-check)', async () => {
    const flawArb = fc.oneof(fc.constant(undefined), fc.constant('short' as const), fc.constant('long' as const), fc.record({ at: fc.nat(49_999) }))
    const candidateArb = fc.record({ chunk: fc.integer({ min: 1, max: 20_000 }), hold: fc.oneof(fc.constant(0), fc.nat(60_000)), flaw: flawArb, foresee: fc.boolean() })
    const stepsArb = fc.array(fc.record({ real: fc.boolean(), n: fc.integer({ min: 1, max: 12_000 }), wait: fc.boolean() }), { maxLength: 12 })
    await fc.assert(fc.asyncProperty(fc.array(candidateArb, { minLength: 1, maxLength: 6 }), stepsArb, fc.integer({ min: 0, max: 120_000 }), async (specs, steps, maxLog) => {
      const run: number[] = []
      const loaded = new RecipeRace(specs.map((s, i) => fake(i, s, run)), { maxLog })
      feed(loaded, data, steps)
      const expected = loaded.end().recipe
      const loads: number[] = []
      const r = new RecipeRace(specs.map((s, i) => lazy(fake(i, s), loads)), { maxLog })
      // The caller waits for the code after some steps only (as a worker does after each), or never.
      let real = 0
      let input = 0
      for (const { real: isReal, n, wait } of steps) {
        if (isReal) { r.expected(data.subarray(real, real + n)); real = Math.min(data.length, real + n) } else { r.input(data.subarray(input, input + n)); input = Math.min(data.length, input + n) }
        if (wait) await r.loading
      }
      r.expected(data.subarray(real))
      r.input(data.subarray(input))
      expect((await r.finish()).recipe).toEqual(expected)
      // Only candidates that race runs are loaded (one may load and then not run: the end came first).
      for (const id of loads) expect(run).toContain(id)
    }), { numRuns: 200 })
  }, 120_000)
})
