/**
 * Every recipe encoder takes input that its caller reuses once `write` returns (a Node stream's Buffer,
 * a slot given back): the output must be that of the same bytes in memory of their own. A Node Buffer's
 * slice() is a view, not a copy, so this runs with Buffers.
 */
import { describe, it, expect } from 'vitest'
import { encoderFor } from '../../../src/compression/recipe/registry.js'
import type { Recipe, StreamEncoder } from '../../../src/compression/recipe/encoder.js'

const PIECE = 10_000

/** Text with repeats (so matches reach back across pieces) and some noise, ~200 KB. */
function sample (): Buffer {
  let seed = 7
  const noise = (): string => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8).toString(36) }
  return Buffer.from(Array.from({ length: 4000 }, (_, i) => `line ${i % 13} ${noise()} of the sample;`).join('\n'))
}

function encode (e: StreamEncoder, data: Buffer, reuse: boolean): Buffer {
  const out: Uint8Array[] = []
  const buf = Buffer.alloc(PIECE)
  for (let i = 0; i < data.length; i += PIECE) {
    if (!reuse) { out.push(...e.write(data.subarray(i, i + PIECE))); continue }
    const n = data.copy(buf, 0, i, i + PIECE)
    out.push(...e.write(buf.subarray(0, n)))
    buf.fill(0xa5) // the caller's next use of its buffer
  }
  out.push(...e.end())
  e.dispose?.()
  return Buffer.concat(out)
}

const recipes: Recipe[] = [
  ...['gnu-gzip', 'zlib', 'zlib-chromium', 'go-flate'].flatMap(encoder => [1, 6, 9].map(level => ({ encoder, params: { level } }))),
  { encoder: 'bzip2', params: { level: 9 } },
  { encoder: 'xz', params: { level: 6 } },
  { encoder: 'zstd', params: { level: 19 } }
]

describe('recipe encoders and reused input', () => {
  const data = sample()
  for (const recipe of recipes) {
    it(`${recipe.encoder} ${JSON.stringify(recipe.params)}`, async () => {
      const factory = await encoderFor(recipe, data.length)
      expect(encode(factory.create(), data, true).equals(encode(factory.create(), data, false))).toBe(true)
    })
  }
})
