/**
 * A reused libzstd instance (wasm-module.ts's pool) is reset to a new one's memory from a copy of the new
 * memory's non-zero pages only: libzstd's 1 MiB stack is zeros, so the copy is one 64 KiB page, not the
 * 1.1 MB it was (#16, memory). The reset memory is byte for byte a new instance's, and encodes the same.
 */
import { describe, expect, it } from 'vitest'
import { createZstdEncoder } from '../../../src/compression/zstd/encoder.js'
import { libzstdInstances, loadLibzstd } from '../../../src/compression/zstd/libzstd.js'
import { seededBytes } from '../../helpers/seeded.js'

await loadLibzstd()

function encode (input: Uint8Array): Buffer {
  const e = createZstdEncoder({ level: 3 })
  const out = [...e.write(input), ...e.end()]
  e.dispose?.()
  return Buffer.concat(out)
}

describe('libzstd instance reuse', () => {
  it('keeps one page to reset an instance, and a reset instance encodes as a new one', () => {
    const input = seededBytes('instance reset', 300_000)
    const first = encode(input)
    const stats = libzstdInstances()
    expect(stats.created).toBe(1)
    expect(stats.freshBytes).toBe(65536)
    expect(encode(input)).toEqual(first)
    expect(libzstdInstances().created).toBe(1)
  })
})
