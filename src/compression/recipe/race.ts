/**
 * Finding a recipe: every candidate encoder consumes the same uncompressed stream while its output is
 * compared with the real compressed bytes; a candidate is dropped at its first differing byte, so wrong
 * candidates cost little (most differ within their first block) and the survivor is verified over the
 * whole stream before it is recorded. The real bytes are kept only until every live candidate has
 * compared them, and a candidate that falls more than `maxLag` bytes behind is dropped, so memory stays
 * bounded.
 */
import type { EncoderFactory, Recipe, StreamEncoder } from './encoder.js'

interface Runner { recipe: Recipe, encoder: StreamEncoder, compared: number }

export interface RaceResult {
  /** The first candidate (in the given order) whose output equals the real bytes exactly. */
  recipe?: Recipe
  /** Where each rejected candidate first differed, or why else it was dropped. */
  rejected: Array<{ recipe: Recipe, at: number, reason: 'differs' | 'too-long' | 'too-short' | 'lagged' }>
}

export class RecipeRace {
  #runners: Runner[]
  readonly #rejected: RaceResult['rejected'] = []
  /** Real compressed bytes from offset #base on, not yet compared by every live candidate. */
  #pending: Uint8Array[] = []
  #base = 0
  #received = 0
  readonly #maxLag: number

  constructor (candidates: EncoderFactory[], options: { maxLag?: number } = {}) {
    this.#runners = candidates.map(c => ({ recipe: c.recipe, encoder: c.create(), compared: 0 }))
    this.#maxLag = options.maxLag ?? 16 * 1024 * 1024
  }

  get alive (): number { return this.#runners.length }

  /** The next real compressed bytes. */
  expected (bytes: Uint8Array): void {
    if (this.#runners.length === 0 || bytes.length === 0) return
    this.#pending.push(bytes)
    this.#received += bytes.length
    this.#trim()
  }

  /** The next uncompressed bytes, fed to every live candidate. */
  input (bytes: Uint8Array): void {
    for (const runner of this.#runners) this.#compare(runner, runner.encoder.write(bytes))
    this.#drop()
  }

  /**
   * The input ended, and the real body is the first `length` bytes fed to `expected` (default: all of
   * them; more may have been fed when the caller could not yet tell where the body ends): the candidates
   * that produced exactly those bytes, first one wins.
   */
  end (length = this.#received): RaceResult {
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
