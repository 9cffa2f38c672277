/**
 * The spools' temporary file is made in a directory of its own; when the file cannot be opened (no
 * descriptor or inode left: EMFILE, ENOSPC), the directory just made is removed again and the error is
 * typed. The file system's `open` is made to fail through a wrapper of node:fs/promises.
 */
import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ArchiveManifestError } from '../../src/errors.js'
import { removeDir, tempDir } from '../helpers/archives.js'

const failing = vi.hoisted(() => ({ open: false }))
vi.mock('node:fs/promises', async (original) => {
  const real = await original<typeof import('node:fs/promises')>()
  const open: typeof real.open = async (...args) => {
    if (failing.open) throw Object.assign(new Error(`EMFILE: too many open files, open '${String(args[0])}'`), { code: 'EMFILE', errno: -24, syscall: 'open', path: String(args[0]) })
    return await real.open(...args)
  }
  return { ...real, default: { ...real, open }, open }
})
const { createSpool } = await import('../../src/node/spool.js')
const { SpoolBlocks } = await import('../../src/node/spool-blocks.js')

let dir: string
let tmp: string | undefined
beforeAll(() => {
  // Temporary files go to a directory of this test's own, so that what is left there can be listed.
  dir = tempDir('iam-temp-file-')
  mkdirSync(join(dir, 'tmp'))
  tmp = process.env.TMPDIR
  process.env.TMPDIR = join(dir, 'tmp')
})
afterAll(() => {
  if (tmp === undefined) delete process.env.TMPDIR
  else process.env.TMPDIR = tmp
  removeDir(dir)
})

describe.each([
  ['createSpool', async () => { await createSpool() }],
  ['SpoolBlocks.create', async () => { await SpoolBlocks.create() }]
])('%s, when its file cannot be opened', (_, create) => {
  it('leaves no directory behind, and the error is typed', async () => {
    failing.open = true
    try {
      const err = await create().then(() => undefined, (e: unknown) => e)
      expect(err).toBeInstanceOf(ArchiveManifestError)
      expect((err as ArchiveManifestError).details).toMatchObject({ errno: 'EMFILE' })
    } finally {
      failing.open = false
    }
    expect(readdirSync(join(dir, 'tmp'))).toEqual([])
  })
})
