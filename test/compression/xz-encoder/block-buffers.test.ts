/**
 * THE THREADED LAYOUT'S BLOCK BUFFERS ARE ALLOCATED ONCE. An encoder in xz's threaded layout keeps a block's
 * input and its compressed form until the block is whole. A wasm instance's memory never shrinks, so buffers
 * grown step by step (doubling) would leave each step's old buffer in it, resident, beside the new one (#16:
 * ~26 MB more for git's .tar.xz at -6). The shim allocates both at their final sizes when the first block
 * starts, so the memory does not grow again while the blocks fill, however many there are. The input is
 * kept only while the block may still overflow into the uncompressed fallback (#16: ~21 MB per encoder on
 * git's .tar.xz at -6e): a compressible block lets go of it after a few MiB, an incompressible one keeps it.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { createXzEncoder } from '../../../src/compression/xz/encoder.js'
import { LiblzmaEncoder } from '../../../src/compression/xz/liblzma.js'
import { expectSame, randomBytes, textBytes, xz } from './helpers.js'

const RealInstance = WebAssembly.Instance
let memories: WebAssembly.Memory[] = []

beforeAll(() => {
  // The pool makes its instances with `new WebAssembly.Instance`: each new one's memory is noted.
  const Noting = function (module: WebAssembly.Module, imports?: WebAssembly.Imports) {
    const instance = new RealInstance(module, imports)
    memories.push(instance.exports.memory as WebAssembly.Memory)
    return instance
  }
  WebAssembly.Instance = Noting as unknown as typeof WebAssembly.Instance
})
afterAll(() => { WebAssembly.Instance = RealInstance })

describe('xz threaded layout: block buffers', () => {
  it('the memory does not grow after the first block started (three blocks of 3 MiB, xz -1 -T2)', () => {
    memories = []
    const blockSize = 3 << 20
    const input = textBytes(3 * blockSize + 12345, 16)
    const enc = createXzEncoder({ level: 1, mt: 1 })
    const piece = 1 << 16
    const parts: Uint8Array[] = [...enc.write(input.subarray(0, piece))]
    // Not reused from the pool: this file's first instance.
    expect(memories).toHaveLength(1)
    const memory = memories[0] as WebAssembly.Memory
    const started = memory.buffer.byteLength
    const sizes = new Set<number>()
    for (let at = piece; at < input.length; at += piece) {
      parts.push(...enc.write(input.subarray(at, at + piece)))
      sizes.add(memory.buffer.byteLength)
    }
    parts.push(...enc.end())
    sizes.add(memory.buffer.byteLength)
    enc.dispose?.()
    expect([...sizes]).toEqual([started])
    expectSame(new Uint8Array(Buffer.concat(parts)), xz(['-1', '-T2'], input), 'xz -1 -T2')
  })

  it('a block\'s input is let go once its output cannot reach the fallback\'s limit; an incompressible one is kept', () => {
    const blockSize = 8 << 20
    const text = textBytes(blockSize + 4321, 5)
    const random = randomBytes(blockSize, 6)
    for (const [input, keptAfter] of [[text, 4 << 20], [random, blockSize]] as const) {
      const enc = new LiblzmaEncoder({ preset: 1, extreme: false, check: 4, mt: true, blockSize })
      const parts: Uint8Array[] = []
      const piece = 1 << 17
      // Input through the last piece after which the block's input was still kept (the block ends, and
      // with it the keeping, with its last piece).
      let kept = 0
      for (let at = 0; at < input.length; at += piece) {
        parts.push(...enc.write(input.subarray(at, at + piece)))
        if (at < blockSize && enc.blockInputKept) kept = at + piece
      }
      parts.push(...enc.end())
      enc.dispose()
      expect(kept).toBeLessThanOrEqual(keptAfter)
      if (input === random) expect(kept).toBe(blockSize - piece)
      expectSame(new Uint8Array(Buffer.concat(parts)), xz(['-1', '-T2', `--block-size=${blockSize}`], input), 'xz -1 -T2')
    }
  })
})
