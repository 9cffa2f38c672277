/** Edge inputs across codecs: empty, incompressible (stored / uncompressed chunks / raw blocks), long runs (RLE), filters. */
import { describe, expect, it } from 'vitest'
import { decompress } from '../../../src/compression/decompress/index.js'
import { seededBytes } from '../../helpers/seeded.js'
import { chunked, collect, run, sha256 } from './helpers.js'

const random = seededBytes('decompress-edge', 300_000)
const zeros = new Uint8Array(2_000_000)
const tools: Array<[string, string[]]> = [['gzip', ['-c']], ['bzip2', ['-c']], ['xz', ['-c']], ['zstd', ['-q', '-c']]]

describe('edge inputs', () => {
  for (const [tool, args] of tools) {
    it(`${tool}: empty, random and all-zero inputs`, async () => {
      for (const input of [new Uint8Array(0), random, zeros]) {
        const z = run(tool, args, input)
        const c = await collect(decompress(chunked(z, 4096)))
        expect(sha256(c.data)).toBe(sha256(input))
        expect(c.events.at(-1)).toMatchObject({ kind: 'end', compressedSize: z.length, uncompressedSize: input.length, trailing: { length: 0 } })
      }
    })
  }

  it('zstd reports raw and RLE blocks', async () => {
    const r = await collect(decompress([run('zstd', ['-q', '-c', '--no-content-size'], random)]))
    expect(r.events[0]).toMatchObject({ kind: 'zstd-frame', blocks: { raw: 3, rle: 0, compressed: 0 } })
  })

  it('xz with BCJ or delta filters before LZMA2: refused as unsupported (xz-decompress has LZMA2 only)', async () => {
    for (const [f, id] of [[['--x86', '--lzma2=preset=6'], 4], [['--delta=dist=4', '--lzma2=preset=1'], 3]] as const) {
      const z = run('xz', ['-c', ...f], random)
      await expect(collect(decompress(chunked(z)))).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_FORMAT', offset: 12, details: { filters: [id, 0x21] } })
    }
  })

  it('unknown data is refused by auto-detection', async () => {
    await expect(collect(decompress([random]))).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_FORMAT' })
    await expect(collect(decompress([]))).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_FORMAT' })
  })
})
