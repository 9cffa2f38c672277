/**
 * zlib-deflate.ts against its two references: with the CRC-32C hash, byte for byte Node.js 16's zlib (the
 * Chromium fork; the real binary, fetched from the npm registry); with zlib's rolling hash, pako 2.1.0
 * (vanilla zlib), which checks the parse, the window and the blocks independently of the hash.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { inflateRawSync } from 'node:zlib'
import fc from 'fast-check'
import pako from 'pako'
import { describe, expect, it } from 'vitest'
import { ZlibDeflater, type ZlibHash } from '../../../src/compression/deflate/zlib-deflate.js'
import { alphabetBytes, fibonacci, randomBytes, runs, text, words } from '../../helpers/corpus.js'
import { node16DeflateRaw } from '../../helpers/node16.js'

const root = join(import.meta.dirname, '../../..')
const LEVELS = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const

/** Our stream of `input` at `level`, written in pieces of `piece` bytes. */
function deflate (input: Uint8Array, level: number, hash: ZlibHash, piece = input.length || 1): Uint8Array {
  const d = new ZlibDeflater(level, hash)
  const parts: Uint8Array[] = []
  for (let at = 0; at < input.length; at += piece) parts.push(d.write(input.subarray(at, at + piece)))
  parts.push(d.end())
  return new Uint8Array(Buffer.concat(parts))
}

/**
 * Inputs that reach every path: several window slides, stored blocks, the 16 383-symbol block limit, hash
 * collisions at 4-byte hashing, Huffman codes over 15 bits repaired.
 */
const hello = new Uint8Array(readFileSync(join(root, 'test/fixtures/real/hello-2.10.tar')))
const inputs: Array<[string, Uint8Array]> = [
  ['empty', new Uint8Array(0)],
  ['one byte', text('x')],
  ['three bytes', text('abc')],
  ['a tar, 3.3 MB (GNU hello 2.10)', hello],
  ['words, 300 KB', words(300_000, 1)],
  ['random bytes, 100 KB (stored blocks)', randomBytes(100_000, 2)],
  ['runs, 200 KB', runs(200_000, 3)],
  ['4 letters, 150 KB (collisions in 4-byte hashes)', alphabetBytes(150_000, 4, 4)],
  ['words then random then words', new Uint8Array(Buffer.concat([words(40_000, 5), randomBytes(70_000, 6), words(40_000, 7)]))],
  ['symbol counts along Fibonacci, 200 KB (codes cut to 15 bits)', fibonacci(200_000, 10)],
  ['66 000 zero bytes', new Uint8Array(66_000)]
]

describe('zlib-deflate, CRC-32C hash: Node.js 16.20.2 zlib.deflateRawSync', () => {
  const expected = node16DeflateRaw(inputs.map(([, bytes]) => bytes), LEVELS)
  inputs.forEach(([name, input], i) => {
    it(`${name}: levels 1-9`, () => {
      LEVELS.forEach((level, j) => {
        const ours = deflate(input, level, 'crc32c', 65_537)
        expect(ours.length, `level ${level}`).toBe(expected[i]![j]!.length)
        expect(Buffer.compare(ours, expected[i]![j]!), `level ${level}`).toBe(0)
      })
    })
  })

  it('differs from vanilla zlib where chains are searched to their limit (so it is a lineage of its own)', () => {
    // Both hashes chain the same matching strings in the same order; the colliding ones differ, and they use
    // up the chain's budget (max_chain): hello's tar comes out alike only at level 9 (4 096 links).
    for (const level of [1, 6, 8] as const) expect(Buffer.compare(deflate(hello, level, 'crc32c'), pako.deflateRaw(hello, { level })), `level ${level}`).not.toBe(0)
    expect(Buffer.compare(deflate(hello, 9, 'crc32c'), pako.deflateRaw(hello, { level: 9 }))).toBe(0)
  })
})

describe('zlib-deflate, rolling hash: pako 2.1.0 (vanilla zlib)', () => {
  for (const [name, input] of inputs) {
    it(`${name}: levels 1-9`, () => {
      for (const level of LEVELS) {
        expect(Buffer.compare(deflate(input, level, 'rolling', 10_000), pako.deflateRaw(input, { level })), `level ${level}`).toBe(0)
      }
    })
  }
})

describe('zlib-deflate: the pieces input comes in do not change the stream', () => {
  it('any split, any level, either hash (property)', () => {
    const sample = new Uint8Array(Buffer.concat([words(20_000, 8), runs(30_000, 9), hello.subarray(0, 90_000)]))
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 9 }), fc.constantFrom<ZlibHash>('crc32c', 'rolling'),
      fc.integer({ min: 0, max: sample.length }), fc.integer({ min: 1, max: 70_000 }),
      (level, hash, length, piece) => {
        const input = sample.subarray(0, length)
        const whole = deflate(input, level, hash)
        expect(Buffer.compare(deflate(input, level, hash, piece), whole)).toBe(0)
        expect(Buffer.compare(inflateRawSync(whole), input)).toBe(0)
      }), { numRuns: 40, seed: 16 })
  })

  it('rejects a level out of 1..9', () => {
    expect(() => new ZlibDeflater(0, 'crc32c')).toThrow(RangeError)
    expect(() => new ZlibDeflater(10, 'rolling')).toThrow(RangeError)
  })
})
