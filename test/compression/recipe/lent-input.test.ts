/**
 * RecipeRaces.inputLent (#16): the describer hands the races the xz and bzip2 decompressors' output as
 * views of memory it reuses. A race must copy what it keeps: here every piece lies in one buffer that is
 * overwritten right after the call, and the verdict is still the recipe that made the member, in this
 * thread (whose race logs the first bytes while its candidates' code loads) and on the race worker.
 */
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { InThreadRaces, type RecipeRaces } from '../../../src/compression/recipe/races.js'
import { gzipCandidateRecipes } from '../../../src/compression/recipe/registry.js'
import type { Recipe } from '../../../src/compression/recipe/encoder.js'
import { createWorkerRaces } from '../../../src/node/index.js'

const text = new TextEncoder().encode(Array.from({ length: 30_000 }, (_, i) => `entry ${i % 1013}: ${'abcdefgh'.repeat(i % 5)}\n`).join(''))
const gzip = new Uint8Array(execFileSync('gzip', ['-n', '-6', '-c'], { input: text }))
// The deflate body: after the 10-byte header (no name, -n), before the 8-byte trailer.
const body = gzip.subarray(10, gzip.length - 8)

async function verdict (races: RecipeRaces): Promise<Recipe | undefined> {
  const inputLent = races.inputLent?.bind(races)
  if (inputLent === undefined) throw new Error('these races take no lent input')
  await races.start({ recipes: gzipCandidateRecipes() })
  races.expected(body.slice())
  const lent = new Uint8Array(20_000)
  for (let at = 0; at < text.length; at += lent.length) {
    const piece = text.subarray(at, at + lent.length)
    lent.set(piece)
    inputLent(lent.subarray(0, piece.length))
    lent.fill(0xaa) // the caller reuses its memory at once
    await races.ready()
  }
  return await races.end(body.length)
}

describe('inputLent', () => {
  it('in this thread: the recipe, although every piece is overwritten after the call', async () => {
    const races = new InThreadRaces()
    expect(races.inputLent).toBeTypeOf('function')
    expect(await verdict(races)).toEqual({ encoder: 'gnu-gzip', params: { level: 6 } })
  })

  it('on the race worker: the same', async () => {
    const races = createWorkerRaces()
    try {
      expect(races.inputLent).toBeTypeOf('function')
      expect(await verdict(races)).toEqual({ encoder: 'gnu-gzip', params: { level: 6 } })
    } finally {
      await races.close()
    }
  }, 60_000)

  it('a race given the views without copying them would be wrong: the check above can fail', async () => {
    // InThreadRaces.input keeps what it logs: overwritten views make the candidates' input garbage.
    const races = new InThreadRaces()
    const bare: RecipeRaces = {
      start: async (plan) => { await races.start(plan) },
      expected: (bytes) => { races.expected(bytes) },
      input: (bytes) => { races.input(bytes) },
      inputLent: (bytes) => { races.input(bytes) },
      end: async (length) => await races.end(length),
      ready: () => races.ready()
    }
    expect(await verdict(bare)).toBeUndefined()
  })
})
