/** Edge inputs across codecs: empty, incompressible (stored / uncompressed chunks / raw blocks), long runs (RLE), filters, interleaving. */
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

  it('xz with every filter xz 5.4.1 writes before LZMA2 (BCJ and delta), and a SHA-256 check: decoded and verified', async () => {
    const filters: Array<[string[], number]> = [
      [['--x86'], 4], [['--powerpc'], 5], [['--ia64'], 6], [['--arm'], 7], [['--armthumb'], 8], [['--sparc'], 9], [['--arm64'], 10],
      [['--delta=dist=4'], 3], [['--x86', '--delta=dist=2'], 4]
    ]
    for (const [f, id] of filters) {
      const z = run('xz', ['-c', '--check=sha256', ...f, '--lzma2=preset=1'], random)
      const c = await collect(decompress(chunked(z, 777)))
      expect(sha256(c.data)).toBe(sha256(random))
      expect(c.events[0]).toMatchObject({ kind: 'xz-stream', checkType: 10, blocks: [{ filters: expect.arrayContaining([expect.objectContaining({ id })]) }] })
    }
  })

  it('xz: a flipped byte inside the data of a filtered stream is a typed error at an offset within the stream', async () => {
    const z = run('xz', ['-c', '--x86', '--lzma2=preset=1'], random)
    const bad = z.slice()
    bad[Math.floor(z.length / 2)]! ^= 0x40
    await expect(collect(decompress(chunked(bad)))).rejects.toMatchObject({ code: 'ERR_CORRUPT_COMPRESSED' })
  })

  it('xz: two decompressions consumed in lockstep (each stream has its own liblzma instance) both come out whole', async () => {
    const a = run('xz', ['-c', '-6'], random)
    const b = run('xz', ['-c', '-1', '--check=sha256'], zeros)
    const ia = decompress(chunked(a, 1000))[Symbol.asyncIterator]()
    const ib = decompress(chunked(b, 1000))[Symbol.asyncIterator]()
    const out: Uint8Array[][] = [[], []]
    let doneA = false; let doneB = false
    while (!doneA || !doneB) {
      if (!doneA) { const n = await ia.next(); if (n.done === true) doneA = true; else if (n.value.kind === 'data') out[0]!.push(n.value.bytes) }
      if (!doneB) { const n = await ib.next(); if (n.done === true) doneB = true; else if (n.value.kind === 'data') out[1]!.push(n.value.bytes) }
    }
    expect(sha256(Buffer.concat(out[0]!))).toBe(sha256(random))
    expect(sha256(Buffer.concat(out[1]!))).toBe(sha256(zeros))
  })

  it('unknown data is refused by auto-detection', async () => {
    await expect(collect(decompress([random]))).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_FORMAT' })
    await expect(collect(decompress([]))).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_FORMAT' })
  })
})
