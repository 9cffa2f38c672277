/**
 * manifestFromFile and manifestFromStream start several things one after another (the archive's handle,
 * the two digest workers of a plain tar, the race worker of a compressed one, a spool file); when a later one fails to start, every one
 * started before it is closed: a live worker thread would keep the process from exiting, an open handle
 * is a descriptor lost, a spool a temporary file left behind. Worker threads are made to fail to start
 * (the Nth `new Worker` throws) through a wrapper of node:worker_threads that also records every worker
 * started and whether it was terminated.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { packTar, patternBytes, removeDir, tempDir } from '../helpers/archives.js'
import { descriptorsOn } from '../helpers/descriptors.js'

const workers = vi.hoisted(() => ({
  failAt: 0,
  count: 0,
  started: [] as Array<{ threadId: number, terminated: boolean, terminate: () => Promise<number> }>
}))
vi.mock('node:worker_threads', async (original) => {
  const real = await original<typeof import('node:worker_threads')>()
  class RecordedWorker extends real.Worker {
    terminated = false
    constructor (...args: ConstructorParameters<typeof real.Worker>) {
      if (++workers.count === workers.failAt) throw new Error('no thread for this worker (test)')
      super(...args)
      workers.started.push(this)
    }

    override async terminate (): Promise<number> {
      this.terminated = true
      return await super.terminate()
    }
  }
  return { ...real, Worker: RecordedWorker }
})
const { manifestFromFile, manifestFromStream } = await import('../../src/node/index.js')

const MiB = 1024 * 1024
const GZIP_HEAD = [0x1f, 0x8b, 0x08, 0x00]
let dir: string
beforeAll(() => { dir = tempDir('iam-start-') })
afterAll(() => { removeDir(dir) })
afterEach(async () => {
  // Whatever a failing test left running must not keep the test process alive.
  await Promise.all(workers.started.map(async worker => await worker.terminate()))
  workers.started.length = 0
  workers.count = 0
  workers.failAt = 0
})

/** Every worker started was told to stop (it is gone, or going: terminate() ends it). */
function allStopped (): boolean {
  return workers.started.every(worker => worker.terminated || worker.threadId === -1)
}

function file (name: string, bytes: Uint8Array): string {
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return path
}

/** Bytes that begin as a gzip stream: enough to decide the format, which is all these tests get to. */
function gzipLooking (length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  bytes.set(GZIP_HEAD)
  return bytes
}

describe('manifestFromFile: a worker that fails to start', () => {
  it('the race worker (a compressed archive starts no digest workers): the archive\'s handle is closed', async () => {
    const path = file('large.tar.gz', gzipLooking(8 * MiB + 1))
    workers.failAt = 1
    await expect(manifestFromFile(path)).rejects.toThrow('no thread for this worker')
    expect(descriptorsOn(path)).toBe(0)
    expect(workers.started).toHaveLength(0)
  })

  it('the sha512 worker: the sha256 worker is stopped and the archive\'s handle is closed', async () => {
    const path = file('large.tar', await packTar([[{ name: 'big.bin' }, patternBytes(9 * MiB, 1)]]))
    workers.failAt = 2
    await expect(manifestFromFile(path)).rejects.toThrow('no thread for this worker')
    expect(workers.started).toHaveLength(1)
    expect(allStopped()).toBe(true)
    expect(descriptorsOn(path)).toBe(0)
  })
})

describe('manifestFromStream: a worker that fails to start', () => {
  let spools: string
  let tmp: string | undefined
  beforeAll(() => {
    // The spools go to a directory of this test's own, so that what is left there can be counted.
    spools = join(dir, 'tmp')
    mkdirSync(spools)
    tmp = process.env.TMPDIR
    process.env.TMPDIR = spools
  })
  afterAll(() => { if (tmp === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = tmp })

  /** A source that says whether it was closed (its `finally` ran): a pipe's stream is let go, not left half read. */
  function source (bytes: Uint8Array): { chunks: AsyncGenerator<Uint8Array>, closed: () => boolean } {
    let closed = false
    const chunks = (async function * () {
      try {
        for (let at = 0; at < bytes.length; at += 64 * 1024) yield bytes.subarray(at, at + 64 * 1024)
      } finally {
        closed = true
      }
    })()
    return { chunks, closed: () => closed }
  }

  it('a compressed archive\'s race worker: the spool removed, the source closed', async () => {
    const input = source(gzipLooking(1 * MiB))
    workers.failAt = 1
    await expect(manifestFromStream(input.chunks)).rejects.toThrow('no thread for this worker')
    expect(workers.started).toHaveLength(0)
    expect(readdirSync(spools)).toEqual([])
    expect(input.closed()).toBe(true)
  })

  it('a tar\'s digest worker: the source is closed', async () => {
    const input = source(await packTar([[{ name: 'a.bin' }, patternBytes(MiB, 2)]]))
    workers.failAt = 1
    await expect(manifestFromStream(input.chunks)).rejects.toThrow('no thread for this worker')
    expect(workers.started).toHaveLength(0)
    expect(input.closed()).toBe(true)
    expect(existsSync(spools) && readdirSync(spools).length === 0).toBe(true)
  })
})
