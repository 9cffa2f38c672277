/**
 * restoreArchive with createWorkerBlockEncoders: a .tar.bz2 and a .tar.xz in xz -T2's layout rebuilt byte
 * for byte with their blocks encoded on worker threads, several at once (pieces counted), and an error in
 * a worker thrown here as its own typed class.
 */
import { execFileSync } from 'node:child_process'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { MemoryBlocks, manifestFromTarball, restoreArchive } from '../../src/index.js'
import type { BlockEncoders } from '../../src/compression/recipe/blocks.js'
import { BlockNotFoundError, InvalidManifestError } from '../../src/errors.js'
import { CID } from 'multiformats/cid'
import { createWorkerBlockEncoders } from '../../src/node/worker-block-encoders.js'
import * as blocks from '../../src/compression/recipe/blocks.js'

// Counts the pieces encoded in this thread (the workers load their own, unmocked, modules).
vi.mock('../../src/compression/recipe/blocks.js', async (original) => {
  const actual = await original<typeof import('../../src/compression/recipe/blocks.js')>()
  return { ...actual, encodePiece: vi.fn(actual.encodePiece) }
})
import { packTar } from '../helpers/archives.js'
import { collect } from '../helpers/nix.js'

const workers = createWorkerBlockEncoders(2)
afterAll(async () => { await workers.close() })

/** The workers, counting pieces and the most in flight at once. */
function counted (inner: BlockEncoders): BlockEncoders & { pieces: number, most: number } {
  let now = 0
  const c = {
    width: inner.width,
    pieces: 0,
    most: 0,
    async encode (recipe: Parameters<BlockEncoders['encode']>[0], piece: Uint8Array): Promise<Uint8Array> {
      c.pieces++
      c.most = Math.max(c.most, ++now)
      try { return await inner.encode(recipe, piece) } finally { now-- }
    }
  }
  return c
}

async function tarOfText (): Promise<Uint8Array> {
  const text = new TextEncoder().encode(Array.from({ length: 90_000 }, (_, i) => `line ${i * 7919 % 10007} of the block test\n`).join(''))
  return await packTar([[{ name: 'a.txt' }, text], [{ name: 'b.txt' }, text.subarray(0, 500_000)]])
}

async function roundTrip (compressed: Uint8Array): Promise<{ encoder: string, pieces: number, most: number }> {
  const blocks = new MemoryBlocks()
  const { cid, manifest } = await manifestFromTarball(compressed, { blockstore: blocks })
  const recipe = manifest.compression?.members[0]?.recipe
  expect(recipe).toBeDefined()
  // Without the compressed file's own blocks, so that it is rebuilt.
  const file = CID.decode(manifest.compression!.fileCid!)
  const source = { get: (c: CID) => { if (c.equals(file)) throw new BlockNotFoundError('not here'); return blocks.get(c) } }
  const encoders = counted(workers)
  const restored = await collect(restoreArchive(cid, source, { blockEncoders: encoders }))
  expect(Buffer.compare(restored, Buffer.from(compressed))).toBe(0)
  return { encoder: recipe!.encoder, pieces: encoders.pieces, most: encoders.most }
}

describe('restore with block encoders on worker threads', () => {
  it('rebuilds a .tar.bz2 and an xz -T2 .tar.xz exactly, several blocks at once', async () => {
    const tar = await tarOfText()
    const bz2 = new Uint8Array(execFileSync('bzip2', ['-1', '-c'], { input: tar, maxBuffer: 1 << 28 }))
    const bz = await roundTrip(bz2)
    expect(bz.encoder).toBe('bzip2')
    expect(bz.pieces).toBeGreaterThan(3)
    expect(bz.most).toBe(3)
    const xz = new Uint8Array(execFileSync('xz', ['-0', '-T2', '--block-size=500000', '-c'], { input: tar, maxBuffer: 1 << 28 }))
    const x = await roundTrip(xz)
    expect(x.encoder).toBe('xz')
    expect(x.pieces).toBe(Math.ceil(tar.length / 500_000))
  }, 300_000)

  it('a piece that is a Node Buffer inside a larger one: its own bytes are encoded, and the caller\'s buffer is left whole', async () => {
    // Buffer#slice() is a view: a "copy" made with it sent the whole larger buffer (read from its offset 0) and detached it.
    const text = Buffer.from('a piece for a block encoder\n'.repeat(1000))
    const whole = Buffer.concat([Buffer.from('not part of the piece'), text])
    const stream = await workers.encode({ encoder: 'bzip2', params: { level: 1 } }, whole.subarray(whole.length - text.length))
    expect(Buffer.from(stream)).toEqual(execFileSync('bzip2', ['-1', '-c'], { input: text }))
    expect(whole.length).toBe(21 + text.length)
  }, 60_000)

  it('here: one more encoder in this thread, taking a piece only while every worker is busy', async () => {
    const mixed = createWorkerBlockEncoders(1, { here: true })
    try {
      expect(mixed.width).toBe(2)
      const recipe = { encoder: 'xz', params: { level: 1, mt: 1, blockSize: 100_000 } }
      const pieces = [1, 2, 3].map(i => new TextEncoder().encode(`piece ${i} of a block test\n`.repeat(4000).slice(0, 100_000)))
      const want = await Promise.all(pieces.map(async p => await blocks.encodePiece(recipe, p.slice())))
      const before = vi.mocked(blocks.encodePiece).mock.calls.length
      // Given at once: the first goes to the worker, the others, the worker still busy, are encoded here.
      const got = await Promise.all(pieces.map(async p => await mixed.encode(recipe, p)))
      expect(got.map(g => Buffer.from(g))).toEqual(want.map(w => Buffer.from(w)))
      expect(vi.mocked(blocks.encodePiece).mock.calls.length - before).toBe(2)
      // The worker idle again, the next goes to it.
      const next = vi.mocked(blocks.encodePiece).mock.calls.length
      expect(Buffer.from(await mixed.encode(recipe, pieces[2]!))).toEqual(Buffer.from(want[2]!))
      expect(vi.mocked(blocks.encodePiece).mock.calls.length).toBe(next)
    } finally {
      await mixed.close()
    }
  }, 60_000)

  it('throws a worker\'s error as its own class', async () => {
    await expect(workers.encode({ encoder: 'bzip2', params: { level: 12 } }, new Uint8Array(10))).rejects.toBeInstanceOf(InvalidManifestError)
  }, 60_000)
})
