/**
 * lendArchiveFile reads a file straight into a SlotPool's shared slots, and manifestFromFile reads a large
 * plain tar that way, so that the digest workers hash the bytes where they were read: no buffer per read
 * and no copy into the pool (issue #16's large-file case). Its chunks are lent: a chunk's memory is reused
 * only once the chunk after the next has been asked for; the reader holds at most four slots; a pool
 * whose workers failed ends the read with their error instead of a wait that never ends.
 */
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { manifestFromTarball } from '../../src/index.js'
import { lendArchiveFile } from '../../src/node/files.js'
import { manifestFromFile } from '../../src/node/index.js'
import { SlotPool } from '../../src/node/slot-pool.js'
import { packTar, patternBytes, removeDir, tempDir } from '../helpers/archives.js'

const MiB = 1024 * 1024
let dir: string
beforeAll(() => { dir = tempDir('iam-lend-') })
afterAll(() => { removeDir(dir) })
afterEach(() => { vi.restoreAllMocks() })

function file (name: string, bytes: Uint8Array): string {
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return path
}

describe('lendArchiveFile', () => {
  it('gives the file\'s bytes as views of the pool\'s slots, each left alone until the chunk after the next is asked for', async () => {
    const bytes = patternBytes(10 * 64 * 1024 + 123, 11)
    const pool = new SlotPool(6, 64 * 1024)
    const { size, chunks } = await lendArchiveFile(file('ten.bin', bytes), pool)
    expect(size).toBe(bytes.length)
    const seen: Array<{ view: Uint8Array, copy: Uint8Array }> = []
    for await (const chunk of chunks) {
      expect(pool.slotOf(chunk)).toBeGreaterThanOrEqual(0)
      // Read ahead two, lent two: the reader never holds more.
      const taken: number[] = []
      while (pool.hasFree) taken.push(pool.claim(1))
      expect(taken.length).toBeGreaterThanOrEqual(6 - 4)
      for (const slot of taken) pool.release(slot)
      // The previous chunk is still intact (a look-ahead of one, as peekHead's, is safe).
      const previous = seen.at(-1)
      if (previous !== undefined) expect(Buffer.compare(previous.view, previous.copy)).toBe(0)
      seen.push({ view: chunk, copy: chunk.slice() })
    }
    const joined = Buffer.concat(seen.map(s => s.copy))
    expect(Buffer.compare(joined, bytes)).toBe(0)
    // Every slot is free again.
    let free = 0
    while (pool.hasFree) { pool.claim(1); free++ }
    expect(free).toBe(6)
  })

  it('a pool whose readers failed ends the read with their error', async () => {
    const pool = new SlotPool(3, 64 * 1024)
    const { chunks } = await lendArchiveFile(file('stuck.bin', patternBytes(8 * 64 * 1024, 12)), pool)
    const iterator = chunks[Symbol.asyncIterator]()
    // Each chunk is held, as by a digest worker that never answers: after three, no slot is left.
    for (let i = 0; i < 3; i++) {
      const { value } = await iterator.next()
      pool.retain(pool.slotOf(value as Uint8Array), 1)
    }
    const fourth = iterator.next()
    pool.fail(new Error('worker gone'))
    await expect(fourth).rejects.toThrow('worker gone')
  })
})

describe('manifestFromFile on a large plain tar', () => {
  it('copies nothing into the digest workers\' slots, with the same digests and CIDs', async () => {
    const tar = await packTar([
      [{ name: 'big.bin' }, patternBytes(9 * MiB + 77, 13)],
      [{ name: 'small.txt' }, 'small'],
      [{ name: 'more.bin' }, patternBytes(3 * MiB + 1, 14)]
    ])
    const path = file('large.tar', tar)
    const put = vi.spyOn(SlotPool.prototype, 'put')
    const result = await manifestFromFile(path)
    expect(put).not.toHaveBeenCalled()
    const inThread = await manifestFromTarball(tar)
    expect(result.cid.toString()).toBe(inThread.cid.toString())
    expect(Buffer.from(result.manifest.archive.sha256).toString('hex')).toBe(createHash('sha256').update(tar).digest('hex'))
    expect(Buffer.from(result.manifest.archive.sha512).toString('hex')).toBe(createHash('sha512').update(tar).digest('hex'))
  }, 120_000)
})
