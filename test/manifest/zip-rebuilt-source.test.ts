/**
 * RebuiltZipSource (what verify describes a zip from): any range reads as the original zip's bytes, reads
 * that go back start over, data that no read touches is never made, and a rebuild that does not end at the
 * recorded size is a typed error.
 */
import { describe, it, expect } from 'vitest'
import { zipSync } from 'fflate'
import type { CID } from 'multiformats/cid'
import { MemoryBlocks, manifestFromZip, type BlockSource } from '../../src/index.js'
import { RebuiltZipSource } from '../../src/manifest/zip-rebuilt-source.js'
import { seededBytes } from '../helpers/seeded.js'

/** A zip behind a 100-byte stub: a stored and a deflated file of 3 MiB, a small file, a comment. */
async function described (): Promise<{ zip: Uint8Array, blocks: MemoryBlocks, result: Awaited<ReturnType<typeof manifestFromZip>> }> {
  const big = seededBytes('rebuilt-source', 3 << 20)
  const text = new TextEncoder().encode('hello zip '.repeat(50_000))
  const inner = zipSync({
    'a/big.bin': [big, { level: 0 }],
    'a/text.txt': [text, { level: 6 }],
    'a/small.txt': [new TextEncoder().encode('small'), { level: 0 }]
  }, { comment: 'a comment' })
  const zip = new Uint8Array(100 + inner.length)
  zip.fill(0x41, 0, 100)
  zip.set(inner, 100)
  const blocks = new MemoryBlocks()
  const result = await manifestFromZip(zip, { blockstore: blocks })
  return { zip, blocks, result }
}

/** A block source that counts the blocks asked for. */
function counting (blocks: MemoryBlocks): BlockSource & { asked: Set<string> } {
  const asked = new Set<string>()
  return { asked, get: (cid: CID) => { asked.add(cid.toString()); return blocks.get(cid) } }
}

describe('RebuiltZipSource', () => {
  it('reads any range as the original bytes, forward, a little back and far back', async () => {
    const { zip, blocks, result } = await described()
    const source = new RebuiltZipSource(result.manifest, blocks)
    expect(source.size).toBe(zip.length)
    let seed = 11
    const next = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n }
    const ranges: Array<[number, number]> = [[0, 100], [100, 30], [zip.length - 22, 22], [0, zip.length], [zip.length - 1, 1], [500_000, 10], [499_990, 20]]
    for (let i = 0; i < 60; i++) {
      const offset = next(zip.length)
      ranges.push([offset, next(Math.min(zip.length - offset, i % 3 === 0 ? 4 << 20 : 200)) + 1])
    }
    for (const [offset, length] of ranges) {
      const got = await source.read(offset, length)
      expect(Buffer.from(got).equals(Buffer.from(zip.subarray(offset, offset + length))), `read(${offset}, ${length})`).toBe(true)
    }
    expect(await source.length()).toBe(zip.length)
  })

  it('skips data that no read touches: reading the central directory makes no entry data', async () => {
    const { zip, blocks, result } = await described()
    const counted = counting(blocks)
    const source = new RebuiltZipSource(result.manifest, counted)
    const tail = await source.read(zip.length - 200, 200)
    expect(Buffer.from(tail).equals(Buffer.from(zip.subarray(zip.length - 200)))).toBe(true)
    // The entry pages only: neither the tree nor any content block (the big file alone has 3 leaves).
    expect([...counted.asked].sort()).toEqual(result.manifest.entries.map(String).sort())
  })

  it('a rebuild shorter than the recorded size is a typed error where it ends', async () => {
    const { zip, blocks, result } = await described()
    const longer = { ...result.manifest, archive: { ...result.manifest.archive, size: zip.length + 5 } }
    const source = new RebuiltZipSource(longer, blocks)
    expect(await source.length()).toBe(zip.length)
    expect(Buffer.from(await source.read(zip.length - 10, 10)).equals(Buffer.from(zip.subarray(zip.length - 10)))).toBe(true)
    await expect(source.read(zip.length - 1, 5)).rejects.toMatchObject({ code: 'ERR_DIGEST_MISMATCH', details: { expected: zip.length + 5, actual: zip.length } })
  })
})
