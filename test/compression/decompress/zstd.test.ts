import { describe, expect, it } from 'vitest'
import { unzstd } from '../../../src/compression/decompress/zstd.js'
import { decompress } from '../../../src/compression/decompress/index.js'
import { detectCompression } from '../../../src/compression/container/detect.js'
import { chunked, collect, concat, errorCode, file, run, sample, sha256 } from './helpers.js'

const data = sample(700_000, 31)
const small = sample(20_000, 32)
const dataFile = file('zstd-data.bin', data)

function skippable (variant: number, payload: Uint8Array): Uint8Array {
  const h = new Uint8Array(8)
  new DataView(h.buffer).setUint32(0, 0x184d2a50 + variant, true)
  new DataView(h.buffer).setUint32(4, payload.length, true)
  return concat(h, payload)
}

describe('unzstd against zstd', () => {
  for (const args of [['-1'], ['-3'], ['-19'], ['-3', '--no-check'], ['-1', '--no-content-size'], ['--ultra', '-22']]) {
    it(`zstd ${args.join(' ')}`, async () => {
      const z = run('zstd', ['-q', '-c', ...args, dataFile], new Uint8Array(0)) // from a file, so the content size is known
      const c = await collect(unzstd(chunked(z)))
      expect(sha256(c.data)).toBe(sha256(run('zstd', ['-dc'], z)))
      const [f, end] = c.events
      expect(f).toMatchObject({ kind: 'zstd-frame', offset: 0, size: z.length, uncompressedOffset: 0, uncompressedSize: data.length })
      if (f?.kind !== 'zstd-frame') throw new Error('no frame')
      expect(f.headerBytes).toEqual(z.subarray(0, f.header.size))
      expect(f.header.checksumFlag).toBe(!args.includes('--no-check'))
      expect(f.checksum !== undefined).toBe(!args.includes('--no-check'))
      expect(f.header.contentSize).toBe(args.includes('--no-content-size') ? undefined : data.length)
      expect(f.header.dictionaryId).toBe(0)
      expect(f.header.windowSize).toBeGreaterThan(0)
      expect(end).toEqual({ kind: 'end', format: 'zstd', compressedSize: z.length, uncompressedSize: data.length, trailing: { offset: z.length, length: 0, allZero: true } })
    })
  }

  it('multi-frame (concatenated) with skippable frames before, between and after', async () => {
    const a = run('zstd', ['-q', '-c', '-19'], data)
    const b = run('zstd', ['-q', '-c', '-1', '--no-check'], small)
    const s1 = skippable(0, new TextEncoder().encode('hello'))
    const s2 = skippable(15, new Uint8Array(100_000))
    const all = concat(s1, a, s2, b, s1)
    expect(detectCompression(all)).toBe('zstd')
    expect(sha256(run('zstd', ['-dc'], all))).toBe(sha256(concat(data, small)))
    const c = await collect(unzstd(chunked(all, 5000)))
    expect(sha256(c.data)).toBe(sha256(concat(data, small)))
    expect(c.events.map(e => [e.kind, 'offset' in e ? e.offset : -1, 'size' in e ? e.size : -1])).toEqual([
      ['zstd-skippable-frame', 0, s1.length],
      ['zstd-frame', s1.length, a.length],
      ['zstd-skippable-frame', s1.length + a.length, s2.length],
      ['zstd-frame', s1.length + a.length + s2.length, b.length],
      ['zstd-skippable-frame', s1.length + a.length + s2.length + b.length, s1.length],
      ['end', -1, -1]
    ])
    expect(c.events[2]).toMatchObject({ magicVariant: 15 })
  })

  it('zstd -T2 --rsyncable and a file with many frames decompress identically', async () => {
    const parts = [0, 1, 2, 3].map(i => run('zstd', ['-q', '-c', `-${i + 1}`], sample(50_000 + i, 40 + i)))
    const all = concat(...parts)
    const c = await collect(decompress(chunked(all, 999)))
    expect(sha256(c.data)).toBe(sha256(run('zstd', ['-dc'], all)))
    expect(c.events.filter(e => e.kind === 'zstd-frame').length).toBe(4)
  })

  it('trailing bytes are reported', async () => {
    const a = run('zstd', ['-q', '-c'], small)
    for (const [tail, allZero] of [[new Uint8Array(64), true], [new TextEncoder().encode('trailing text'), false]] as const) {
      const c = await collect(unzstd([concat(a, tail)]))
      expect(sha256(c.data)).toBe(sha256(small))
      expect(c.events.at(-1)).toMatchObject({ trailing: { offset: a.length, length: tail.length, allZero } })
    }
  })

  it('truncated and corrupted input → typed errors', async () => {
    const z = run('zstd', ['-q', '-c', '-3'], data)
    for (const cut of [2, 4, 5, 8, 20, z.length >> 1, z.length - 4, z.length - 1]) {
      expect(await errorCode(unzstd(chunked(z.subarray(0, cut), 9000))), `cut at ${cut}`).toEqual({ code: 'ERR_TRUNCATED_COMPRESSED', offset: cut })
    }
    let detected = 0
    for (let i = 1; i < 16; i++) {
      const at = Math.floor(z.length * i / 16)
      const bad = z.slice(); bad[at]! ^= 0x04
      const e = await errorCode(unzstd([bad]))
      if (e !== undefined) { detected++; expect(['ERR_CORRUPT_COMPRESSED', 'ERR_TRUNCATED_COMPRESSED']).toContain(e.code) }
    }
    expect(detected).toBe(15) // the XXH64 content checksum catches what the decoder does not
    const reserved = z.slice(); reserved[4]! |= 0x08
    expect((await errorCode(unzstd([reserved])))?.code).toBe('ERR_CORRUPT_COMPRESSED')
  })
})
