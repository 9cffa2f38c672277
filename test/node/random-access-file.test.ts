/**
 * openRandomAccessFile opens the file and then asks for its size: when that fails (EIO on a failing disk
 * or network file system), the handle just opened is closed, not lost, and the error is typed. The
 * handle's stat is made to fail through a wrapper of node:fs/promises.
 */
import { writeFileSync } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { FileSystemError } from '../../src/errors.js'
import { removeDir, tempDir } from '../helpers/archives.js'
import { descriptorsOn } from '../helpers/descriptors.js'

const failing = vi.hoisted(() => ({ stat: false }))
vi.mock('node:fs/promises', async (original) => {
  const real = await original<typeof import('node:fs/promises')>()
  const open = async (...args: Parameters<typeof real.open>): Promise<FileHandle> => {
    const handle = await real.open(...args)
    if (failing.stat) {
      handle.stat = async () => { throw Object.assign(new Error('EIO: i/o error, fstat'), { code: 'EIO', errno: -5, syscall: 'fstat' }) }
    }
    return handle
  }
  return { ...real, default: { ...real, open }, open }
})
const { openRandomAccessFile } = await import('../../src/node/files.js')

let dir: string
beforeAll(() => { dir = tempDir('iam-random-access-') })
afterAll(() => { removeDir(dir) })

describe('openRandomAccessFile, when the size cannot be read', () => {
  it('closes the handle it opened and reports a typed error', async () => {
    const path = join(dir, 'archive.bin')
    writeFileSync(path, new Uint8Array(1000))
    failing.stat = true
    const err = await openRandomAccessFile(path).then(() => undefined, (e: unknown) => e).finally(() => { failing.stat = false })
    expect(descriptorsOn(path)).toBe(0)
    expect(err).toBeInstanceOf(FileSystemError)
  })
})
