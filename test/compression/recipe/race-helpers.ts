/** Shared by the race tests: a race fed as decompression feeds it. */
import { RecipeRace, type RaceOptions, type RaceResult } from '../../../src/compression/recipe/race.js'
import type { EncoderFactory } from '../../../src/compression/recipe/encoder.js'

/**
 * The race's verdict, the real bytes given in pieces ahead of the input they decode to (`slack` bytes
 * beyond the proportional share), the input in pieces of `piece`, as decompression gives them.
 */
export function raceOver (candidates: EncoderFactory[], input: Uint8Array, expected: Uint8Array, piece: number, options: RaceOptions = {}, slack = 1024): RaceResult {
  const r = new RecipeRace(candidates, options)
  const ratio = expected.length / Math.max(input.length, 1)
  let e = 0
  for (let i = 0; i < input.length; i += piece) {
    const upto = Math.min(expected.length, Math.ceil((i + piece) * ratio) + slack)
    if (upto > e) { r.expected(expected.subarray(e, upto)); e = upto }
    r.input(input.subarray(i, i + piece))
  }
  r.expected(expected.subarray(e))
  return r.end()
}
