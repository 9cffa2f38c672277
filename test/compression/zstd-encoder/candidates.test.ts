/**
 * zstdCandidateParams: for frames written by the zstd 1.5.4 CLI in each mode, the parameters that wrote
 * the frame are among the candidates read from its header, and encoding with them reproduces the frame.
 */
import { describe, expect, it } from 'vitest'
import { parseZstdFrameHeader, zstdFrameHeaderSize } from '../../../src/compression/container/zstd.js'
import { zstdCandidateParams } from '../../../src/compression/zstd/candidates.js'
import { seededBytes } from '../../helpers/seeded.js'
import { type CliCase, describe_, encode, paramsFor, semiCompressible, zstdCli } from './helpers.js'

/** The first candidate, in order, whose output is the frame; and its position. */
function firstReproducing (frame: Buffer, input: Uint8Array): { params: Record<string, number>, index: number, count: number } | undefined {
  const candidates = zstdCandidateParams(frame.subarray(0, 18))
  expect(candidates).toBeDefined()
  const size = parseZstdFrameHeader(frame, 0).contentSize
  for (const [index, params] of candidates!.entries()) {
    if (encode(params, input, 1 << 20, size).equals(frame)) return { params, index, count: candidates!.length }
  }
  return undefined
}

const text = semiCompressible('zstd candidates', 64 * 1024)

describe('zstdCandidateParams', () => {
  const cases: CliCase[] = [
    { level: 3 }, { level: 3, file: true }, { level: 19 }, { level: 19, file: true }, { level: 1 }, { level: -2 },
    { level: 7, file: true }, { level: 12 }, { level: 18, file: true }, { level: 22 }, { level: 20, file: true },
    { level: 3, noCheck: true }, { level: 9, noCheck: true, file: true }, { level: 3, long: 27 }, { level: 19, long: 27 }
  ]
  for (const c of cases) {
    it(`finds the parameters of ${describe_(c)}`, () => {
      const frame = zstdCli(c, text)
      const expected = paramsFor(c)
      expect(zstdCandidateParams(frame.subarray(0, 18))).toContainEqual(expected)
      const found = firstReproducing(frame, text)
      expect(found, 'a candidate reproduces the frame').toBeDefined()
    })
  }

  it('--single-thread of a small file is the default path: its canonical params omit workers', () => {
    const frame = zstdCli({ level: 3, file: true, singleThread: true }, text)
    expect(firstReproducing(frame, text)?.params).toEqual({ level: 3, pledged: 1 })
  })

  it('several MiB: ZSTDMT and --single-thread told apart, stdin and file', () => {
    const input = semiCompressible('zstd candidates mt', 5 * 1024 * 1024)
    for (const c of [{ level: 1 }, { level: 1, singleThread: true }, { level: 3, file: true }, { level: 3, file: true, singleThread: true }]) {
      const frame = zstdCli(c, input)
      expect(firstReproducing(frame, input)?.params, describe_(c)).toEqual(paramsFor(c))
    }
  })

  it('empty input, stdin and file: the same frame, canonical params { level: 3 }', () => {
    for (const c of [{ level: 3 }, { level: 3, file: true }]) {
      const frame = zstdCli(c, new Uint8Array(0))
      expect(firstReproducing(frame, new Uint8Array(0))?.params).toEqual({ level: 3 })
    }
    const noCheck = zstdCli({ level: 19, noCheck: true }, new Uint8Array(0))
    expect(firstReproducing(noCheck, new Uint8Array(0))?.params).toEqual({ level: 3, checksum: 0 })
  })

  it('incompressible input', () => {
    const input = seededBytes('zstd candidates random', 200 * 1024)
    for (const c of [{ level: 3 }, { level: 19, file: true }]) {
      const frame = zstdCli(c, input)
      expect(zstdCandidateParams(frame.subarray(0, 18))).toContainEqual(paramsFor(c))
      expect(firstReproducing(frame, input), describe_(c)).toBeDefined()
    }
  })

  it('the header narrows the levels by window', () => {
    // Piped input: the window log alone names the level group (level 3: 2 MiB; level 19: 8 MiB).
    const l3 = zstdCandidateParams(zstdCli({ level: 3 }, text).subarray(0, 18))!
    const l19 = zstdCandidateParams(zstdCli({ level: 19 }, text).subarray(0, 18))!
    expect(l3.map((p) => p.level)).not.toContain(19)
    expect(l19.map((p) => p.level)).not.toContain(3)
    expect(l3[0]).toEqual({ level: 3 })
    expect(l19[0]).toEqual({ level: 19 })
  })

  it('needs the whole header; refuses dictionaries and other data', () => {
    const frame = zstdCli({ level: 3, file: true }, text)
    const headerSize = zstdFrameHeaderSize(frame[4]!)
    for (let n = 0; n < headerSize; n++) expect(zstdCandidateParams(frame.subarray(0, n))).toBeUndefined()
    expect(zstdCandidateParams(frame.subarray(0, headerSize))!.length).toBeGreaterThan(0)
    // Dictionary ID flag set (1-byte ID 7): the CLI never writes one without a dictionary.
    expect(zstdCandidateParams(Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x01, 0x58, 7))).toEqual([])
    expect(zstdCandidateParams(Uint8Array.of(0x1f, 0x8b, 8, 0, 0))).toEqual([])
    // A window no level and no --long gives (mantissa bits set).
    expect(zstdCandidateParams(Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x5b))).toEqual([])
  })
})
