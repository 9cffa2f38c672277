/**
 * manifestFromFile moves the sha512 to a worker thread only for archives large enough to gain from it:
 * starting a worker costs about 25 ms of CPU and 30 ms before it answers, more than hashing a small
 * archive (issue #16's start-up target). Both ways give the same digests.
 */
import { describe, it, expect, vi, beforeAll, afterAll } from 'vitest'
import { createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { removeDir, tempDir } from '../helpers/archives.js'
import { zeroTar, zeroTarSize } from '../helpers/large.js'

const started = vi.hoisted(() => ({ count: 0 }))
vi.mock('../../src/node/worker-digester.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/node/worker-digester.js')>()
  return { ...original, createWorkerDigester: () => { started.count++; return original.createWorkerDigester() } }
})
const { manifestFromFile } = await import('../../src/node/manifest-file.js')
const { manifestFromTarball } = await import('../../src/manifest/create.js')

let dir: string
beforeAll(() => { dir = tempDir('iam-digest-') })
afterAll(() => { removeDir(dir) })

async function tarFile (name: string, size: number): Promise<string> {
  const path = join(dir, name)
  await pipeline(Readable.from(zeroTar('data.bin', size)), createWriteStream(path))
  return path
}

describe('manifestFromFile\'s sha512', () => {
  it('a small archive is hashed on the main thread: no worker is started', async () => {
    started.count = 0
    const result = await manifestFromFile(await tarFile('small.tar', 10_000))
    expect(started.count).toBe(0)
    expect(result.manifest.archive.size).toBe(zeroTarSize(10_000))
  })

  it('an archive of 16 MiB or more is hashed on a worker, with the same digests', async () => {
    started.count = 0
    const path = await tarFile('large.tar', 16 * 1024 * 1024)
    const result = await manifestFromFile(path)
    expect(started.count).toBe(1)
    const inThread = await manifestFromTarball(zeroTar('data.bin', 16 * 1024 * 1024))
    expect(result.manifest.archive.sha512).toEqual(inThread.manifest.archive.sha512)
    expect(result.cid.equals(inThread.cid)).toBe(true)
  }, 120_000)
})
