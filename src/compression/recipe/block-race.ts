/**
 * A recipe race whose candidates write independent blocks (xz's threaded layout).
 *
 * Its waiting candidates start early: while the input is within `keep` bytes, whenever a single candidate
 * runs, the next waiting one starts (replaying what was logged) instead of once the leader fails. A race in
 * lockstep gives the sequential verdict (race.ts), and a wrong xz preset is proven wrong within its first
 * LZMA2 chunks (xz/block-probe.ts), so each costs a fraction of a MiB of encoding and at most two encoders
 * run at once. The race then stops logging the stream for them: an `xz -T2` race would otherwise log all
 * of a stream up to 64 MiB (bounds in manifest/compressed.ts), because its leader holds whole blocks back.
 * (A block stored uncompressed proves nothing before it is whole: one candidate more then runs through it.)
 *
 * Given `BlockEncoders`, it is finished on several threads: once one candidate is left, every other
 * rejected for good, the verdict is its recipe exactly when its whole stream equals the real body, which
 * is what `BlockVerifier` decides block by block, the blocks encoded at once by the encoders (on Node,
 * this thread and a worker). The race keeps what arrived (real and uncompressed bytes) while the input is
 * within `keep` bytes, and the verifier starts from the stream's start, re-encoding that prefix; past it
 * with no lone candidate, the race runs to its end as it would alone.
 */
import { blockLayoutOf, type BlockEncoders } from './blocks.js'
import type { Recipe } from './encoder.js'
import { BlockVerifier } from './block-verify.js'
import type { RaceResult, RecipeRace } from './race.js'

/** Input kept by default for a hand-over (the re-encoded prefix at most). */
export const BLOCK_RACE_KEEP = 4 * 1024 * 1024

interface Step { real: boolean, bytes: Uint8Array }

export class BlockRace {
  #race: RecipeRace | undefined
  #verifier: BlockVerifier | undefined
  readonly #encoders: BlockEncoders | undefined
  /** Every step so far while a hand-over may still come; undefined once it cannot (or without encoders). */
  #steps: Step[] | undefined = []
  /** Input so far. */
  #input = 0
  readonly #keep: number
  #rejected: RaceResult['rejected'] = []

  constructor (race: RecipeRace, encoders?: BlockEncoders, keep = BLOCK_RACE_KEEP) {
    this.#race = race
    this.#encoders = encoders
    this.#keep = keep
    if (encoders === undefined) this.#steps = undefined
    this.#settle()
  }

  /** Whether the bytes given are kept beyond the call (RecipeRace.logging): give copies of reused memory then. */
  get logging (): boolean {
    return this.#steps !== undefined || this.#verifier !== undefined || this.#race?.logging === true
  }

  /** Whether the blocks are being verified on the block encoders (for tests). */
  get handedOver (): boolean { return this.#verifier !== undefined }

  /** The next real compressed bytes. */
  expected (bytes: Uint8Array): void { this.#step({ real: true, bytes }) }

  /** The next uncompressed bytes. */
  input (bytes: Uint8Array): void { this.#step({ real: false, bytes }) }

  /** A promise while the block encoders are behind, or a candidate's code loads (wait for it), else undefined. */
  ready (): Promise<void> | undefined { return this.#verifier !== undefined ? this.#verifier.ready() : this.#race?.loading }

  /** The input ended, and the real body is the first `length` real bytes: the verdict RecipeRace gives. */
  async end (length: number): Promise<RaceResult> {
    this.#steps = undefined
    if (this.#verifier !== undefined) {
      const result = await this.#verifier.end(length)
      return { ...result, rejected: [...this.#rejected, ...result.rejected] }
    }
    const race = this.#race as RecipeRace
    this.#race = undefined
    return await race.finish(length)
  }

  /**
   * Abandons the race (an error, an early stop): the running candidates' encoders are disposed now and
   * the verification and the bytes kept for it are let go, instead of when the race is dropped. No call
   * after this.
   */
  dispose (): void {
    this.#steps = undefined
    this.#race?.dispose()
    this.#race = undefined
    this.#verifier?.dispose()
    this.#verifier = undefined
  }

  #step (step: Step): void {
    if (step.bytes.length === 0) return
    if (this.#verifier !== undefined) {
      if (step.real) this.#verifier.expected(step.bytes)
      else this.#verifier.input(step.bytes)
      return
    }
    const race = this.#race as RecipeRace
    if (step.real) race.expected(step.bytes)
    else race.input(step.bytes)
    if (!step.real) this.#input += step.bytes.length
    this.#steps?.push(step)
    // Beyond the bound, the prefix would cost too much to encode again: the race goes on alone.
    if (this.#input > this.#keep) this.#steps = undefined
    this.#settle()
  }

  /** Starts waiting candidates while one runs, and hands over once one is left for good. */
  #settle (): void {
    const race = this.#race
    if (race === undefined || this.#input > this.#keep) return
    for (let waiting = race.waiting; race.running === 1 && waiting > 0; waiting--) race.startNext()
    const lone = race.lone
    if (lone === undefined || this.#steps === undefined || this.#encoders === undefined) return
    const verifier = BlockVerifier.of(lone, this.#encoders)
    if (verifier === undefined) return
    this.#rejected = race.rejected
    race.dispose()
    this.#race = undefined
    const steps = this.#steps
    this.#steps = undefined
    this.#verifier = verifier
    for (const step of steps) {
      if (step.real) verifier.expected(step.bytes)
      else verifier.input(step.bytes)
    }
  }
}

/** Whether a race of these candidates is a `BlockRace`'s: the first one writes independent xz blocks. */
export function hasXzBlocks (recipes: readonly Recipe[]): boolean {
  const first = recipes[0]
  return first?.encoder === 'xz' && blockLayoutOf(first) !== undefined
}
