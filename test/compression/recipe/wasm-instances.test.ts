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
})
