/**
 * How many worker threads manifestFromFile starts: none for a small archive (hashed here in less time than
 * a worker takes to start), the two digest workers for a large one, and for a compressed archive worth it
 * the race worker alone (its digests, of the compressed bytes, are cheap beside decompressing them).
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { packTar, patternBytes, removeDir, tempDir } from '../helpers/archives.js'

const started = vi.hoisted(() => ({ count: 0 }))
vi.mock('node:worker_threads', async (original) => {
  const real = await original<typeof import('node:worker_threads')>()
  class CountedWorker extends real.Worker {
    constructor (...args: ConstructorParameters<typeof real.Worker>) { super(...args); started.count++ }
  }
  return { ...real, Worker: CountedWorker }
})
const { manifestFromFile } = await import('../../src/node/index.js')

let dir: string
beforeAll(() => { dir = tempDir('iam-workers-') })
afterAll(() => { removeDir(dir) })

async function workersFor (name: string, bytes: Uint8Array): Promise<number> {
  const path = join(dir, name)
  writeFileSync(path, bytes)
  started.count = 0
  await manifestFromFile(path)
  return started.count
}

describe('manifestFromFile: worker threads', () => {
  it('none for a small archive, two digest workers for a large one, and a race worker for a compressed one', async () => {
    const small = await packTar([[{ name: 'a.txt' }, 'hello\n']])
    expect(await workersFor('small.tar', small)).toBe(0)
    const large = await packTar([[{ name: 'big.bin' }, patternBytes(9 << 20, 1)]])
    expect(await workersFor('large.tar', large)).toBe(2)
    const text = new TextEncoder().encode(Array.from({ length: 60000 }, (_, i) => `line ${i}\n`).join(''))
    const gz = new Uint8Array(execFileSync('gzip', ['-n', '-9', '-c'], { input: await packTar([[{ name: 't.txt' }, text]]) }))
    expect(gz.length).toBeGreaterThan(128 * 1024)
    expect(await workersFor('medium.tar.gz', gz)).toBe(1)
  }, 300_000)

  it('no digest workers for a large compressed tar: its digests are taken on the main thread, beside the race worker', async () => {
    const zst = new Uint8Array(execFileSync('zstd', ['-q', '-1', '-c'], { input: await packTar([[{ name: 'big.bin' }, patternBytes(9 << 20, 2)]]), maxBuffer: 64 << 20 }))
    expect(zst.length).toBeGreaterThan(8 << 20)
    expect(await workersFor('large.tar.zst', zst)).toBe(1)
  }, 300_000)
})
