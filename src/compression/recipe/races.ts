/**
 * Where recipe races run. A description gives each compressed member's race its plan (the candidates as
 * recipes, so that a race can run on another thread), then the real and the uncompressed bytes in the
 * order they arrive, then the member's end; the verdict may come later, and the manifest waits for every
 * verdict at its end. In order, so a race sees exactly what it would see here. `InThreadRaces` runs them
 * in this thread (the default, and the only way in a browser); on Node, manifestFromFile runs them on a
 * worker thread (src/node/worker-races.ts) while this one decompresses and describes the tar.
 */
import { candidateFor } from './registry.js'
import { RecipeRace } from './race.js'
import type { Recipe } from './encoder.js'

/** A member's race: its candidates, in order, and the bounds RecipeRace takes. */
export interface RacePlan {
  readonly recipes: readonly Recipe[]
  /** The member's uncompressed size, when its header pledges it (zstd). */
  readonly contentSize?: number
  readonly maxLag?: number
  readonly maxLog?: number
}

export interface RecipeRaces {
  /** Starts the next member's race (the previous one has ended); await it before the member's bytes. */
  start(plan: RacePlan): Promise<void> | undefined
  /** The current member's next real compressed bytes (not modified afterwards). */
  expected(bytes: Uint8Array): void
  /** The next uncompressed bytes (not modified afterwards). */
  input(bytes: Uint8Array): void
  /**
   * Optional: the next uncompressed bytes, valid during the call only (memory the caller reuses, such as
   * a decompressor's): the races copy what they keep. Without it, the caller gives `input` a copy.
   */
  inputLent?(bytes: Uint8Array): void
  /** The current member ended, its body the first `length` real bytes: its recipe, if any, when known. */
  end(length: number): Promise<Recipe | undefined>
  /** A promise while the races are too far behind the caller (wait for it), else undefined. */
  ready(): Promise<void> | undefined
}

/**
 * The race a plan describes, with its candidates (whose code the race loads as it runs them). `warmUp`:
 * load the first candidate's code and warm up its encoder (EncoderFactory.warmUp), which the race starts
 * at once, before the member's bytes: for a thread that runs only races (on Node, the race worker), where
 * its first block would otherwise be encoded in unoptimised code, and where the first bytes then wait in
 * its message queue (shared slots) rather than as copies in the race's log while the code loads.
 */
export async function raceOf (plan: RacePlan, options: { warmUp?: boolean } = {}): Promise<RecipeRace> {
  const candidates = await Promise.all(plan.recipes.map(async recipe => await candidateFor(recipe, plan.contentSize)))
  const first = candidates[0]
  if (options.warmUp === true && first !== undefined) {
    await first.load?.()
    first.warmUp?.()
  }
  return new RecipeRace(candidates, {
    ...(plan.maxLag === undefined ? {} : { maxLag: plan.maxLag }),
    ...(plan.maxLog === undefined ? {} : { maxLog: plan.maxLog })
  })
}

/** Races run in this thread, as the bytes arrive. */
export class InThreadRaces implements RecipeRaces {
  #race: RecipeRace | undefined

  async start (plan: RacePlan): Promise<void> { this.#race = await raceOf(plan) }
  expected (bytes: Uint8Array): void { this.#race?.expected(bytes) }
  input (bytes: Uint8Array): void { this.#race?.input(bytes) }
  // A race keeps the bytes it is given only while it logs them for candidates not started (RecipeRace.logging).
  inputLent (bytes: Uint8Array): void { this.#race?.input(this.#race.logging ? bytes.slice() : bytes) }

  async end (length: number): Promise<Recipe | undefined> {
    const race = this.#race
    this.#race = undefined
    return (await race?.finish(length))?.recipe
  }

  /** While a candidate's code loads (the race logs what arrives meanwhile): wait, so that the log stays bounded. */
  ready (): Promise<void> | undefined { return this.#race?.loading }
}
