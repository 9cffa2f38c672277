import { describe, expect, it } from 'vitest'
import { unxz } from '../../../src/compression/decompress/xz.js'
import { decompress } from '../../../src/compression/decompress/index.js'
import type { XzStreamEvent } from '../../../src/compression/decompress/events.js'
import { chunked, collect, concat, errorCode, file, run, sample, sha256 } from './helpers.js'
import { execFileSync } from 'node:child_process'

const data = sample(400_000, 51)
const small = sample(30_000, 52)

/** `xz --robot -lvv`'s block lines: [stream, block, compressed offset, total size, uncompressed size, header size, compressed data size]. */
function xzBlocks (xz: Uint8Array): number[][] {
  const p = file('list.xz', xz)
  const out = execFileSync('xz', ['--robot', '-lvv', p]).toString()
  return out.split('\n').filter(l => l.startsWith('block\t')).map(l => {
    const f = l.split('\t')
    return [Number(f[1]), Number(f[2]), Number(f[4]), Number(f[6]), Number(f[7]), Number(f[11]), Number(f[13])]
  })
}

function ourBlocks (streams: XzStreamEvent[]): number[][] {
  return streams.flatMap((s, i) => s.blocks.map((b, j) => [i + 1, j + 1, b.offset, b.headerSize + b.compressedSize + b.paddingSize + b.checkSize, b.uncompressedSize, b.headerSize, b.compressedSize]))
}

const streamsOf = (c: Awaited<ReturnType<typeof collect>>): XzStreamEvent[] => c.events.filter((e): e is XzStreamEvent => e.kind === 'xz-stream')

describe('unxz against xz-utils', () => {
  for (const args of [['-0'], ['-1'], ['-2'], ['-3'], ['-4'], ['-5'], ['-6'], ['-7'], ['-8'], ['-9'], ['-6', '-e'], ['-9', '-e']]) {
    it(`xz ${args.join(' ')}`, async () => {
      const xz = run('xz', ['-c', ...args], data)
      const c = await collect(unxz(chunked(xz)))
      expect(sha256(c.data)).toBe(sha256(run('xz', ['-dc'], xz)))
      const [s] = streamsOf(c)
      expect(s).toMatchObject({ offset: 0, size: xz.length, checkType: 4, checkSize: 8, uncompressedSize: data.length, footerOffset: xz.length - 12 })
      expect(ourBlocks(streamsOf(c))).toEqual(xzBlocks(xz))
      expect(c.events.at(-1)).toEqual({ kind: 'end', format: 'xz', compressedSize: xz.length, uncompressedSize: data.length, trailing: { offset: xz.length, length: 0, allZero: true } })
    })
  }

  it('xz -T2 -1 on 10 MB: several blocks with sizes in their headers, matching xz --robot -lvv', async () => {
    const big = sample(10_000_000, 53)
    const xz = run('xz', ['-c', '-T2', '-1'], big)
    const c = await collect(unxz(chunked(xz, 1 << 20)))
    expect(sha256(c.data)).toBe(sha256(big))
    const s = streamsOf(c)
    expect(s[0]!.blocks.length).toBe(4) // 3 MiB blocks (3 x the 1 MiB dictionary)
    expect(ourBlocks(s)).toEqual(xzBlocks(xz))
    for (const b of s[0]!.blocks) {
      expect(b.headerCompressedSize).toBe(b.compressedSize)
      expect(b.headerUncompressedSize).toBe(b.uncompressedSize)
    }
  })

  for (const check of ['none', 'crc32', 'crc64', 'sha256']) {
    it(`--check=${check}`, async () => {
      const xz = run('xz', ['-c', '-3', `--check=${check}`, '--block-size=100000'], data)
      const c = await collect(unxz(chunked(xz)))
      expect(sha256(c.data)).toBe(sha256(data))
      const [s] = streamsOf(c)
      expect(s!.checkType).toBe({ none: 0, crc32: 1, crc64: 4, sha256: 10 }[check])
      expect(s!.blocks.length).toBe(4)
      expect(ourBlocks(streamsOf(c))).toEqual(xzBlocks(xz))
      // A flipped check byte is caught by liblzma, whatever the check type.
      if (check !== 'none') {
        const b = s!.blocks[1]!
        const bad = xz.slice(); bad[b.offset + b.headerSize + b.compressedSize + b.paddingSize]! ^= 1
        expect((await errorCode(unxz([bad])))?.code).toBe('ERR_CORRUPT_COMPRESSED')
      }
    })
  }

  it('concatenated streams with stream padding between and after, and trailing garbage', async () => {
    const a = run('xz', ['-c', '-6'], data)
    const b = run('xz', ['-c', '-1', '--check=sha256'], small)
    const pad = new Uint8Array(8)
    const all = concat(a, pad, b, new Uint8Array(4))
    expect(sha256(run('xz', ['-dc'], all))).toBe(sha256(concat(data, small)))
    const c = await collect(unxz(chunked(all, 777)))
    expect(sha256(c.data)).toBe(sha256(concat(data, small)))
    expect(c.events.map(e => [e.kind, 'offset' in e ? e.offset : -1, 'size' in e ? e.size : -1])).toEqual([
      ['xz-stream', 0, a.length], ['xz-stream-padding', a.length, 8], ['xz-stream', a.length + 8, b.length], ['end', -1, -1]
    ])
    expect(c.events.at(-1)).toMatchObject({ trailing: { offset: a.length + 8 + b.length, length: 4, allZero: true } })
    expect(ourBlocks(streamsOf(c))).toEqual(xzBlocks(all))
    const g = await collect(unxz([concat(a, new TextEncoder().encode('garbage'))]))
    expect(g.events.at(-1)).toMatchObject({ trailing: { offset: a.length, length: 7, allZero: false } })
  })

  it('auto-detection picks xz; stopping early releases the decoder', async () => {
    const xz = run('xz', ['-c'], data)
    for await (const e of decompress([xz])) { if (e.kind === 'data') break }
    const c = await collect(decompress(chunked(xz)))
    expect(sha256(c.data)).toBe(sha256(data))
  })

  it('truncated and corrupted input → typed errors', async () => {
    const xz = run('xz', ['-c', '-6', '--block-size=100000'], data)
    for (const cut of [3, 6, 12, 13, 30, xz.length >> 1, xz.length - 13, xz.length - 12, xz.length - 1]) {
      expect(await errorCode(unxz(chunked(xz.subarray(0, cut), 9000))), `cut at ${cut}`).toEqual({ code: 'ERR_TRUNCATED_COMPRESSED', offset: cut })
    }
    for (let i = 1; i < 12; i++) {
      const at = Math.floor(xz.length * i / 12)
      const bad = xz.slice(); bad[at]! ^= 0x20
      const e = await errorCode(unxz([bad]))
      expect(['ERR_CORRUPT_COMPRESSED', 'ERR_TRUNCATED_COMPRESSED', 'ERR_UNSUPPORTED_FORMAT'], `flip at ${at}`).toContain(e?.code)
    }
    const hdr = xz.slice(); hdr[7]! ^= 1
    expect(await errorCode(unxz([hdr]))).toEqual({ code: 'ERR_CORRUPT_COMPRESSED', offset: 8 })
  })
})
