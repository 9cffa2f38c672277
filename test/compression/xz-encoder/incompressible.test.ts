/** Incompressible input against xz 5.4.1 in both layouts, including the threaded encoder's stored-block fallback. */
import { describe, it, expect } from 'vitest'
import { randomBytes, roundTrip } from './helpers.js'

const random = randomBytes(2_500_000, 13)

describe('xz encoder on incompressible input', () => {
  it('incompressible input, both layouts', () => {
    roundTrip(['-0', '-T1'], { level: 0 }, random, 0)
    roundTrip(['-0', '-T2'], { level: 0, mt: 1 }, random, 0)
    roundTrip(['-6', '-T2', '--block-size=1000000'], { level: 6, mt: 1, blockSize: 1_000_000 }, random.subarray(0, 2_100_000), 0)
  })

  it('threaded layout: a block that overflows the threaded encoder\'s output buffer is stored uncompressed', () => {
    // Random data costs LZMA2 a little more than the buffer bound allows for once a block passes ~17 MB with
    // CRC64, ~13 MB with SHA-256 (the bound leaves room for a 64-byte check); liblzma then rewrites the block
    // as stored chunks, whose header gives the minimum dictionary (4 KiB). Whether it does depends on the
    // bytes: this seed is known to. The second, partial block is compressed as usual.
    const input = randomBytes(13_500_000, 777)
    const want = roundTrip(['-0', '-T2', '--check=sha256', '--block-size=13000000'], { level: 0, check: 10, mt: 1, blockSize: 13_000_000 }, input, 7)
    expect(want[12 + 2 + 4 + 4 + 2]).toBe(0) // LZMA2 properties byte 0: a 4 KiB dictionary
  })
})
