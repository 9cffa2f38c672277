/**
 * POINTERS ABOVE 2 GiB. wasm32 hands every pointer and size back as an i32, which JavaScript reads as signed:
 * once an instance's memory has grown past 2 GiB (a preset 9 encoder reused, a large --block-size), the
 * shims' buffers sit above it and a signed read is negative. Here each instance's memory is grown past 2 GiB
 * before the shim allocates its state (the pages are reserved, not touched), so every buffer the encoder and
 * decoder use lies above 2 GiB; both must still give xz's bytes. The instances are not disposed: the pool
 * would reset their 2 GiB before reusing them.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { LiblzmaDecoder, LiblzmaEncoder } from '../../../src/compression/xz/liblzma.js'
import { expectSame, textBytes, xz } from './helpers.js'

const PAGE = 65536
const TWO_GIB = 2 ** 31
const RealInstance = WebAssembly.Instance

beforeAll(() => {
  // The pool makes its instances with `new WebAssembly.Instance`. wasi-libc's malloc takes all of the memory
  // there is at its first call as its heap, so the wrapped create first makes a throwaway encoder or decoder
  // (which starts the heap low), then grows the memory past 2 GiB and makes the real one: the heap has to
  // continue there.
  const HighInstance = function (module: WebAssembly.Module, imports?: WebAssembly.Imports) {
    const real = new RealInstance(module, imports).exports as Record<string, unknown> & { memory: WebAssembly.Memory }
    const high = (create: (...a: number[]) => number) => (...a: number[]) => {
      create(...a)
      if (real.memory.buffer.byteLength <= TWO_GIB) real.memory.grow(TWO_GIB / PAGE)
      return create(...a)
    }
    return { exports: { ...real, xz_create: high(real.xz_create as never), xzd_create: high(real.xzd_create as never) } }
  }
  WebAssembly.Instance = HighInstance as unknown as typeof WebAssembly.Instance
})
afterAll(() => { WebAssembly.Instance = RealInstance })

describe('liblzma with its buffers above 2 GiB', () => {
  const input = textBytes(300_000, 7)

  it('encodes the bytes xz -0 writes', () => {
    const enc = new LiblzmaEncoder({ preset: 0, extreme: false, check: 4, mt: false, blockSize: 0 })
    const parts = [...enc.write(input), ...enc.end()]
    expectSame(new Uint8Array(Buffer.concat(parts)), xz(['-0'], input), 'xz -0, memory above 2 GiB')
  })

  it('decodes an .xz stream', () => {
    const dec = new LiblzmaDecoder()
    const stream = xz(['-0'], input)
    const parts = [...dec.write(stream), ...dec.end()]
    expect(dec.done).toBe(true)
    expect(dec.consumed).toBe(stream.length)
    expectSame(new Uint8Array(Buffer.concat(parts)), input, 'decoded, memory above 2 GiB')
  })
})
