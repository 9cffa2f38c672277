/**
 * zstdWindowLog (pure JavaScript, so that reading a frame header needs no WebAssembly) answers exactly as
 * libzstd 1.5.4 does (libzstdWindowLog): every level, a grid of pledged sizes around each table and
 * power-of-two boundary, unknown sizes, and every --long window log.
 */
import { describe, expect, it } from 'vitest'
import { libzstdWindowLog, loadLibzstd } from '../../../src/compression/zstd/libzstd.js'
import { zstdWindowLog } from '../../../src/compression/zstd/window-log.js'

await loadLibzstd()

const LEVELS = [-131072, -1000, -5, -1, ...Array.from({ length: 22 }, (_, i) => i + 1), 23]
const SIZES: Array<number | undefined> = [undefined, 0, 1, 63, 64, 65, 1000, 513, 16 * 1024 + 1, 128 * 1024 + 1, 256 * 1024 + 1, 11335680, 2 ** 53 - 1]
for (let log = 6; log <= 40; log++) SIZES.push(2 ** log - 1, 2 ** log, 2 ** log + 1)
const LONGS = [0, ...Array.from({ length: 21 }, (_, i) => i + 10)]

describe('zstdWindowLog', () => {
  it('equals libzstd\'s window log for every level, size and --long', () => {
    let compared = 0
    for (const level of LEVELS) {
      for (const size of SIZES) {
        for (const long of LONGS) {
          const expected = libzstdWindowLog(level, size, long)
          if (zstdWindowLog(level, size, long) !== expected) expect({ level, size, long, got: zstdWindowLog(level, size, long) }).toEqual({ level, size, long, got: expected })
          compared++
        }
      }
    }
    expect(compared).toBe(LEVELS.length * SIZES.length * LONGS.length)
  })
})
