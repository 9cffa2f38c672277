/**
 * Restoring a large GNU gzip member on Node: its deflate parse is done in segments on the block workers
 * while the restoring thread writes the blocks (deflate/gnu-gzip-segments.ts), and the archive comes out
 * byte for byte, `gzip -n -9` and `-6` as the oracle. One archive holds a run of zeros across a segment's
 * restart, longer than a segment's parse may go to meet the next one's: from there the writer searches on
 * by itself, and the bytes are still the same.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { CID } from 'multiformats/cid'
import { BlockNotFoundError, MemoryBlocks, loadManifest, manifestFromTarball, restoreArchive, type BlockSource } from '../../src/index.js'
import type { DeflateSegment, DeflateSegmentJob } from '../../src/compression/deflate/gnu-gzip-segments.js'
import { MIN_SEGMENTED_BYTES } from '../../src/compression/recipe/blocks.js'
import { createWorkerRebuildEncoders } from '../../src/node/worker-rebuild-encoders.js'
import { packTar } from '../helpers/archives.js'
import { seededBytes } from '../helpers/seeded.js'

const workers = createWorkerRebuildEncoders()
afterAll(async () => { await workers.close() })

/** Text-like lines: words from a small vocabulary and a counter, the kind of input gzip -9 spends its time on. */
function text (n: number, seed: string): Uint8Array {
  const words = ['static', 'int', 'return', 'struct', 'const', 'char', 'void', 'if', 'else', 'for', 'buffer', 'length', '{', '}', ';', 'size_t', 'NULL']
  const noise = seededBytes(seed, n)
  const out: string[] = []
  let size = 0
  for (let i = 0; size < n; i++) {
    const line = `${words[noise[i % n]! % words.length]!} ${words[noise[(i * 7) % n]! % words.length]!}_${i % 997} = ${noise[(i * 13) % n]!};\n`
    out.push(line)
    size += line.length
  }
  return new TextEncoder().encode(out.join('')).subarray(0, n)
}

/** Restores `gz` (described first) through the worker encoders; the bytes and the segment parses seen. */
async function restoreThroughSegments (gz: Uint8Array): Promise<{ bytes: Buffer, parses: DeflateSegment[] }> {
  const blocks = new MemoryBlocks()
  const { cid } = await manifestFromTarball((async function * () { yield gz })(), { blockstore: blocks })
  // Without the archive file's own blocks: its member is rebuilt by its recipe.
  const own = CID.decode((await loadManifest(cid, blocks)).compression!.fileCid)
  const source: BlockSource = { get: (c) => { if (c.equals(own)) throw new BlockNotFoundError(`no ${c}`); return blocks.get(c) } }
  const { blockEncoders, streamEncoders } = workers.encoders
  const parses: DeflateSegment[] = []
  const counted = Object.assign(Object.create(blockEncoders) as typeof blockEncoders, {
    async parseDeflate (job: DeflateSegmentJob) { const parsed = await blockEncoders.parseDeflate!(job); parses.push(parsed); return parsed }
  })
  const parts: Uint8Array[] = []
  for await (const chunk of restoreArchive(cid, source, { blockEncoders: counted, streamEncoders })) parts.push(chunk.slice())
  return { bytes: Buffer.concat(parts), parses }
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

describe('a large GNU gzip member restored with its parse in segments', () => {
  it('is byte for byte gzip -9, every segment met by the next', async () => {
    const tar = await packTar([
      [{ name: 'src/a.c' }, text(6 << 20, 'seg-a')],
      [{ name: 'data/noise.bin' }, seededBytes('seg-noise', 300_000)], // incompressible: stored blocks
      [{ name: 'src/b.c' }, text(3 << 20, 'seg-b')]
    ])
    expect(tar.length).toBeGreaterThan(MIN_SEGMENTED_BYTES)
    const gz = new Uint8Array(execFileSync('gzip', ['-n', '-9', '-c'], { input: tar, maxBuffer: 64 << 20 }))
    const { bytes, parses } = await restoreThroughSegments(gz)
    expect(sha256(bytes)).toBe(sha256(gz))
    expect(parses.length).toBeGreaterThan(8)
    expect(parses.every(p => p.converged)).toBe(true)
  }, 180_000)

  it('is byte for byte gzip -9 --rsyncable (the writer ends and pads the rsync blocks; the parse is the same)', async () => {
    const tar = await packTar([
      [{ name: 'src/a.c' }, text(5 << 20, 'seg-r')],
      [{ name: 'data/noise.bin' }, seededBytes('seg-r-noise', 200_000)],
      [{ name: 'src/b.c' }, text(4 << 20, 'seg-s')]
    ])
    expect(tar.length).toBeGreaterThan(MIN_SEGMENTED_BYTES)
    const gz = new Uint8Array(execFileSync('gzip', ['-n', '-9', '--rsyncable', '-c'], { input: tar, maxBuffer: 64 << 20 }))
    const { bytes, parses } = await restoreThroughSegments(gz)
    expect(sha256(bytes)).toBe(sha256(gz))
    expect(parses.length).toBeGreaterThan(8)
  }, 180_000)

  it('is byte for byte gzip -6 where a run of zeros keeps two parses apart (the writer searches on)', async () => {
    const tar = await packTar([
      [{ name: 'src/a.c' }, text(17 << 19, 'seg-c')],
      // From 8.5 MiB to 10.5 MiB, over the restarts at 9 and 10 MiB and longer than MEET_BYTES past them:
      // parses of one zero run restarted at different offsets stay out of step.
      [{ name: 'zeros.img' }, new Uint8Array(2 << 20)],
      [{ name: 'src/b.c' }, text(1 << 20, 'seg-d')]
    ])
    const gz = new Uint8Array(execFileSync('gzip', ['-n', '-6', '-c'], { input: tar, maxBuffer: 64 << 20 }))
    const { bytes, parses } = await restoreThroughSegments(gz)
    expect(sha256(bytes)).toBe(sha256(gz))
    expect(parses.some(p => !p.converged)).toBe(true)
  }, 180_000)
})
