/**
 * Container layouts against xz 5.4.1: single-threaded and threaded (multi-block), --block-size in both, every
 * check, empty input, and writes cut at odd sizes. Each file's head must yield its params.
 */
import { describe, it, expect } from 'vitest'
import { xzCandidateParams } from '../../../src/compression/xz/candidates.js'
import { createXzEncoder } from '../../../src/compression/xz/encoder.js'
import { InvalidArgumentError } from '../../../src/errors.js'
import { encode, expectSame, roundTrip, textBytes, xz } from './helpers.js'

const big = textBytes(3_300_000, 11) // 4 blocks at -0 -T2 (1 MiB blocks), 2 at -1 -T2 (3 MiB blocks)
const small = textBytes(150_000, 12)

describe('xz encoder layouts', () => {
  it('threaded layout: several blocks of 3x the dictionary (min 1 MiB), sizes in block headers', () => {
    roundTrip(['-0', '-T2'], { level: 0, mt: 1 }, big, 0)
    roundTrip(['-0e', '-T2'], { level: 0, extreme: 1, mt: 1 }, big, 1)
    roundTrip(['-1', '-T2'], { level: 1, mt: 1 }, big, 0)
  })

  it('--block-size in both layouts, and a threaded block size larger than the input', () => {
    roundTrip(['-0', '-T1', '--block-size=100000'], { level: 0, blockSize: 100_000 }, small, 'hidden')
    roundTrip(['-0', '-T2', '--block-size=100000'], { level: 0, mt: 1, blockSize: 100_000 }, small, 2)
    roundTrip(['-2', '-T2', '--block-size=2000000'], { level: 2, mt: 1, blockSize: 2_000_000 }, big, 2)
    // One block smaller than a 10 MiB block size: the head gives a smaller size that writes the same bytes.
    const want = xz(['-0', '-T2', '--block-size=10000000'], small)
    expectSame(encode({ level: 0, mt: 1, blockSize: 10_000_000 }, small), want, '--block-size=10000000')
    const [first] = xzCandidateParams(want.subarray(0, 1036))!
    expect(first!.blockSize).toBeLessThan(10_000_000)
    expectSame(encode(first!, small), want, `recovered ${JSON.stringify(first)}`)
  })

  it('every check, both layouts', () => {
    for (const [name, check] of [['none', 0], ['crc32', 1], ['crc64', 4], ['sha256', 10]] as const) {
      const extra: Record<string, number> = check === 4 ? {} : { check }
      roundTrip(['-0', '-T1', `--check=${name}`], { level: 0, ...extra }, small, 0)
      // A first block smaller than the default could be the only one: the default block size ranks first.
      roundTrip(['-0', '-T2', `--check=${name}`, '--block-size=40000'], { level: 0, mt: 1, blockSize: 40_000, ...extra }, small, 2)
    }
  })

  it('empty input: every level and layout write the same stream, recognised from its index', () => {
    for (const check of [0, 1, 4, 10]) {
      const names: Record<number, string> = { 0: 'none', 1: 'crc32', 4: 'crc64', 10: 'sha256' }
      const want = xz(['-T1', `--check=${names[check]}`], new Uint8Array(0))
      expectSame(xz(['-T2', '-9', `--check=${names[check]}`], new Uint8Array(0)), want, 'xz -T2 -9 empty')
      const params: Record<string, number> = check === 4 ? { level: 6 } : { level: 6, check }
      expect(xzCandidateParams(want)).toEqual([params])
      for (const p of [params, { ...params, level: 0, mt: 1 }]) expectSame(encode(p, new Uint8Array(0)), want, `empty ${JSON.stringify(p)}`)
    }
  })

  it('writes of 1 byte, 7 bytes and 1 MiB give the same bytes', () => {
    const input = small.subarray(0, 60_000)
    roundTrip(['-3', '-T1'], { level: 3 }, input, 0, 1)
    roundTrip(['-3', '-T2', '--block-size=20000'], { level: 3, mt: 1, blockSize: 20_000 }, input, 0, 1)
    roundTrip(['-6', '-T1'], { level: 6 }, big.subarray(0, 700_000), 0, 7)
    roundTrip(['-0', '-T2'], { level: 0, mt: 1 }, big.subarray(0, 2_500_000), 0, 7)
    roundTrip(['-0', '-T1', '--block-size=300000'], { level: 0, blockSize: 300_000 }, big, 'hidden', 1 << 20)
  })

  it('rejects params that are unknown, out of range or not canonical', () => {
    for (const params of [{}, { level: 10 }, { level: 6, check: 2 }, { level: 6, check: 4 }, { level: 6, extreme: 0 }, { level: 6, mt: 0 },
      { level: 6, mt: 1, blockSize: 3 * 8 * 2 ** 20 }, { level: 1.5 }, { level: 6, threads: 2 }, { level: 6, blockSize: 0 }] as Array<Record<string, number>>) {
      expect(() => createXzEncoder(params), JSON.stringify(params)).toThrow(InvalidArgumentError)
    }
  })

  it('head: more bytes needed, or no candidate for other filter chains and non-xz data', () => {
    const file = xz(['-6', '-T2'], small)
    expect(xzCandidateParams(file.subarray(0, 5))).toBeUndefined()
    expect(xzCandidateParams(file.subarray(0, 12))).toBeUndefined()
    const headEnd = 12 + (file[12]! + 1) * 4
    expect(xzCandidateParams(file.subarray(0, headEnd - 1))).toBeUndefined()
    expect(xzCandidateParams(file.subarray(0, headEnd))).toEqual([{ level: 6, mt: 1 }, { level: 6, extreme: 1, mt: 1 }, { level: 5, mt: 1 }, { level: 5, extreme: 1, mt: 1 }])
    expect(xzCandidateParams(xz(['--x86', '--lzma2=preset=6'], small))).toEqual([])
    expect(xzCandidateParams(xz(['--lzma2=preset=6,dict=3MiB'], small))).toEqual([])
    expect(xzCandidateParams(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0]))).toEqual([])
  })
})
