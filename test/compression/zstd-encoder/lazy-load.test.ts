/**
 * #16, peak memory: reading a zstd frame header and planning its race need no WebAssembly (window-log.ts),
 * so the thread that describes the archive, when the race runs on a worker, never compiles libzstd nor
 * keeps an instance of it (about 10 MB of peak RSS before). The candidates' code loads when run. Counted by
 * wrapping WebAssembly.compile; this file's module graph (and so libzstd's) is its own.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { zstdCandidates } from '../../../src/compression/recipe/registry.js'
import { libzstdInstances } from '../../../src/compression/zstd/libzstd.js'

const realCompile = WebAssembly.compile
afterEach(() => { WebAssembly.compile = realCompile })

describe('zstd candidates without libzstd', () => {
  it('a pledged zstd -19 header: six candidates planned with no module compiled; the first load() compiles it once', async () => {
    let compiled = 0
    WebAssembly.compile = async (bytes) => { compiled++; return await realCompile(bytes) }
    // sed 4.9's tar (11,335,680 bytes) by `zstd -19 FILE`: pledged size, window log 23, checksum.
    const size = 11335680
    const head = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x84, 0x68, ...[size - 0, size >>> 8, size >>> 16, size >>> 24].map(b => b & 0xff))
    const candidates = await zstdCandidates(head, size)
    expect(candidates?.map(c => c.recipe.params)).toEqual([
      { level: 19, pledged: 1 }, { level: 17, pledged: 1 }, { level: 18, pledged: 1 },
      { level: 19, pledged: 1, workers: 0 }, { level: 17, pledged: 1, workers: 0 }, { level: 18, pledged: 1, workers: 0 }
    ])
    // ZSTDMT holds back a job of 2^(windowLog + 2) bytes; --single-thread holds back nothing.
    expect(candidates?.map(c => c.holdsBack)).toEqual([2 ** 25, 2 ** 25, 2 ** 25, undefined, undefined, undefined])
    expect(compiled).toBe(0)
    expect(libzstdInstances().created).toBe(0)

    await Promise.all(candidates!.map(async c => await c.load?.()))
    expect(candidates!.every(c => c.load?.() === undefined)).toBe(true)
    expect(compiled).toBe(1)
    const encoder = candidates![0]!.create()
    encoder.dispose?.()
    expect(libzstdInstances().created).toBe(1)
  })
})
