/**
 * Finding a recipe: the candidate encoders consume the uncompressed stream while their output is compared
 * with the real compressed bytes; a candidate is dropped at its first differing byte (or sooner, on a proof:
 * below), and the survivor is
 * verified over the whole stream before it is recorded. The recipe is the first candidate, in the given
 * order, whose whole output equals the real bytes.
 *
 * Candidates start one at a time, in order: while the leader holds, the later ones cannot win, so they
 * are not run at all (the order puts the likeliest first). What has arrived so far (real and uncompressed
 * bytes, in their order) is logged, and a candidate started after the leader failed replays the log, so
 * its fate is exactly what it would have been had it run from the start. The log is bounded: when it
 * would grow past `maxLog` bytes, every remaining candidate is started (replayed) at once, the log is
 * dropped, and from then on they all run in lockstep. The real bytes are kept only until every live
 * candidate has compared them (and the log does not need them), and a candidate that falls more than
 * `maxLag` bytes behind is dropped, so memory stays bounded. A candidate's encoder is disposed as soon as
 * it is rejected, and the others' at the end: a WebAssembly encoder's instance (an xz -6 encoder's is
 * ~125 MiB) then serves the next candidate instead of lingering until it is collected.
 *
 * A candidate may also be dropped on a proof instead of a differing byte: the race shows the candidates
 * what it knows of the real stream (`RealStream`: the real bytes so far; a deflate encoder decodes their
 * first block, real-deflate.ts), and one that can prove it never writes that stream is rejected before
 * running (`cannotWrite`) or while it runs (`diverged`: its first block's tokens differ; an xz block held
 * back until whole already differs, xz/block-probe.ts). The verdict is the same; a wrong candidate just
 * costs a fraction of the input instead of all of it (a small gzip body is one block, whose first byte
 * comes only after the whole input was compressed; an `xz -T2` block is 24 MiB at -6).
 *
 * A candidate's code may load only when it is about to run (`EncoderFactory.load`): the race then waits
 * for it without blocking. It keeps the candidate waiting and logs what arrives meanwhile (past `maxLog`
 * if need be: `loading` is the promise to wait for, which bounds that), and starts it once its code is
 * there, replaying the log as for any later start; so the verdict is the one of a race whose code was all
 * loaded. `finish` is `end` for such a race.
 */
import type { EncoderFactory, RealStream, Recipe, StreamEncoder } from './encoder.js'

interface Runner { recipe: Recipe, encoder: StreamEncoder, compared: number }

export interface RaceResult {
  /** The first candidate (in the given order) whose output equals the real bytes exactly. */
  recipe?: Recipe
  /**
   * Where each rejected candidate first differed (or, dropped on a proof, how far its output had been
   * compared), or why else it was dropped. Candidates after the winner that never had to run are not listed.
   */
  rejected: Array<{ recipe: Recipe, at: number, reason: 'differs' | 'too-long' | 'too-short' | 'lagged' }>
}

export interface RaceOptions {
  /** How far (bytes of real output) a candidate may fall behind before it is dropped. Default 16 MiB. */
  maxLag?: number
  /** Bytes (real and uncompressed) logged for candidates not started yet. Default 16 MiB; 0: all start at once. */
  maxLog?: number
  /** Whether candidates may be dropped on proofs from the real stream (same verdicts; default true). */
  proofs?: boolean
}


/** One step of the stream as it arrived: real compressed bytes, or uncompressed input. */
interface Step { real: boolean, bytes: Uint8Array }

export class RecipeRace {
  /** Started candidates still in the race, in candidate order. */
  #runners: Runner[] = []
  /** Candidates not started yet, in order (all after the started ones). */
  readonly #waiting: EncoderFactory[]
  /** Everything that arrived, while candidates wait; undefined once they all started. */
  #log: Step[] | undefined = []
  #logBytes = 0
  readonly #rejected: RaceResult['rejected'] = []
  /** Real compressed bytes from offset #base on, not yet compared by every live candidate. */
  #pending: Uint8Array[] = []
  #base = 0
  #received = 0
  readonly #maxLag: number
  readonly #maxLog: number
  /** What candidates are shown of the real stream; undefined when proofs are off. */
  readonly #real: RealStream | undefined
  /** While the code of a candidate to start now is loading; the race resumes by itself when it is there. */
  #loading: Promise<void> | undefined
  /** Set by `finish`: from then on only it starts candidates. */
  #ending = false

  constructor (candidates: EncoderFactory[], options: RaceOptions = {}) {
    this.#waiting = [...candidates]
    this.#maxLag = options.maxLag ?? 16 * 1024 * 1024
    this.#maxLog = options.maxLog ?? 16 * 1024 * 1024
    const race = this
    this.#real = options.proofs === false
      ? undefined
      : { get received () { return race.#received }, head: (length) => this.#head(length), from: (offset) => this.#from(offset) }
    this.#startNext()
  }

  /** The first `length` real bytes, while they are all kept (RealStream.head). */
  #head (length: number): Uint8Array | undefined {
    if (this.#base !== 0 || length > this.#received) return undefined
    const bytes = new Uint8Array(length)
    let at = 0
    for (const chunk of this.#pending) {
      if (at >= length) break
      const part = chunk.subarray(0, length - at)
      bytes.set(part, at)
      at += part.length
    }
    return bytes
  }

  /**
   * Whether the race keeps the bytes it is given beyond the call (while it logs them for candidates not
   * started yet): if not, `input` may be given a view of memory that is reused afterwards. Real bytes
   * (`expected`) are always kept until every candidate has compared them.
   */
  get logging (): boolean { return this.#log !== undefined }

  /**
   * A promise while a candidate the race has to start now waits for its code; the race logs what arrives
   * meanwhile, so a caller waits for it before giving more (rejected if the code failed to load).
   */
  get loading (): Promise<void> | undefined { return this.#loading }

  /**
   * The one candidate left, when every other has been rejected for good (none waits to be started, so
   * none can be revived): the verdict is then its recipe exactly if its whole output equals the real body.
   */
  get lone (): Recipe | undefined {
    return this.#waiting.length === 0 && this.#runners.length === 1 ? this.#runners[0]!.recipe : undefined
  }

  /** The candidates rejected so far, and where (as `end()` lists them). */
  get rejected (): RaceResult['rejected'] { return [...this.#rejected] }

  /** Candidates not started yet (they run only if every started one fails). */
  get waiting (): number { return this.#waiting.length }

  /** Candidates started and not rejected. */
  get running (): number { return this.#runners.length }

  /**
   * Starts the next waiting candidate now, replaying what was logged, as the log bound starts them all:
   * the verdict is the same (a race run in lockstep gives the sequential one), and a wrong candidate
   * proven wrong early (a proof, a differing byte) is then rejected for good instead of waiting.
   */
  startNext (): void {
    if (this.#log === undefined) return
    this.#startNext()
    this.#trim()
  }

  /** The next real compressed bytes. */
  expected (bytes: Uint8Array): void {
    if (bytes.length === 0 || (this.#runners.length === 0 && this.#waiting.length === 0)) return
    this.#record({ real: true, bytes })
    this.#pending.push(bytes)
    this.#received += bytes.length
    for (const runner of this.#runners) { this.#onReal(runner, this.#received); this.#foresee(runner) }
    this.#settle()
  }

  /** The next uncompressed bytes, fed to every live candidate. */
  input (bytes: Uint8Array): void {
    if (this.#runners.length === 0 && this.#waiting.length === 0) return
    this.#record({ real: false, bytes })
    for (const runner of this.#runners) if (runner.compared >= 0) this.#write(runner, bytes, this.#received)
    this.#settle()
  }

  /**
   * The input ended, and the real body is the first `length` bytes fed to `expected` (default: all of
   * them; more may have been fed when the caller could not yet tell where the body ends): the candidates
   * that produced exactly those bytes, first one wins.
   */
  end (length = this.#received): RaceResult {
    const result = this.#end(length)
    if (result === undefined) throw new Error('RecipeRace.end: a candidate\'s code is still loading (use finish)')
    return result
  }

  /** `end`, waiting for the code of each candidate it has to start (see `loading`). */
  async finish (length = this.#received): Promise<RaceResult> {
    this.#ending = true
    for (;;) {
      await this.#loaded()
      const result = this.#end(length)
      if (result !== undefined) return result
    }
  }

  /** The end, or undefined when it waits for a candidate's code (call again once `loading` settled). */
  #end (length: number): RaceResult | undefined {
    for (;;) {
      for (const runner of this.#runners) this.#finish(runner, length)
      this.#drop()
      const winner = this.#runners[0]
      if (winner !== undefined) {
        for (const runner of this.#runners) runner.encoder.dispose?.()
        return { recipe: winner.recipe, rejected: this.#rejected }
      }
      // The started ones all failed: the next waiting candidate replays the whole (logged) stream.
      if (this.#waiting.length === 0 || this.#log === undefined) return { rejected: this.#rejected }
      if (!this.#startNext()) return undefined
    }
  }

  /** Waits while a candidate's code loads; throws if it failed to. */
  async #loaded (): Promise<void> {
    while (this.#loading !== undefined) await this.#loading
  }

  /** Candidates to start now need their code: the race waits for it (logging meanwhile), then resumes. */
  #wait (code: Promise<unknown>): void {
    const loading: Promise<void> = Promise.all([this.#loading, code]).then(() => {
      if (this.#loading !== loading) return
      this.#loading = undefined
      if (!this.#ending) this.#resume()
    }, (error: unknown) => {
      if (this.#loading === loading) this.#loading = undefined
      throw error
    })
    // Whoever waits sees a failure; none waiting must not make it an unhandled rejection.
    loading.catch(() => {})
    this.#loading = loading
  }

  /** What waited for code: the start of every candidate once the log passed its bound, or of the next one. */
  #resume (): void {
    if (this.#log !== undefined && this.#logBytes > this.#maxLog && !this.#startAll()) return
    this.#settle()
  }

  /** Abandons the race: every started candidate's encoder is disposed now (no call after this). */
  dispose (): void {
    for (const runner of this.#runners) runner.encoder.dispose?.()
    this.#runners = []
    this.#waiting.length = 0
    this.#log = undefined
    this.#pending = []
    this.#parked.clear()
  }

  /** A runner's end: flushes its encoder and checks that its output is exactly `length` bytes. */
  #finish (runner: Runner, length: number): void {
    // Anything still parked is beyond the real stream's end.
    if (this.#parked.has(runner)) { this.#parked.delete(runner); this.#reject(runner, 'too-long'); return }
    this.#compare(runner, runner.encoder.end(), this.#received)
    if (this.#parked.has(runner)) { this.#parked.delete(runner); this.#reject(runner, 'too-long'); return }
    if (runner.compared < 0) return
    if (runner.compared < length) this.#reject(runner, 'too-short')
    else if (runner.compared > length) this.#reject(runner, 'too-long')
  }

  /** Logs a step while candidates wait; past the bound, starts them all and stops logging. */
  #record (step: Step): void {
    if (this.#log === undefined) return
    if (this.#logBytes + step.bytes.length > this.#maxLog && this.#loading === undefined && this.#startAll()) return
    // Below the bound, or past it while code loads (the step is replayed with the rest once it is there).
    this.#log.push(step)
    this.#logBytes += step.bytes.length
  }

  /** Starts every waiting candidate and stops logging; false (waiting for their code) when some cannot run yet. */
  #startAll (): boolean {
    // A candidate that cannot write the real stream is rejected as it starts: its code is not needed.
    const code = this.#waiting.map(c => this.#cannotWrite(c) ? undefined : c.load?.()).filter(p => p !== undefined)
    if (code.length > 0) { this.#wait(Promise.all(code)); return false }
    while (this.#waiting.length > 0) this.#start(this.#waiting.shift() as EncoderFactory)
    this.#log = undefined
    // A candidate rejected while it replayed is disposed: the step must not reach it.
    this.#drop()
    return true
  }

  /** After a step: drops the rejected, starts the next candidate when none is left, trims what no one needs. */
  #settle (): void {
    this.#drop()
    while (this.#runners.length === 0 && this.#waiting.length > 0 && this.#log !== undefined) {
      if (!this.#startNext()) break
    }
    this.#trim()
  }

  /** Starts the next waiting candidate; false when it waits for its code instead (see `loading`). */
  #startNext (): boolean {
    const next = this.#waiting[0]
    if (next === undefined) return true
    if (this.#loading !== undefined) return false
    const code = this.#cannotWrite(next) ? undefined : next.load?.()
    if (code !== undefined) { this.#wait(code); return false }
    this.#waiting.shift()
    this.#start(next)
    if (this.#waiting.length === 0) this.#log = undefined
    this.#drop()
    return true
  }

  #cannotWrite (candidate: EncoderFactory): boolean {
    return this.#real !== undefined && candidate.cannotWrite?.(this.#real) === true
  }

  /**
   * Starts a candidate as if it had run from the start: the logged steps are replayed in their order, each
   * real step compared with what the candidate had written by then, exactly as `expected` and `input` do.
   */
  #start (candidate: EncoderFactory): void {
    if (this.#cannotWrite(candidate)) {
      this.#rejected.push({ recipe: candidate.recipe, at: 0, reason: 'differs' })
      return
    }
    const runner: Runner = { recipe: candidate.recipe, encoder: candidate.create(this.#real), compared: 0 }
    this.#runners.push(runner)
    let received = 0
    for (const step of this.#log ?? []) {
      if (runner.compared < 0) break
      if (step.real) {
        received += step.bytes.length
        this.#onReal(runner, received)
      } else {
        this.#write(runner, step.bytes, received)
      }
      if (step.real) this.#foresee(runner)
    }
  }

  /** Gives a runner input and compares what it writes; one that proved it cannot match is rejected. */
  #write (runner: Runner, bytes: Uint8Array, received: number): void {
    const out = runner.encoder.write(bytes)
    if (runner.encoder.diverged === true) this.#reject(runner, 'differs')
    else this.#compare(runner, out, received)
  }

  /** Rejects a runner whose encoder proved, from real bytes that just arrived, that it cannot match. */
  #foresee (runner: Runner): void {
    if (runner.compared >= 0 && runner.encoder.diverged === true) this.#reject(runner, 'differs')
  }

  /** The real bytes held from `offset` on, up to `#received` (those of one chunk), or undefined (RealStream.from). */
  #from (offset: number): Uint8Array | undefined {
    if (offset < this.#base || offset >= this.#received) return undefined
    let at = this.#base
    for (const chunk of this.#pending) {
      if (offset < at + chunk.length) return chunk.subarray(offset - at)
      at += chunk.length
    }
    return undefined
  }

  /** Real bytes up to `received` arrived: output that waited for them is compared; a laggard is dropped. */
  #onReal (runner: Runner, received: number): void {
    const parked = this.#parked.get(runner)
    if (parked !== undefined) {
      this.#parked.delete(runner)
      this.#compare(runner, parked.chunks, received)
    }
    // A candidate far behind would make us keep that much of the real stream.
    if (runner.compared >= 0 && received - runner.compared > this.#maxLag) this.#reject(runner, 'lagged')
  }

  /** Compares a runner's output with the real bytes, of which `received` have arrived. */
  #compare (runner: Runner, outputs: Uint8Array[], received: number): void {
    for (let o = 0; o < outputs.length; o++) {
      const out = outputs[o] as Uint8Array
      if (runner.compared < 0) return
      let at = 0
      while (at < out.length) {
        if (runner.compared >= received) {
          // Output ahead of the real bytes received so far, this chunk's rest and every later one:
          // compared when they arrive (bounded).
          this.#park(runner, out.subarray(at))
          for (let later = o + 1; later < outputs.length && runner.compared >= 0; later++) this.#park(runner, outputs[later] as Uint8Array)
          return
        }
        const n = this.#compareAt(runner.compared, out.subarray(at), received)
        if (n < 0) { this.#reject(runner, 'differs', runner.compared + ~n); return }
        runner.compared += n
        at += n
      }
    }
  }

  /** Compares `bytes` with the real bytes at `offset` (up to `received`); returns how many matched, or ~i at a difference. */
  #compareAt (offset: number, bytes: Uint8Array, received: number): number {
    let skip = offset - this.#base
    let done = 0
    let at = this.#base
    for (const chunk of this.#pending) {
      if (at >= received) break
      const usable = Math.min(chunk.length, received - at)
      at += chunk.length
      if (skip >= usable) { skip -= chunk.length; continue }
      const n = Math.min(usable - skip, bytes.length - done)
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
    this.#parked.delete(runner)
    // Now, not when collected: the next candidate may take its memory (a wasm encoder's instance).
    runner.encoder.dispose?.()
  }

  #drop (): void {
    if (this.#runners.some(r => r.compared < 0)) this.#runners = this.#runners.filter(r => r.compared >= 0)
  }

  /** Forgets real bytes that every live candidate has compared (all are kept while the log may replay them). */
  #trim (): void {
    if (this.#log !== undefined) return
    let keepFrom = this.#received
    for (const runner of this.#runners) keepFrom = Math.min(keepFrom, runner.compared)
    while (this.#pending.length > 0) {
      const first = this.#pending[0] as Uint8Array
      if (this.#base + first.length > keepFrom) break
      this.#base += first.length
      this.#pending.shift()
    }
  }
}
