/** The typed wrapper around the libbz2 WebAssembly module (src/compression/bzip2/libbz2.ts). */
import { beforeAll, describe, it, expect } from 'vitest'
import { BZ_RUN_OK, BZ_STREAM_END, Libbz2Stream, loadLibbz2 } from '../../../src/compression/bzip2/libbz2.js'
import { expectSameBytes, referenceCompress } from './reference.js'


// The encoder under test is synchronous: libbz2 is loaded first.
beforeAll(loadLibbz2)
describe('Libbz2Stream', () => {
  it('a BZ_RUN call with nothing to do is not an error (as after an output window filled exactly)', () => {
    const s = Libbz2Stream.compressor(9)
    s.push(new TextEncoder().encode('abc'))
    expect(s.compress(false)).toBe(BZ_RUN_OK)
    expect(s.availIn).toBe(0)
    expect(s.compress(false)).toBe(BZ_RUN_OK) // libbz2 itself says BZ_PARAM_ERROR (no progress)
    expect(s.output().length).toBe(0)
    expect(s.compress(true)).toBe(BZ_STREAM_END)
    expectSameBytes(s.output().slice(), referenceCompress(new TextEncoder().encode('abc'), 9), 'abc')
    s.release()
  })

  it('refuses input while the previous input is pending, and use after release', () => {
    const s = Libbz2Stream.decompressor()
    s.push(new Uint8Array([0x42, 0x5a]))
    expect(() => s.push(new Uint8Array([0x68]))).toThrow(RangeError)
    s.release()
    s.release()
    expect(() => s.decompress()).toThrow(RangeError)
  })

  it('streams get separate instances (interleaving two compressors changes nothing)', () => {
    const a = Libbz2Stream.compressor(1)
    const b = Libbz2Stream.compressor(9)
    const x = new TextEncoder().encode('first '.repeat(1000))
    const y = new TextEncoder().encode('second '.repeat(1000))
    a.push(x); b.push(y)
    a.compress(false); b.compress(false)
    expect(a.compress(true)).toBe(BZ_STREAM_END)
    const outA = a.output().slice()
    expect(b.compress(true)).toBe(BZ_STREAM_END)
    expectSameBytes(outA, referenceCompress(x, 1), 'a')
    expectSameBytes(b.output(), referenceCompress(y, 9), 'b')
    a.release(); b.release()
  })
})
