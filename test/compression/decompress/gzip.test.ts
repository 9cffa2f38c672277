import { describe, expect, it } from 'vitest'
import { gunzip } from '../../../src/compression/decompress/gzip.js'
import { decompress } from '../../../src/compression/decompress/index.js'
import { encodeGzipHeader, GZIP_FCOMMENT, GZIP_FEXTRA, GZIP_FHCRC, GZIP_FNAME } from '../../../src/compression/container/gzip.js'
import { crc32 } from '../../../src/compression/container/crc32.js'
import { chunked, collect, concat, errorCode, file, run, sample, sha256 } from './helpers.js'

const data = sample(600_000, 11)
const small = sample(40_000, 12)

function members (c: Awaited<ReturnType<typeof collect>>) {
  return c.events.flatMap(e => e.kind === 'gzip-member' ? [e.member] : [])
}

describe('gunzip against GNU gzip', () => {
  for (const level of [1, 2, 3, 4, 5, 6, 7, 8, 9]) {
    for (const noName of [false, true]) {
      it(`gzip -${level}${noName ? ' -n' : ''}`, async () => {
        // gzip keeps the file name and mtime unless -n; feed it a file so FNAME is written.
        const p = file(`lvl${level}.bin`, data)
        const gz = run('gzip', [`-${level}`, '-c', ...(noName ? ['-n'] : []), p], new Uint8Array(0))
        const c = await collect(gunzip(chunked(gz)))
        expect(sha256(c.data)).toBe(sha256(run('gzip', ['-dc'], gz)))
        const [m, ...more] = members(c)
        expect(more).toEqual([])
        expect(m!.offset).toBe(0)
        expect(m!.header.os).toBe(3)
        expect(m!.header.xfl).toBe(level === 1 ? 4 : level === 9 ? 2 : 0)
        if (noName) {
          expect(m!.header.flags).toBe(0)
          expect(m!.header.mtime).toBe(0)
          expect(m!.headerBytes.length).toBe(10)
        } else {
          expect(m!.header.flags).toBe(GZIP_FNAME)
          expect(new TextDecoder().decode(m!.header.name)).toBe(`lvl${level}.bin`)
          expect(m!.header.mtime).toBeGreaterThan(0)
          expect(m!.headerBytes.length).toBe(10 + `lvl${level}.bin`.length + 1)
        }
        expect(m!.headerBytes).toEqual(gz.subarray(0, m!.headerBytes.length))
        expect(m!.deflateOffset).toBe(m!.headerBytes.length)
        expect(m!.trailerOffset).toBe(gz.length - 8)
        expect(m!.deflateSize).toBe(gz.length - 8 - m!.headerBytes.length)
        expect(m!.isize).toBe(data.length)
        expect(m!.crc32).toBe(crc32(data))
        const end = c.events.at(-1)!
        expect(end).toEqual({ kind: 'end', format: 'gzip', compressedSize: gz.length, uncompressedSize: data.length, trailing: { offset: gz.length, length: 0, allZero: true } })
      })
    }
  }

  it('python gzip module (FNAME + MTIME), and FEXTRA/FCOMMENT/FHCRC headers crafted by hand, which gzip -d accepts', async () => {
    const py = run('python3', ['-c', 'import gzip,sys; sys.stdout.buffer.write(gzip.compress(sys.stdin.buffer.read(), 6, mtime=1234567890))'], small)
    const c0 = await collect(gunzip([py]))
    expect(sha256(c0.data)).toBe(sha256(small))
    expect(members(c0)[0]!.header.mtime).toBe(1234567890)

    const plain = run('gzip', ['-6', '-n', '-c'], small)
    const body = plain.subarray(10)
    const header = {
      flags: GZIP_FEXTRA | GZIP_FNAME | GZIP_FCOMMENT | GZIP_FHCRC,
      mtime: 987654321, xfl: 0, os: 255,
      extra: Uint8Array.of(0x41, 0x70, 4, 0, 1, 2, 3, 4), // subfield "Ap", 4 bytes
      name: new TextEncoder().encode('naïve.tar'),
      comment: new TextEncoder().encode('a comment\nwith a newline')
    }
    const hb = encodeGzipHeader(header)
    const crafted = concat(hb, body)
    expect(sha256(run('gzip', ['-dc'], crafted))).toBe(sha256(small)) // the real tool agrees the header is valid
    const c = await collect(gunzip(chunked(crafted, 7)))
    expect(sha256(c.data)).toBe(sha256(small))
    const m = members(c)[0]!
    expect(m.headerBytes).toEqual(hb)
    expect(m.header.extra).toEqual(header.extra)
    expect(m.header.name).toEqual(header.name)
    expect(m.header.comment).toEqual(header.comment)
    expect(m.header.hcrc).toBe(crc32(hb.subarray(0, hb.length - 2)) & 0xffff)
    expect(m.deflateOffset).toBe(hb.length)

    // A wrong header CRC16 is refused, as gzip does.
    const bad = crafted.slice(); bad[hb.length - 1]! ^= 0xff
    expect((await errorCode(gunzip([bad])))?.code).toBe('ERR_CORRUPT_COMPRESSED')
    expect(spawnFails('gzip', ['-dc'], bad)).toBe(true)
  })

  it('multi-member files (cat a.gz b.gz, and an empty member), with exact member offsets', async () => {
    const a = run('gzip', ['-9', '-n', '-c'], data)
    const b = run('gzip', ['-1', '-c'], small)
    const e = run('gzip', ['-n', '-c'], new Uint8Array(0))
    const all = concat(a, e, b)
    const c = await collect(gunzip(chunked(all, 3000)))
    expect(sha256(c.data)).toBe(sha256(run('gzip', ['-dc'], all)))
    const ms = members(c)
    expect(ms.map(m => [m.offset, m.trailerOffset + 8, m.uncompressedOffset, m.uncompressedSize])).toEqual([
      [0, a.length, 0, data.length],
      [a.length, a.length + e.length, data.length, 0],
      [a.length + e.length, all.length, data.length, small.length]
    ])
  })

  it('pigz output, single and multi-member (pigz -i, and concatenated)', async () => {
    for (const args of [['-c'], ['-i', '-c', '-b', '128'], ['-11', '-c']]) {
      const z = run('pigz', args, data)
      const all = concat(z, z)
      const c = await collect(gunzip(chunked(all)))
      expect(sha256(c.data)).toBe(sha256(concat(data, data)))
      expect(members(c).map(m => m.offset)).toEqual([0, z.length])
    }
  })

  it('trailing zero padding and trailing garbage are reported, not decoded', async () => {
    const a = run('gzip', ['-n', '-c'], small)
    for (const [tail, allZero] of [[new Uint8Array(512), true], [new TextEncoder().encode('garbage after the stream'), false], [Uint8Array.of(0x1f), false], [Uint8Array.of(0x1f, 0x8b, 0x07), false]] as const) {
      const all = concat(a, tail)
      const c = await collect(gunzip(chunked(all, 100)))
      expect(sha256(c.data)).toBe(sha256(small))
      expect(c.events.at(-1)).toMatchObject({ kind: 'end', compressedSize: all.length, trailing: { offset: a.length, length: tail.length, allZero } })
    }
  })

  it('auto-detection picks gzip', async () => {
    const a = run('gzip', ['-n', '-c'], small)
    const c = await collect(decompress(chunked(a, 5)))
    expect(sha256(c.data)).toBe(sha256(small))
    expect(c.events.map(e => e.kind)).toEqual(['gzip-member', 'end'])
  })
})

function spawnFails (cmd: string, args: string[], input: Uint8Array): boolean {
  try { run(cmd, args, input); return false } catch { return true }
}

describe('gunzip errors', () => {
  const gz = run('gzip', ['-6', '-c', '-n'], data)

  it('truncated input at any point → ERR_TRUNCATED_COMPRESSED with the input length as offset', async () => {
    for (const cut of [1, 2, 5, 9, 10, 11, 100, gz.length >> 1, gz.length - 9, gz.length - 8, gz.length - 4, gz.length - 1]) {
      const e = await errorCode(gunzip(chunked(gz.subarray(0, cut), 5000)))
      expect(e, `cut at ${cut}`).toEqual({ code: 'ERR_TRUNCATED_COMPRESSED', offset: cut })
    }
  })

  it('corrupted deflate data, CRC32 and ISIZE → ERR_CORRUPT_COMPRESSED', async () => {
    const flipCrc = gz.slice(); flipCrc[gz.length - 6]! ^= 1
    expect(await errorCode(gunzip([flipCrc]))).toEqual({ code: 'ERR_CORRUPT_COMPRESSED', offset: gz.length - 8 })
    const flipSize = gz.slice(); flipSize[gz.length - 3]! ^= 1
    expect(await errorCode(gunzip([flipSize]))).toEqual({ code: 'ERR_CORRUPT_COMPRESSED', offset: gz.length - 4 })
    let corrupt = 0
    for (let i = 0; i < 20; i++) {
      const at = 10 + Math.floor((gz.length - 20) * i / 20)
      const bad = gz.slice(); bad[at]! ^= 0x55
      const e = await errorCode(gunzip(chunked(bad)))
      expect(['ERR_CORRUPT_COMPRESSED', 'ERR_TRUNCATED_COMPRESSED']).toContain(e?.code) // never silently accepted
      if (e?.code === 'ERR_CORRUPT_COMPRESSED') corrupt++
    }
    expect(corrupt).toBeGreaterThan(10)
    const method = gz.slice(); method[2] = 7
    expect((await errorCode(gunzip([method])))?.code).toBe('ERR_UNSUPPORTED_FORMAT')
    const flags = gz.slice(); flags[3] = 0x20
    expect(await errorCode(gunzip([flags]))).toEqual({ code: 'ERR_CORRUPT_COMPRESSED', offset: 3 })
    expect((await errorCode(gunzip([]))) ?.code).toBe('ERR_UNSUPPORTED_FORMAT')
  })

  it('a second member with a corrupt header is an error (it starts with 1f 8b 08)', async () => {
    const bad = concat(gz, Uint8Array.of(0x1f, 0x8b, 0x08, 0x80, 0, 0, 0, 0, 0, 3))
    expect(await errorCode(gunzip([bad]))).toEqual({ code: 'ERR_CORRUPT_COMPRESSED', offset: gz.length + 3 })
  })

  it('an over-long FNAME is refused by the limit, not buffered without bound', async () => {
    const hb = encodeGzipHeader({ flags: GZIP_FNAME, mtime: 0, xfl: 0, os: 3, name: new Uint8Array(5000).fill(0x61) })
    const all = concat(hb, gz.subarray(10))
    expect((await errorCode(gunzip([all], { maxFieldLength: 1000 })))?.code).toBe('ERR_LIMIT_EXCEEDED')
    expect(await errorCode(gunzip([all]))).toBeUndefined()
  })
})
