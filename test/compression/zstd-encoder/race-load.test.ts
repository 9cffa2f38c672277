/**
 * A race worker's zstd race (raceOf with warmUp) loads libzstd before the member's first byte, as it did
 * when the factories loaded it: the bytes then wait in the worker's queue, in the shared slots, instead of
 * being copied into the race's log while the module compiles. This file's module graph (and so libzstd's,
 * not yet loaded) is its own.
 */
import { describe, expect, it } from 'vitest'
import { raceOf } from '../../../src/compression/recipe/races.js'

describe('a race worker\'s zstd race', () => {
  it('asked to warm up, loads libzstd before the first byte: nothing is logged while it loads', async () => {
    const race = await raceOf({ recipes: [{ encoder: 'zstd', params: { level: 3 } }] }, { warmUp: true })
    race.input(new Uint8Array(1000))
    expect(race.loading).toBeUndefined()
    expect(race.logging).toBe(false)
    race.dispose()
  })
})
