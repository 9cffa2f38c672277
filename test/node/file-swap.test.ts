/**
 * A file read from a path that names another file by the time it is opened. openArchiveFile and
 * lendArchiveFile stat the path when called and open it when the first chunk is asked for; manifestFromFile
 * opens it to find its format and again to describe it; restore --from-dir opens a tree's files. What is
 * opened is decided from the open handle: a FIFO put in the file's place is refused at once (an open(2) that
 * waited for a writer would hang), as a directory is (NotAFileError); another file, or the file cut or grown,
 * is a FileChangedError, never read as if it were the one asked for. The swaps happen between the call and
 * the first chunk, or, for manifestFromFile, inside its format detection (a wrapper of formatOf).
 */
import { execFileSync } from 'node:child_process'
import { appendFileSync, closeSync, constants, mkdirSync, openSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { FileChangedError, NotAFileError } from '../../src/errors.js'
import { packTar, patternBytes, removeDir, tempDir } from '../helpers/archives.js'

const hook = vi.hoisted(() => ({ afterFormat: undefined as (() => void) | undefined }))
vi.mock('../../src/manifest/detect.js', async (importActual) => {
  const actual = await importActual<typeof import('../../src/manifest/detect.js')>()
  return {
    ...actual,
    formatOf: async (...args: Parameters<typeof actual.formatOf>) => {
      const format = await actual.formatOf(...args)
      hook.afterFormat?.()
      return format
    }
  }
})
const { lendArchiveFile, openArchiveFile, openRandomAccessFile } = await import('../../src/node/files.js')
const { directoryFiles } = await import('../../src/node/directory-files.js')
const { manifestFromFile } = await import('../../src/node/manifest-file.js')
const { SlotPool } = await import('../../src/node/slot-pool.js')

let dir: string
let n = 0
beforeAll(() => { dir = tempDir('iam-swap-') })
afterAll(() => { removeDir(dir) })
const fifos: string[] = []
// A reader that did block in opening a FIFO (the defect) is let go by a writer, so that no thread stays stuck.
afterEach(() => {
  for (const fifo of fifos.splice(0)) {
    try { closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK)) } catch {}
  }
})

const bytes = patternBytes(3 * 64 * 1024 + 5, 9)
/** A new regular file of `bytes` in the test directory. */
function file (): string {
  const path = join(dir, `file-${n++}.bin`)
  writeFileSync(path, bytes)
  return path
}
function fifoAt (path: string): void {
  rmSync(path)
  execFileSync('mkfifo', [path])
  fifos.push(path)
}
async function readAll (chunks: AsyncIterable<Uint8Array>): Promise<number> {
  let length = 0
  for await (const chunk of chunks) length += chunk.length
  return length
}

const readers = {
  openArchiveFile: async (p: string) => await openArchiveFile(p),
  lendArchiveFile: async (p: string) => await lendArchiveFile(p, new SlotPool(4, 64 * 1024))
}

describe.each(Object.entries(readers))('%s: the path swapped between the call and the first chunk', (_, read) => {
  it('a FIFO is refused at once (NotAFileError), not waited on for a writer', async () => {
    const path = file()
    const { chunks } = await read(path)
    fifoAt(path)
    await expect(readAll(chunks)).rejects.toBeInstanceOf(NotAFileError)
  })

  it('a directory is refused (NotAFileError)', async () => {
    const path = file()
    const { chunks } = await read(path)
    rmSync(path)
    mkdirSync(path)
    await expect(readAll(chunks)).rejects.toBeInstanceOf(NotAFileError)
  })

  it('another file of the same size (a symlink to it) is a FileChangedError', async () => {
    const path = file()
    const other = file()
    const { chunks } = await read(path)
    rmSync(path)
    symlinkSync(other, path)
    await expect(readAll(chunks)).rejects.toBeInstanceOf(FileChangedError)
  })

  it('the same file cut or grown is a FileChangedError; left alone, it is read whole', async () => {
    for (const size of [bytes.length - 1, bytes.length + 1]) {
      const path = file()
      const { chunks } = await read(path)
      writeFileSync(path, patternBytes(size, 9))
      await expect(readAll(chunks)).rejects.toBeInstanceOf(FileChangedError)
    }
    expect(await readAll((await read(file())).chunks)).toBe(bytes.length)
  })
})

describe.each(Object.entries(readers))('%s: the file cut or grown while it is read', (_, read) => {
  it('is a FileChangedError, not an archive that ends early', async () => {
    // Five reads of openArchiveFile's (4 MiB): once the first is handed out, the fourth and fifth are yet
    // to be read (two read ahead at most), and find nothing where the file had bytes.
    const path = join(dir, `cut-${n++}.bin`)
    writeFileSync(path, patternBytes(20 << 20, 4))
    const { chunks } = await read(path)
    const iterator = chunks[Symbol.asyncIterator]()
    expect((await iterator.next()).done).toBe(false)
    truncateSync(path, 1 << 20)
    await expect(readAll({ [Symbol.asyncIterator]: () => iterator })).rejects.toBeInstanceOf(FileChangedError)
  })

  it('grown while it is read (an archive still being written) is a FileChangedError, not its first part', async () => {
    const path = file()
    const { chunks } = await read(path)
    const iterator = chunks[Symbol.asyncIterator]()
    expect((await iterator.next()).done).toBe(false)
    appendFileSync(path, patternBytes(4096, 5))
    await expect(readAll({ [Symbol.asyncIterator]: () => iterator })).rejects.toBeInstanceOf(FileChangedError)
  })
})

describe('openRandomAccessFile', () => {
  it('refuses a FIFO at once and a directory (NotAFileError)', async () => {
    const path = file()
    fifoAt(path)
    await expect(openRandomAccessFile(path)).rejects.toBeInstanceOf(NotAFileError)
    await expect(openRandomAccessFile(dir)).rejects.toBeInstanceOf(NotAFileError)
  })
})

describe('manifestFromFile: the file swapped after its format was found', () => {
  it('for a plain tar, a compressed one and large ones read into the digest workers\' slots: FileChangedError', async () => {
    const tar = await packTar([[{ name: 'a.txt' }, 'hello\n'], [{ name: 'b.bin' }, patternBytes(5000, 2)]])
    const large = await packTar([[{ name: 'big.bin' }, patternBytes(9 << 20, 3)]])
    const gz = (input: Uint8Array): Uint8Array => new Uint8Array(execFileSync('gzip', ['-n', '-6', '-c'], { input, maxBuffer: 64 << 20 }))
    for (const archive of [tar, gz(tar), large, gz(large)]) {
      const path = join(dir, `archive-${n++}`)
      writeFileSync(path, archive)
      const other = join(dir, `other-${n++}`)
      writeFileSync(other, archive.subarray(0, archive.length - 512))
      hook.afterFormat = () => { rmSync(path); symlinkSync(other, path) }
      try {
        await expect(manifestFromFile(path)).rejects.toBeInstanceOf(FileChangedError)
      } finally { hook.afterFormat = undefined }
    }
  }, 300_000)
})

describe('directoryFiles (restore --from-dir)', () => {
  it('refuses a FIFO where the tree has a file at once (NotAFileError)', async () => {
    const tree = join(dir, `tree-${n++}`)
    mkdirSync(tree)
    const path = join(tree, 'a.txt')
    writeFileSync(path, 'hello\n')
    fifoAt(path)
    await expect(readAll(directoryFiles(tree).read(['a.txt']))).rejects.toBeInstanceOf(NotAFileError)
  })
})
