import { describe, expect, it } from 'vitest'
import { bunzip2 } from '../../../src/compression/decompress/bzip2.js'
import { decompress } from '../../../src/compression/decompress/index.js'
import { chunked, collect, concat, errorCode, run, sample, sha256 } from './helpers.js'

const data = sample(250_000, 21)
const small = sample(30_000, 22)

describe('bunzip2 against bzip2 1.0.8', () => {
  for (const level of [1, 2, 3, 4, 5, 6, 7, 8, 9]) {
    it(`bzip2 -${level}`, async () => {
      const bz = run('bzip2', [`-${level}`, '-c'], data)
      const c = await collect(bunzip2(chunked(bz)))
      expect(sha256(c.data)).toBe(sha256(run('bzip2', ['-dc'], bz)))
      expect(c.events).toEqual([
        { kind: 'bzip2-stream', offset: 0, size: bz.length, level, uncompressedOffset: 0, uncompressedSize: data.length },
        { kind: 'end', format: 'bzip2', compressedSize: bz.length, uncompressedSize: data.length, trailing: { offset: bz.length, length: 0, allZero: true } }
      ])
    })
  }

  it('concatenated streams (and an empty one), each with its exact extent, split across tiny chunks', async () => {
    const a = run('bzip2', ['-9', '-c'], data)
    const e = run('bzip2', ['-c'], new Uint8Array(0))
    const b = run('bzip2', ['-1', '-c'], small)
    const all = concat(a, e, b, a)
    for (const max of [3, 20, 70000]) {
      const c = await collect(bunzip2(chunked(all, max)))
      expect(sha256(c.data)).toBe(sha256(run('bzip2', ['-dc'], all)))
      expect(c.events.filter(x => x.kind === 'bzip2-stream').map(x => x.kind === 'bzip2-stream' && [x.offset, x.size, x.level, x.uncompressedSize])).toEqual([
        [0, a.length, 9, data.length],
        [a.length, e.length, 9, 0],
        [a.length + e.length, b.length, 1, small.length],
        [a.length + e.length + b.length, a.length, 9, data.length]
      ])
    }
  })

  it('trailing zero padding and garbage are reported', async () => {
    const a = run('bzip2', ['-c'], small)
    for (const [tail, allZero] of [[new Uint8Array(1024), true], [new TextEncoder().encode('xyz'), false], [new TextEncoder().encode('not bzip2 at all'), false]] as const) {
      const all = concat(a, tail)
      const c = await collect(bunzip2(chunked(all, 1000)))
      expect(sha256(c.data)).toBe(sha256(small))
      expect(c.events).toContainEqual({ kind: 'bzip2-stream', offset: 0, size: a.length, level: 9, uncompressedOffset: 0, uncompressedSize: small.length })
      expect(c.events.at(-1)).toMatchObject({ kind: 'end', compressedSize: all.length, trailing: { offset: a.length, length: tail.length, allZero } })
    }
  })

  it('auto-detection picks bzip2', async () => {
    const c = await collect(decompress([run('bzip2', ['-c'], small)]))
    expect(sha256(c.data)).toBe(sha256(small))
  })

  it('truncated and corrupted input → typed errors', async () => {
    const bz = run('bzip2', ['-6', '-c'], data)
    for (const cut of [3, 4, 10, 11, 100, bz.length >> 1, bz.length - 5, bz.length - 1]) {
      expect(await errorCode(bunzip2(chunked(bz.subarray(0, cut), 9000))), `cut at ${cut}`).toEqual({ code: 'ERR_TRUNCATED_COMPRESSED', offset: cut })
    }
    for (let i = 1; i < 12; i++) {
      const at = Math.floor(bz.length * i / 12)
      const bad = bz.slice(); bad[at]! ^= 0x10
      const e = await errorCode(bunzip2([bad]))
      expect(['ERR_CORRUPT_COMPRESSED', 'ERR_TRUNCATED_COMPRESSED'], `flip at ${at}`).toContain(e?.code)
    }
    expect((await errorCode(bunzip2([new TextEncoder().encode('BZh0 not really')])))?.code).toBe('ERR_UNSUPPORTED_FORMAT')
  })
})
