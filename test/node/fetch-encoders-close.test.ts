/**
 * `fetch` closes the worker encoder pools it made on every way out: malformed options that fetchArchive
 * refuses at once, an output that cannot be created, every source failing, and a success. The pools are
 * recorded through a wrapper of createWorkerRebuildEncoders.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { patternBytes, removeDir, tempDir } from '../helpers/archives.js'
import { closedPortUrl, hashedMirror } from '../helpers/http-sources.js'

const pools = vi.hoisted(() => ({ made: 0, closed: 0 }))
vi.mock('../../src/node/worker-rebuild-encoders.js', async (importActual) => {
  const actual = await importActual<typeof import('../../src/node/worker-rebuild-encoders.js')>()
  return {
    createWorkerRebuildEncoders: () => {
      const made = actual.createWorkerRebuildEncoders()
      pools.made++
      return { encoders: made.encoders, close: async () => { pools.closed++; await made.close() } }
    }
  }
})
const { main } = await import('../../src/node/cli.js')

let dir: string
// A port where nothing listens: the mirror fails at once.
let mirror: string[]
beforeAll(async () => {
  dir = tempDir('iam-fetch-close-')
  mirror = ['--mirror', await closedPortUrl()]
})
afterAll(() => { removeDir(dir) })

/** The exit status of `fetch ARGS`, and whether every pool it made was closed (none made counts as closed). */
async function fetchStatus (args: string[]): Promise<{ status: number, open: number }> {
  pools.made = 0
  pools.closed = 0
  const status = await main(['fetch', ...args])
  return { status, open: pools.made - pools.closed }
}

const sha256 = ['--sha256', 'a'.repeat(64)]

describe('fetch: the worker encoders are closed on every way out', () => {
  it('when fetchArchive refuses the options at once (a malformed digest, a lone --index)', async () => {
    expect(await fetchStatus(['--sha256', 'not-hex', ...mirror, '-o', join(dir, 'a')])).toEqual({ status: 2, open: 0 })
    expect(await fetchStatus([...sha256, ...mirror, '--index', 'bafkqaaa', '-o', join(dir, 'b')])).toEqual({ status: 2, open: 0 })
  })

  it('when the output cannot be created', async () => {
    expect(await fetchStatus([...sha256, ...mirror, '-o', join(dir, 'missing', 'out')])).toEqual({ status: 1, open: 0 })
  })

  it('when every source fails', async () => {
    expect(await fetchStatus([...sha256, ...mirror, '-o', join(dir, 'c')])).toEqual({ status: 1, open: 0 })
  })

  it('when the archive is fetched', async () => {
    const bytes = patternBytes(10_000, 4)
    const hex = createHash('sha256').update(bytes).digest('hex')
    const server = await hashedMirror(new Map([[`sha256/${hex}`, bytes]]))
    try {
      expect(await fetchStatus(['--sha256', hex, '--mirror', server.url, '-o', join(dir, 'd')])).toEqual({ status: 0, open: 0 })
      expect(readFileSync(join(dir, 'd')).equals(bytes)).toBe(true)
    } finally { await server.close() }
  })
})
