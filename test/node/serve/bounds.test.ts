/**
 * The server's bounds, without timing: a blockstore that holds a rebuild at one block until the test lets
 * it go shows a full queue answering 503, a queue draining in order, a departed client freeing its slot,
 * and close() letting a response in progress finish while refusing new connections.
 */
import { describe, it, expect, beforeAll } from 'vitest'
import { join } from 'node:path'
import { request } from 'node:http'
import type { CID } from 'multiformats/cid'
import { MemoryBlocks } from '../../../src/index.js'
import { createMirrorServer, type MirrorServerOptions } from '../../../src/node/index.js'
import { TreePathResolver } from '../../../src/unixfs/path-resolver.js'
import { repoRoot } from '../../helpers/real-archives.js'
import { describeAll, mapStore, send, type Described } from './helpers.js'

let blocks: MemoryBlocks
let hello: Described
let held: CID

beforeAll(async () => {
  blocks = new MemoryBlocks()
  ;[hello] = await describeAll([join(repoRoot, 'test/fixtures/real/hello-2.10.tar')], blocks) as [Described]
  const found = await new TreePathResolver(hello.tree, blocks).resolve(new TextEncoder().encode('hello-2.10/configure'))
  if (found === undefined) throw new Error('no configure')
  held = found.cid
}, 120_000)

/** A store whose `held` block is given out only once `open()` is called; `entered` resolves when a rebuild first waits for it. */
function gatedStore (): { store: MirrorServerOptions['store'], entered: Promise<void>, open: () => void } {
  let open!: () => void
  const gate = new Promise<void>(resolve => { open = resolve })
  let enter!: () => void
  const entered = new Promise<void>(resolve => { enter = resolve })
  const inner = mapStore(blocks, [hello])
  const blockstore = {
    put: (cid: CID, bytes: Uint8Array) => blocks.put(cid, bytes),
    get: async (cid: CID) => {
      if (cid.equals(held)) { enter(); await gate }
      return blocks.get(cid)
    }
  }
  return { store: { blockstore, lookup: inner.lookup }, entered, open }
}

const path = (): string => `/sha256/${hello.sha256}`

describe('bounds', () => {
  it('answers 503 with Retry-After when the streams and their queue are full', async () => {
    const { store, entered, open } = gatedStore()
    const server = createMirrorServer({ store, limits: { maxStreams: 1, maxQueuedStreams: 0 } })
    const url = (await server.listen()).url
    try {
      const first = send(url, path())
      await entered
      const second = await send(url, path())
      expect(second.status).toBe(503)
      expect(second.headers['retry-after']).toBe('1')
      // HEAD and raw blocks hold no stream slot.
      expect((await send(url, path(), { method: 'HEAD' })).status).toBe(200)
      open()
      expect((await first).body.equals(hello.bytes)).toBe(true)
    } finally { await server.close() }
  })

  it('queues requests beyond the running ones and serves them all, exact', async () => {
    const { store, entered, open } = gatedStore()
    const server = createMirrorServer({ store, limits: { maxStreams: 1, maxQueuedStreams: 4 } })
    const url = (await server.listen()).url
    try {
      const first = send(url, path())
      await entered
      const rest = [send(url, path()), send(url, path()), send(url, path())]
      open()
      for (const reply of await Promise.all([first, ...rest])) expect(reply.body.equals(hello.bytes)).toBe(true)
    } finally { await server.close() }
  })

  it('a client that leaves mid-body frees its slot for the next', async () => {
    const { store, entered, open } = gatedStore()
    const server = createMirrorServer({ store, limits: { maxStreams: 1, maxQueuedStreams: 1 } })
    const url = new URL((await server.listen()).url)
    try {
      const leaving = request({ host: url.hostname, port: url.port, path: path(), agent: false })
      const gone = new Promise<void>(resolve => leaving.on('close', resolve))
      leaving.on('error', () => {})
      leaving.on('response', (res) => { res.destroy() })
      leaving.end()
      await entered
      const next = send(url.toString(), path())
      await gone
      open()
      expect((await next).body.equals(hello.bytes)).toBe(true)
    } finally { await server.close() }
  })

  it('close() lets the response in progress finish and refuses new connections', async () => {
    const { store, entered, open } = gatedStore()
    const server = createMirrorServer({ store })
    const url = (await server.listen()).url
    const first = send(url, path())
    await entered
    const closed = server.close()
    await expect(send(url, path())).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    open()
    const reply = await first
    expect(reply.complete).toBe(true)
    expect(reply.body.equals(hello.bytes)).toBe(true)
    await closed
  })
})
