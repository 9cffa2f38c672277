/**
 * #16, peak memory: a WebAssembly codec's memory grows and never shrinks (an xz -6 encoder's is ~125 MiB),
 * and a dropped instance keeps it until the garbage collector runs. So a race must not create an instance
 * per candidate, nor a description one per member: rejected encoders and finished decoders give their
 * instance back, and the next one reuses it (reset to a new instance's memory). Counted here by wrapping
 * WebAssembly.Instance; this file's module graph (and so the codecs' pools) is its own.
 */
import { describe, it, expect, afterEach } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { manifestFromTarball } from '../../../src/index.js'
import { liblzmaInstances } from '../../../src/compression/xz/liblzma.js'
import { libbz2Instances } from '../../../src/compression/bzip2/libbz2.js'
import { bzip2Decompress } from '../../../src/compression/bzip2/decoder.js'
import { encodePiece, prepareEncoder } from '../../../src/compression/recipe/blocks.js'
import { encoderFor } from '../../../src/compression/recipe/registry.js'
import { joinBytes } from '../../../src/bytes-concat.js'
import { tool } from '../../manifest/compressed-helpers.js'

const small = new Uint8Array(readFileSync(join(import.meta.dirname, '../../fixtures/real/tar-stream-3.1.7.tar')))
const hello = new Uint8Array(readFileSync(join(import.meta.dirname, '../../fixtures/real/hello-2.10.tar')))

const RealInstance = WebAssembly.Instance
afterEach(() => { WebAssembly.Instance = RealInstance })

/** Counts the wasm instances created while `run` runs. */
async function instancesCreated (run: () => Promise<unknown>): Promise<number> {
  let created = 0
  WebAssembly.Instance = new Proxy(RealInstance, {
    construct (target, args: [WebAssembly.Module, WebAssembly.Imports?]) {
      created++
      return new target(...args)
    }
  })
  try {
    await run()
  } finally {
    WebAssembly.Instance = RealInstance
  }
  return created
}

describe('wasm codec instances are reused, not re-created', () => {
  it('a two-stream .tar.xz made by xz -6e (the race tries -6 first, which fails): one decoder and one encoder instance in all', async () => {
    // Two streams (xz concatenates them), each with its own race and its own decoder.
    const first = tool('xz', ['-6e', '-T1', '-c'], hello)
    const second = tool('xz', ['-6e', '-T1', '-c'], small)
    const archive = new Uint8Array(first.length + second.length)
    archive.set(first)
    archive.set(second, first.length)
    // xz -6 and -6e differ on these tars: the leader (-6) is rejected in each race.
    expect(Buffer.compare(tool('xz', ['-6', '-T1', '-c'], hello), first)).not.toBe(0)
    expect(Buffer.compare(tool('xz', ['-6', '-T1', '-c'], small), second)).not.toBe(0)
    let recipes: unknown
    // Before: six (a decoder, an -6 and an -6e encoder, per stream), all alive until collected.
    const created = await instancesCreated(async () => {
      const result = await manifestFromTarball(archive)
      recipes = result.manifest.compression?.members.map(m => m.recipe)
    })
    expect(recipes).toEqual([{ encoder: 'xz', params: { level: 6, extreme: 1 } }, { encoder: 'xz', params: { level: 6, extreme: 1 } }])
    expect(created).toBeLessThanOrEqual(2)
    // Every instance was given back, and the description's end let the idle ones go.
    expect(liblzmaInstances()).toMatchObject({ inUse: 0, idle: 0 })
  })

  it('a block worker\'s bzip2 pieces, one after another: one libbz2 instance for all, each piece exact', async () => {
    // A rebuild's block worker warms libbz2 up, then encodes piece after piece (alsa-lib: 4 each). Before, each
    // piece (and the warm-up) created an instance whose ~8 MB the kernel zeroed page by page as it grew.
    const recipe = { encoder: 'bzip2', params: { level: 9 } }
    const pieces = [hello.subarray(0, 300_000), small, hello.subarray(300_000)]
    const streams: Uint8Array[] = []
    const created = await instancesCreated(async () => {
      await prepareEncoder(recipe)
      for (const piece of pieces) streams.push(await encodePiece(recipe, piece))
    })
    pieces.forEach((piece, i) => { expect(Buffer.compare(streams[i]!, tool('bzip2', ['-9', '-c'], piece))).toBe(0) })
    expect(created).toBeLessThanOrEqual(1)
    expect(libbz2Instances()).toMatchObject({ inUse: 0, idle: 1 })
  })

  it('a bzip2 candidate disposed of midway (a rejected one) gives its instance back', async () => {
    const factory = await encoderFor({ encoder: 'bzip2', params: { level: 9 } })
    const inUse = libbz2Instances().inUse
    const encoder = factory.create()
    encoder.write(hello.subarray(0, 1_000_000)) // past a 900 kB block: libbz2 is midway
    expect(libbz2Instances().inUse).toBe(inUse + 1)
    encoder.dispose?.()
    expect(libbz2Instances().inUse).toBe(inUse)
    encoder.dispose?.() // twice is harmless
    expect(libbz2Instances().inUse).toBe(inUse)
  })

  it('bzip2 decoders reuse the instance too, and a stream cut short gives it back', async () => {
    const stream = tool('bzip2', ['-9', '-c'], hello)
    const decoded: Uint8Array[] = []
    const created = await instancesCreated(async () => {
      for (let i = 0; i < 2; i++) {
        const parts: Uint8Array[] = []
        for await (const part of bzip2Decompress([stream])) parts.push(part)
        decoded.push(joinBytes(parts))
      }
      // Stopped after its first output: the generator's return() releases the stream.
      for await (const part of bzip2Decompress([stream])) { expect(part.length).toBeGreaterThan(0); break }
    })
    for (const bytes of decoded) expect(Buffer.compare(bytes, hello)).toBe(0)
    expect(created).toBeLessThanOrEqual(1)
    expect(libbz2Instances().inUse).toBe(0)
  })
})
