/**
 * Byte identity of the "zstd" recipe encoder with Debian bookworm's `zstd` 1.5.4 CLI, over its levels,
 * stdin versus a file argument, --no-check, --single-thread versus the default (ZSTDMT) path, --long,
 * and inputs that are empty, incompressible, or large enough for ZSTDMT to cut several jobs.
 */
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../../../src/errors.js'
import { createZstdEncoder } from '../../../src/compression/zstd/encoder.js'
import { ZSTD_PARAM_RULES } from '../../../src/compression/zstd/params.js'
import { seededBytes } from '../../helpers/seeded.js'
import { type CliCase, describe_, encode, paramsFor, semiCompressible, zstdCli } from './helpers.js'

function same (c: CliCase, input: Uint8Array, cut?: number): void {
  const expected = zstdCli(c, input)
  const got = encode(paramsFor(c), input, cut)
  expect(got.equals(expected), `${describe_(c)} on ${input.length} bytes: ${got.length} vs ${expected.length} bytes`).toBe(true)
}

const text256k = semiCompressible('zstd levels', 256 * 1024)
const text64k = semiCompressible('zstd small', 64 * 1024)
const fastAndNormal = [-5, -4, -3, -2, -1, ...Array.from({ length: 19 }, (_, i) => i + 1)]

describe('zstd encoder matches the zstd 1.5.4 CLI', () => {
  it('levels --fast=5..1 and 1..19, stdin', () => {
    for (const level of fastAndNormal) same({ level }, text256k)
  })

  it('levels --fast=5..1 and 1..19, file argument (pledged size)', () => {
    for (const level of fastAndNormal) same({ level, file: true }, text256k)
  })

  it('every level, file argument, sizes around the window and match-finder thresholds', () => {
    const sizes = [1, 5000, 16384, 16385, 65536, 131073, 200000]
    const input = semiCompressible('zstd sizes', 200000)
    for (const size of sizes) {
      for (const level of [...fastAndNormal, ...(size <= 65536 ? [20, 21, 22] : [])]) same({ level, file: true }, input.subarray(0, size))
    }
  })

  it('levels 20..22 with --ultra, stdin and file', () => {
    for (const level of [20, 21, 22]) {
      same({ level }, text64k)
      same({ level, file: true }, text64k)
    }
  })

  it('--no-check', () => {
    for (const level of [-1, 1, 3, 19]) {
      same({ level, noCheck: true }, text64k)
      same({ level, noCheck: true, file: true }, text64k)
    }
  })

  it('several MiB: ZSTDMT cuts jobs, and its output differs from --single-thread', () => {
    // Level 1's jobs are 2 MiB (window log 19 + 2), so 6 MiB make three jobs; level 3's window is 2 MiB.
    const input = semiCompressible('zstd mt', 6 * 1024 * 1024)
    for (const level of [1, 3]) {
      for (const file of [false, true]) {
        const mt = zstdCli({ level, file }, input)
        const st = zstdCli({ level, file, singleThread: true }, input)
        expect(mt.equals(st)).toBe(false)
        expect(encode(paramsFor({ level, file }), input).equals(mt), `${level} ${file} mt`).toBe(true)
        expect(encode(paramsFor({ level, file, singleThread: true }), input).equals(st), `${level} ${file} st`).toBe(true)
      }
    }
  })

  it('--single-thread on a small input (same bytes as the default path)', () => {
    for (const level of [3, 19]) {
      same({ level, singleThread: true }, text64k)
      same({ level, singleThread: true, file: true }, text64k)
    }
  })

  it('--long (27 and 24), stdin and file', () => {
    const input = semiCompressible('zstd long', 1536 * 1024)
    same({ level: 3, long: 27 }, input)
    same({ level: 3, long: 27, file: true }, input)
    same({ level: 19, long: 24, file: true }, text256k)
  })

  it('empty input', () => {
    for (const c of [{ level: 3 }, { level: 3, file: true }, { level: 19, noCheck: true }, { level: -1, file: true, singleThread: true }]) {
      same(c, new Uint8Array(0))
    }
  })

  it('incompressible input', () => {
    const input = seededBytes('zstd incompressible', 700 * 1024)
    for (const level of [1, 3, 19]) {
      same({ level }, input)
      same({ level, file: true }, input)
    }
  })

  it('writes cut at 1 byte, 7 bytes and 1 MiB give the same bytes', () => {
    const small = text64k.subarray(0, 40_000)
    const big = semiCompressible('zstd cuts', 3 * 1024 * 1024 + 12345)
    for (const c of [{ level: 3 }, { level: 3, file: true }, { level: 1, singleThread: true }]) {
      const refSmall = zstdCli(c, small)
      for (const cut of [1, 7, 1 << 20]) expect(encode(paramsFor(c), small, cut).equals(refSmall), `${describe_(c)} cut ${cut}`).toBe(true)
      const refBig = zstdCli(c, big)
      for (const cut of [7, 65_537, 1 << 20]) expect(encode(paramsFor(c), big, cut).equals(refBig), `${describe_(c)} big cut ${cut}`).toBe(true)
    }
  })

  it('returns output while input is still coming: a block behind single-threaded, a job behind on ZSTDMT', () => {
    const input = semiCompressible('zstd lag', 5 * 1024 * 1024)
    // Level 1's ZSTDMT jobs are 2 MiB: a job's output can only come once its 2 MiB of input are in.
    for (const [params, maxLag] of [[{ level: 3, workers: 0 }, 256 * 1024], [{ level: 1 }, 2 * 2 * 1024 * 1024]] as const) {
      const e = createZstdEncoder(params)
      let produced = 0
      let consumed = 0
      let worstLag = 0
      for (; consumed < input.length; consumed += 65536) {
        for (const b of e.write(input.subarray(consumed, consumed + 65536))) produced += b.length
        // Lag in input bytes, judged through the overall compression ratio.
        worstLag = Math.max(worstLag, consumed + 65536 - produced / 0.4)
      }
      for (const b of e.end()) produced += b.length
      expect(worstLag, JSON.stringify(params)).toBeLessThan(maxLag)
    }
  })
})

describe('zstd encoder parameters', () => {
  it('refuses unknown, out-of-range and missing parameters, level 0, and a pledge without a size', () => {
    expect(() => createZstdEncoder({ level: 3, strategy: 1 })).toThrow(InvalidArgumentError)
    expect(() => createZstdEncoder({ level: 23 })).toThrow(InvalidArgumentError)
    expect(() => createZstdEncoder({ level: 0 })).toThrow(InvalidArgumentError)
    expect(() => createZstdEncoder({ checksum: 0 })).toThrow(InvalidArgumentError)
    expect(() => createZstdEncoder({ level: 3, pledged: 1 })).toThrow(InvalidArgumentError)
    expect(() => createZstdEncoder({ level: 3, long: 5 })).toThrow(InvalidArgumentError)
    expect(Object.keys(ZSTD_PARAM_RULES)).toContain('level')
  })

  it('refuses more or less input than pledged', () => {
    const e = createZstdEncoder({ level: 3, pledged: 1 }, 10)
    expect(() => e.write(new Uint8Array(11))).toThrow(InvalidArgumentError)
    const f = createZstdEncoder({ level: 3, pledged: 1 }, 10)
    f.write(new Uint8Array(9))
    expect(() => f.end()).toThrow(InvalidArgumentError)
  })
})
