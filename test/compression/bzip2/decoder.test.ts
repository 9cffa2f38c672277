/** bzip2Decompress: inverse of the bzip2 binary, streaming, with typed errors on bad input. */
import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { bzip2Decompress } from '../../../src/compression/bzip2/index.js'
import { ArchiveManifestError, CorruptCompressedDataError, TruncatedCompressedDataError, UnsupportedFormatError } from '../../../src/errors.js'
import { BZIP2, expectSameBytes, lcg, referenceCompress } from './reference.js'

/** `n` incompressible bytes from a fixed seed (a failure must be reproducible). */
function noise (n: number, seed: number): Uint8Array {
  const next = lcg(seed)
  return Uint8Array.from({ length: n }, () => Math.floor(next() * 256))
}

async function decompress (data: Uint8Array, chunk = 65536): Promise<Uint8Array> {
  async function * chunks (): AsyncIterable<Uint8Array> {
    for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, Math.min(i + chunk, data.length))
  }
  const parts: Uint8Array[] = []
  for await (const p of bzip2Decompress(chunks())) parts.push(p)
  return Buffer.concat(parts)
}

describe('bzip2Decompress', () => {
  it('decodes what the bzip2 binary writes (several sizes, levels, chunkings)', async () => {
    const inputs = [new Uint8Array(0), new Uint8Array([7]), new Uint8Array(5000).fill(0x61), noise(250000, 0x5eed),
      new Uint8Array(2_000_000)]
    for (const data of inputs) {
      for (const level of [1, 9]) {
        for (const chunk of [1 << 20, 4093]) {
          if (chunk < 100000 && data.length > 300000) continue
          expectSameBytes(await decompress(referenceCompress(data, level), chunk), data, `${data.length} bytes -${level}`)
        }
      }
    }
  })

  it('decodes the real tar compressed by bzip2 -9, and concatenated streams', async () => {
    const tar = new Uint8Array(readFileSync(new URL('../../fixtures/real/hello-2.10.tar', import.meta.url)))
    const c = referenceCompress(tar, 9)
    expectSameBytes(await decompress(c, 100003), tar, 'hello-2.10.tar')
    const a = new TextEncoder().encode('first stream\n')
    const b = new TextEncoder().encode('second stream\n')
    const both = Buffer.concat([referenceCompress(a, 9), referenceCompress(b, 1)])
    expect(Buffer.from(await decompress(both))).toEqual(Buffer.concat([a, b]))
    // bzip2 -d agrees on concatenation
    expect(execFileSync(BZIP2, ['-dc'], { input: both })).toEqual(Buffer.concat([a, b]))
  })

  it('typed errors: not bzip2, truncated, trailing garbage, corrupt', async () => {
    const data = new TextEncoder().encode('hello hello hello bzip2 '.repeat(100))
    const c = referenceCompress(data, 9)
    await expect(decompress(new TextEncoder().encode('not bzip2 at all'))).rejects.toBeInstanceOf(UnsupportedFormatError)
    await expect(decompress(new Uint8Array(0))).rejects.toBeInstanceOf(UnsupportedFormatError)
    for (const cut of [2, 4, 10, 20, c.length - 5, c.length - 1]) {
      for (const chunk of [65536, 3]) {
        const e = await decompress(c.subarray(0, cut), chunk).catch((x: unknown) => x)
        expect(e, `cut at ${cut}`).toBeInstanceOf(TruncatedCompressedDataError)
        expect((e as TruncatedCompressedDataError).offset, `cut at ${cut}`).toBe(cut) // the input's length
      }
    }
    for (const garbage of ['garbage', 'xy']) {
      const e = await decompress(Buffer.concat([c, Buffer.from(garbage)])).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(UnsupportedFormatError)
      expect((e as UnsupportedFormatError).offset).toBe(c.length) // where the trailing bytes start
    }
    const flipped = Uint8Array.from(c)
    flipped[c.length - 3]! ^= 0x10 // inside the stream CRC
    const e = await decompress(flipped).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(CorruptCompressedDataError)
    // libbz2 reports a stream CRC mismatch once it has read the CRC, i.e. the whole stream
    expect((e as CorruptCompressedDataError).offset).toBe(c.length)
  })

  it('every single-bit corruption ends in a typed error (or, rarely, the same output)', async () => {
    const data = new Uint8Array(3000)
    const r = lcg(9)
    for (let i = 0; i < data.length; i++) data[i] = r() < 0.3 ? 0x20 : 97 + Math.floor(r() * 6)
    const c = referenceCompress(data, 9)
    for (let bit = 0; bit < c.length * 8; bit += 5) {
      const bad = Uint8Array.from(c)
      bad[bit >> 3]! ^= 0x80 >> (bit & 7)
      try {
        const out = await decompress(bad)
        expectSameBytes(out, data, `bit ${bit} flipped but decoded`)
      } catch (e) {
        expect(e, `bit ${bit}: ${String(e)}`).toBeInstanceOf(ArchiveManifestError)
      }
    }
  })

  it('random bytes after a valid stream and block header end in a typed error, never a hang (fast-check)', async () => {
    const head = referenceCompress(new TextEncoder().encode('some text to make one block'), 9).subarray(0, 10) // "BZh9" + block magic
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 5000 }), async (tail, chunk) => {
      const bad = Buffer.concat([head, tail])
      const e = await decompress(bad, chunk).then(() => undefined, (x: unknown) => x)
      expect(e).toBeInstanceOf(ArchiveManifestError)
      const off = (e as ArchiveManifestError).offset
      expect(off).toBeGreaterThanOrEqual(0)
      expect(off).toBeLessThanOrEqual(bad.length)
    }), { numRuns: 200 })
  })

  it('streams output in bounded pieces (a 20 MB run of zeros from a 50-byte input)', async () => {
    const c = referenceCompress(new Uint8Array(20_000_000), 9)
    let total = 0
    let pieces = 0
    let largest = 0
    for await (const p of bzip2Decompress([c])) { total += p.length; pieces++; largest = Math.max(largest, p.length) }
    expect(total).toBe(20_000_000)
    expect(largest).toBeLessThanOrEqual(1 << 18) // libbz2's output window, not a block
    expect(pieces).toBeGreaterThan(50)
  })

  it('round-trips random small-alphabet inputs (fast-check)', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 5000, min: 97, max: 99 }), fc.integer({ min: 1, max: 9 }), async (data, level) => {
      expectSameBytes(await decompress(referenceCompress(data, level), 997), data, 'round trip')
    }), { numRuns: 100 })
  })
})
