/**
 * openArchiveFile and lendArchiveFile hold the file open only while their chunks are read: it is opened
 * when the first chunk is asked for and closed when the chunks end, fail or are given up. A caller that
 * takes the chunks and never reads them (it failed first, or gave up with `return()`) leaves no
 * descriptor open; a missing file is still reported by the call itself, typed.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileNotFoundError, NotAFileError } from '../../src/errors.js'
import { lendArchiveFile, openArchiveFile } from '../../src/node/files.js'
import { SlotPool } from '../../src/node/slot-pool.js'
import { patternBytes, removeDir, tempDir } from '../helpers/archives.js'
import { descriptorsOn } from '../helpers/descriptors.js'

let dir: string
let path: string
const bytes = patternBytes(3 * 64 * 1024 + 5, 3)
beforeAll(() => {
  dir = tempDir('iam-open-')
  path = join(dir, 'archive.bin')
  writeFileSync(path, bytes)
})
afterAll(() => { removeDir(dir) })

const readers = {
  openArchiveFile: async (p: string) => await openArchiveFile(p),
  lendArchiveFile: async (p: string) => await lendArchiveFile(p, new SlotPool(4, 64 * 1024))
}

describe.each(Object.entries(readers))('%s', (_, read) => {
  it('holds no descriptor for chunks never read', async () => {
    const { size } = await read(path)
    expect(size).toBe(bytes.length)
    expect(descriptorsOn(path)).toBe(0)
  })

  it('holds none after return() before the first chunk, and reads nothing after it', async () => {
    const iterator = (await read(path)).chunks[Symbol.asyncIterator]()
    await iterator.return?.()
    expect(descriptorsOn(path)).toBe(0)
    expect((await iterator.next()).done).toBe(true)
  })

  it('holds one while read, none once the reader stops early or fails', async () => {
    for await (const _ of (await read(path)).chunks) {
      expect(descriptorsOn(path)).toBe(1)
      break
    }
    expect(descriptorsOn(path)).toBe(0)
    const failing = (async () => {
      for await (const _ of (await read(path)).chunks) throw new Error('the consumer failed')
    })()
    await expect(failing).rejects.toThrow('the consumer failed')
    expect(descriptorsOn(path)).toBe(0)
  })

  it('reads the whole file, then holds none', async () => {
    const chunks: Uint8Array[] = []
    for await (const chunk of (await read(path)).chunks) chunks.push(chunk.slice())
    expect(Buffer.compare(Buffer.concat(chunks), bytes)).toBe(0)
    expect(descriptorsOn(path)).toBe(0)
  })

  it('reports a missing file, or a directory, when called (typed)', async () => {
    await expect(read(join(dir, 'missing.bin'))).rejects.toBeInstanceOf(FileNotFoundError)
    await expect(read(dir)).rejects.toBeInstanceOf(NotAFileError)
  })
})
