/**
 * LendOptions (#16): the xz and bzip2 decompressors, asked to lend, hand on views of their own memory
 * instead of a new buffer per piece. The consumer that copies each piece on arrival gets the bytes and
 * the events of the copying decompressor; the pieces really are lent (one buffer, overwritten); and the
 * other decompressors, which cannot lend, still hand on bytes of the consumer's own.
 */
import { describe, expect, it } from 'vitest'
import { decompress, lendsOutput } from '../../../src/compression/decompress/index.js'
import type { DecompressEvent } from '../../../src/compression/decompress/index.js'
import type { CompressionFormat } from '../../../src/compression/container/detect.js'
import { chunked, concat, run, sample, sha256 } from './helpers.js'

// Text-like and random halves: output pieces of every size the decoders make, over several xz blocks.
const data = concat(new TextEncoder().encode(Array.from({ length: 60_000 }, (_, i) => `line ${i % 997}\n`).join('')), sample(700_000, 61))

const archives: Array<[CompressionFormat, Uint8Array]> = [
  ['xz', run('xz', ['-6', '-T2', '--block-size=300000', '-c'], data)],
  ['bzip2', concat(run('bzip2', ['-1', '-c'], data), run('bzip2', ['-9', '-c'], data.subarray(0, 200_000)))],
  ['gzip', run('gzip', ['-n', '-6', '-c'], data)],
  ['zstd', run('zstd', ['-q', '-3', '-c'], data)]
]

/** The events, each data piece copied (and its buffer noted) before the next one is asked for. */
async function drain (events: AsyncIterable<DecompressEvent>): Promise<{ data: Uint8Array, others: DecompressEvent[], pieces: number, buffers: Set<ArrayBufferLike> }> {
  const parts: Uint8Array[] = []
  const others: DecompressEvent[] = []
  const buffers = new Set<ArrayBufferLike>()
  for await (const event of events) {
    if (event.kind !== 'data') { others.push(event); continue }
    parts.push(event.bytes.slice())
    buffers.add(event.bytes.buffer)
  }
  return { data: concat(...parts), others, pieces: parts.length, buffers }
}

describe('decompress with lend', () => {
  for (const [format, archive] of archives) {
    it(`${format}: the same bytes and events as without${lendsOutput(format) ? ', from one lent buffer' : ', in buffers of the consumer\'s own'}`, async () => {
      const owned = await drain(decompress(chunked(archive, 50_000)))
      const lent = await drain(decompress(chunked(archive, 50_000), { lend: true }))
      expect(sha256(owned.data)).toBe(sha256(run(format, ['-dc'], archive)))
      expect(sha256(lent.data)).toBe(sha256(owned.data))
      expect(lent.others).toEqual(owned.others)
      expect(lent.pieces).toBeGreaterThan(5)
      // Lent pieces are views of the decoder's memory (a wasm instance's: one buffer per instance);
      // owned ones are a buffer each.
      if (lendsOutput(format)) expect(lent.buffers.size).toBeLessThanOrEqual(2)
      else expect(lent.buffers.size).toBe(lent.pieces)
      expect(owned.buffers.size).toBe(owned.pieces)
    })
  }

  it('a lent piece is overwritten by the next: a consumer that keeps views gets wrong bytes (why the describer copies)', async () => {
    const [, xz] = archives[0] as [CompressionFormat, Uint8Array]
    const views: Uint8Array[] = []
    for await (const event of decompress(chunked(xz, 50_000), { lend: true })) if (event.kind === 'data') views.push(event.bytes)
    // The views still point into the (recycled) instance's memory, or were detached when it grew.
    expect(sha256(concat(...views))).not.toBe(sha256(data))
  })
})
