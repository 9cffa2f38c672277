/**
 * Finding a recipe: every candidate encoder consumes the same uncompressed stream while its output is
 * compared with the real compressed bytes; a candidate is dropped at its first differing byte, so wrong
 * candidates cost little (most differ within their first block) and the survivor is verified over the
 * whole stream before it is recorded. The real bytes are kept only until every live candidate has
 * compared them, and a candidate that falls more than `maxLag` bytes behind is dropped, so memory stays
 * bounded.
 *
 * A small body is not raced: while its input is at most `sequentialUpTo` bytes, both streams are only
 * held, and when it ends the candidates are tried one after another, in order, until the first match.
 * The verdict is the same (the first candidate in order whose output is exactly the body), but a small
 * .tgz costs one or two compressions instead of one per candidate; a body that grows past the bound
 * starts the lockstep race with what was held.
 */
import type { EncoderFactory, Recipe, StreamEncoder } from './encoder.js'

interface Runner { recipe: Recipe, encoder: StreamEncoder, compared: number }

/** A body not raced yet: the candidates and the input so far (copies). */
interface Held { candidates: EncoderFactory[], input: Uint8Array[], bytes: number, max: number }

export interface RaceResult {
  /** The first candidate (in the given order) whose output equals the real bytes exactly. */
  recipe?: Recipe
  /** Where each rejected candidate first differed, or why else it was dropped. */
  rejected: Array<{ recipe: Recipe, at: number, reason: 'differs' | 'too-long' | 'too-short' | 'lagged' }>
}

/** Bodies whose input stays within this many bytes are tried candidate by candidate (see above). */
export const SEQUENTIAL_INPUT_MAX = 1024 * 1024
/** ... and whose real bytes seen meanwhile stay within this many (they may run past the body's end). */
const SEQUENTIAL_EXPECTED_MAX = 4 * 1024 * 1024

export class RecipeRace {
  #runners: Runner[] = []
  readonly #rejected: RaceResult['rejected'] = []
  /** Real compressed bytes from offset #base on, not yet compared by every live candidate. */
  #pending: Uint8Array[] = []
  #base = 0
  #received = 0
  readonly #maxLag: number
  /** Until the race starts (undefined once it has). */
  #held: Held | undefined

  constructor (candidates: EncoderFactory[], options: { maxLag?: number, sequentialUpTo?: number } = {}) {
    this.#maxLag = options.maxLag ?? 16 * 1024 * 1024
    this.#held = { candidates, input: [], bytes: 0, max: options.sequentialUpTo ?? SEQUENTIAL_INPUT_MAX }
    if (this.#held.max === 0) this.#start()
  }

  /** The next real compressed bytes. */
  expected (bytes: Uint8Array): void {
    if (bytes.length === 0) return
    if (this.#held !== undefined) {
      this.#pending.push(bytes)
      this.#received += bytes.length
      if (this.#received > SEQUENTIAL_EXPECTED_MAX) this.#start()
      return
    }
    if (this.#runners.length === 0) return
    this.#pending.push(bytes)
    this.#received += bytes.length
    this.#trim()
  }

  /** The next uncompressed bytes, fed to every live candidate. */
  input (bytes: Uint8Array): void {
    const held = this.#held
    if (held !== undefined) {
      if (bytes.length === 0) return
      held.input.push(bytes.slice()) // the caller may reuse its buffer
      held.bytes += bytes.length
      if (held.bytes > held.max) this.#start()
      return
    }
    for (const runner of this.#runners) this.#compare(runner, runner.encoder.write(bytes))
    this.#drop()
  }

  /** Starts the lockstep race: every candidate's encoder, fed what was held. */
  #start (): void {
    const held = this.#held
    if (held === undefined) return
    this.#held = undefined
    this.#runners = held.candidates.map(c => ({ recipe: c.recipe, encoder: c.create(), compared: 0 }))
    this.#trim()
    for (const bytes of held.input) this.input(bytes)
  }

  /**
   * The input ended, and the real body is the first `length` bytes fed to `expected` (default: all of
   * them; more may have been fed when the caller could not yet tell where the body ends): the candidates
   * that produced exactly those bytes, first one wins.
   */
  end (length = this.#received): RaceResult {
    if (this.#held !== undefined) return this.#endHeld(this.#held, length)
    for (const runner of this.#runners) {
      // Anything still parked is beyond the real stream's end.
      if (this.#parked.has(runner)) { this.#parked.delete(runner); this.#reject(runner, 'too-long'); continue }
      this.#compare(runner, runner.encoder.end())
      if (this.#parked.has(runner)) { this.#parked.delete(runner); this.#reject(runner, 'too-long') }
    }
    this.#drop()
    for (const runner of this.#runners) {
      if (runner.compared < length) this.#reject(runner, 'too-short')
      else if (runner.compared > length) this.#reject(runner, 'too-long')
    }
    this.#drop()
    const winner = this.#runners[0]
    return winner === undefined ? { rejected: this.#rejected } : { recipe: winner.recipe, rejected: this.#rejected }
  }

  /** A held body: each candidate in turn over the whole input, until one makes exactly `length` real bytes. */
  #endHeld (held: Held, length: number): RaceResult {
    this.#held = undefined
    for (const candidate of held.candidates) {
      const why = this.#tryAlone(candidate, held.input, length)
      if (why === undefined) return { recipe: candidate.recipe, rejected: this.#rejected }
      this.#rejected.push({ recipe: candidate.recipe, ...why })
    }
    return { rejected: this.#rejected }
  }

  /** Why one candidate's output over `input` is not the first `length` real bytes (undefined: it is). */
  #tryAlone (candidate: EncoderFactory, input: Uint8Array[], length: number): { at: number, reason: 'differs' | 'too-long' | 'too-short' } | undefined {
    const real = Math.min(length, this.#received)
    const encoder = candidate.create()
    let compared = 0
    const check = (outputs: Uint8Array[]): { at: number, reason: 'differs' | 'too-long' } | undefined => {
      for (const out of outputs) {
        const n = this.#compareAt(compared, out.subarray(0, real - compared))
        if (n < 0) return { at: compared + ~n, reason: 'differs' }
        compared += n
        if (n < out.length) return { at: compared, reason: 'too-long' }
      }
      return undefined
    }
    for (const bytes of input) {
      const why = check(encoder.write(bytes))
      if (why !== undefined) return why
    }
    const why = check(encoder.end())
    if (why !== undefined) return why
    return compared < length ? { at: compared, reason: 'too-short' } : undefined
  }

  #compare (runner: Runner, outputs: Uint8Array[]): void {
    for (const out of outputs) {
      if (runner.compared < 0) return
      let at = 0
      while (at < out.length) {
        if (runner.compared >= this.#received) {
          // Output ahead of the real bytes received so far: compared when they arrive (bounded).
          this.#park(runner, out.subarray(at))
          return
        }
        const n = this.#compareAt(runner.compared, out.subarray(at))
        if (n < 0) { this.#reject(runner, 'differs', runner.compared + ~n); return }
        runner.compared += n
        at += n
      }
    }
  }

  /** Compares `bytes` with the real bytes at `offset`; returns how many matched, or ~i at a difference. */
  #compareAt (offset: number, bytes: Uint8Array): number {
    let skip = offset - this.#base
    let done = 0
    for (const chunk of this.#pending) {
      if (skip >= chunk.length) { skip -= chunk.length; continue }
      const n = Math.min(chunk.length - skip, bytes.length - done)
      for (let i = 0; i < n; i++) if (chunk[skip + i] !== bytes[done + i]) return ~(done + i)
      done += n
      skip = 0
      if (done === bytes.length) break
    }
    return done
  }

  /** Output that ran ahead of the real bytes waits here until they arrive. */
  readonly #parked = new Map<Runner, { chunks: Uint8Array[], bytes: number }>()
  #park (runner: Runner, bytes: Uint8Array): void {
    const parked = this.#parked.get(runner) ?? { chunks: [], bytes: 0 }
    // Compressed bytes arrive before the data they decode to, so the right encoder is never far ahead.
    if (parked.bytes + bytes.length > this.#maxLag) { this.#parked.delete(runner); this.#reject(runner, 'too-long'); return }
    parked.chunks.push(bytes.slice())
    parked.bytes += bytes.length
    this.#parked.set(runner, parked)
  }

  #reject (runner: Runner, reason: RaceResult['rejected'][number]['reason'], at = runner.compared): void {
    if (runner.compared < 0) return
    this.#rejected.push({ recipe: runner.recipe, at, reason })
    runner.compared = -1
  }

  #drop (): void {
    this.#runners = this.#runners.filter(r => r.compared >= 0)
  }

  #trim (): void {
    // Output that waited for these bytes is compared first.
    for (const runner of this.#runners) {
      const parked = this.#parked.get(runner)
      if (parked !== undefined) {
        this.#parked.delete(runner)
        this.#compare(runner, parked.chunks)
      }
      // A candidate far behind would make us keep that much of the real stream.
      if (runner.compared >= 0 && this.#received - runner.compared > this.#maxLag) this.#reject(runner, 'lagged')
    }
    this.#drop()
    const keepFrom = this.#runners.length === 0 ? this.#received : Math.min(...this.#runners.map(r => r.compared))
    while (this.#pending.length > 0) {
      const first = this.#pending[0] as Uint8Array
      if (this.#base + first.length > keepFrom) break
      this.#base += first.length
      this.#pending.shift()
    }
  }
}
