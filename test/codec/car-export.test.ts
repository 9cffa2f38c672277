/** exportCar over a damaged blockstore: the stream fails with the block's error, never ends as if whole. */
import { describe, it, expect } from 'vitest'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { MemoryBlocks, exportCar, manifestFromTarball, walkBlocks } from '../../src/index.js'
import { tampered } from '../helpers/blocks.js'
import { repoRoot } from '../helpers/real-archives.js'

async function drain (chunks: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0
  for await (const chunk of chunks) n += chunk.length
  return n
}

describe('exportCar', () => {
  it('rejects when a block is missing or corrupt (after the blocks before it)', async () => {
    const blocks = new MemoryBlocks()
    const result = await manifestFromTarball(readFileSync(join(repoRoot, 'test/fixtures/real/tar-stream-3.1.7.tar')), { blockstore: blocks })
    const all = []
    for await (const { cid } of walkBlocks(result.cid, blocks)) all.push(cid)
    const middle = all[Math.floor(all.length / 2)]
    if (middle === undefined) throw new Error('no blocks')
    await expect(drain(exportCar(result.cid, tampered(blocks, { flip: [middle] })))).rejects.toMatchObject({ code: 'ERR_BLOCK_HASH_MISMATCH' })
    await expect(drain(exportCar(result.cid, tampered(blocks, { drop: [middle] })))).rejects.toMatchObject({ code: 'ERR_BLOCK_NOT_FOUND' })
  })
})
