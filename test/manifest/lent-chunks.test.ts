/**
 * manifestFromTarball's `lentChunks`: the source may reuse a chunk's memory as soon as the next chunk is
 * asked for (Node's lendArchiveFile reads a large tar into a few shared slots). Fed by a source that
 * scribbles over each chunk then, the manifest and every stored block equal those from chunks that are
 * never reused: files that span chunks (raw and dag-pb leaves, blocks discarded or kept), headers, GNU
 * long names and PAX records split by chunk ends, non-zero padding, bytes after the end; chunks in plain
 * Uint8Arrays and in Node Buffers (whose `slice()` does not copy).
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { manifestFromTarball, MemoryBlocks, type ProfileName } from '../../src/index.js'
import { gnuTar, patternBytes, removeDir, tempDir, writeTree } from '../helpers/archives.js'

const MiB = 1024 * 1024
let dir: string
beforeAll(() => { dir = tempDir('iam-lent-') })
afterAll(() => { removeDir(dir) })

/**
 * `bytes` in chunks of `size`, all in one buffer that is overwritten when the next chunk is asked for: a plain
 * Uint8Array, or a Node Buffer (as Node's streams give), whose `slice()` is a view, not a copy.
 */
async function * lending (bytes: Uint8Array, size: number, kind: 'Uint8Array' | 'Buffer'): AsyncGenerator<Uint8Array> {
  const buffer = kind === 'Buffer' ? Buffer.alloc(size) : new Uint8Array(size)
  for (let at = 0; at < bytes.length; at += size) {
    const n = Math.min(size, bytes.length - at)
    buffer.set(bytes.subarray(at, at + n))
    yield buffer.subarray(0, n)
    buffer.fill(0xa5)
  }
}

const tars = new Map<string, Uint8Array>()

function tarOf (format: 'gnu' | 'pax'): Uint8Array {
  const made = tars.get(format)
  if (made !== undefined) return made
  const long = `${'long-directory-name/'.repeat(6)}file-with-a-long-name.txt`
  const root = writeTree({
    files: {
      'a/one.txt': 'x',
      'a/block.bin': patternBytes(512, 2),
      'a/block-plus.bin': patternBytes(513, 3),
      'a/chunk-v0.bin': patternBytes(262144 + 1, 4),
      'a/chunk-v1.bin': patternBytes(MiB - 1, 5),
      'a/chunk-v1-plus.bin': patternBytes(MiB + 1, 6),
      'a/large.bin': patternBytes(2 * MiB + 512 * 3 + 7, 7),
      [`a/${long}`]: 'long',
      'a/empty': ''
    },
    symlinks: { 'a/link': 'one.txt' }
  }, join(dir, format))
  const tar = gnuTar(root, ['a'], format)
  // Non-zero padding after a/one.txt's one byte, and bytes after the end (kept as trailing bytes).
  const name = new TextEncoder().encode('a/one.txt\0')
  let header = 0
  while (!name.every((byte, i) => tar[header + i] === byte)) {
    header += 512
    if (header >= tar.length) throw new Error('a/one.txt\'s header not found')
  }
  const out = new Uint8Array(tar.length + 700)
  out.set(tar)
  out[header + 512 + 100] = 0x42
  out.set(patternBytes(700, 8), tar.length)
  tars.set(format, out)
  return out
}

describe('lentChunks', () => {
  for (const format of ['gnu', 'pax'] as const) {
    for (const profile of ['unixfs-v1-2025', 'unixfs-v0-2015'] as ProfileName[]) {
      it(`${format} tar, ${profile}: the same manifest and blocks from chunks overwritten once the next is asked for`, async () => {
        const tar = tarOf(format)
        const kept = new MemoryBlocks()
        const reference = await manifestFromTarball(tar, { profile, blockstore: kept })
        for (const kind of ['Uint8Array', 'Buffer'] as const) {
          for (const size of [512, 65536 + 3, MiB + 17]) {
            const blocks = new MemoryBlocks()
            const discarded = await manifestFromTarball(lending(tar, size, kind), { profile, lentChunks: true })
            expect(discarded.cid.toString(), `${kind} chunks of ${size}`).toBe(reference.cid.toString())
            const stored = await manifestFromTarball(lending(tar, size, kind), { profile, lentChunks: true, blockstore: blocks })
            expect(stored.cid.toString(), `${kind} chunks of ${size}, blocks kept`).toBe(reference.cid.toString())
            expect(blocks.size).toBe(kept.size)
            for (const [cid, bytes] of kept.entries()) expect(Buffer.compare(blocks.get(cid), bytes), `${cid}`).toBe(0)
          }
        }
      }, 120_000)
    }
  }
})
