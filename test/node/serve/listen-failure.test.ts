/**
 * A mirror server whose listen() fails (its port is taken, a limit is refused) stops the upstream client it started for it:
 * the client's HTTP agents would otherwise live on, and a second listen() would start another beside it.
 * The upstream is replaced by a recorder of starts and stops.
 */
import { createServer, type Server } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { MemoryBlocks } from '../../../src/index.js'

const upstreams = vi.hoisted(() => ({ started: 0, stopped: 0 }))
vi.mock('../../../src/node/serve/upstream.js', async (original) => {
  const real = await original<typeof import('../../../src/node/serve/upstream.js')>()
  return {
    ...real,
    createUpstream: async (store: import('../../../src/node/serve/mirror-store.js').MirrorStore['blockstore']) => {
      upstreams.started++
      return { source: store, stop: async () => { upstreams.stopped++ } }
    }
  }
})
const { createMirrorServer } = await import('../../../src/node/serve/server.js')

let taken: Server
let port: number
beforeAll(async () => {
  taken = createServer()
  await new Promise<void>(resolve => { taken.listen(0, '127.0.0.1', resolve) })
  port = (taken.address() as AddressInfo).port
})
afterAll(async () => { await new Promise(resolve => taken.close(resolve)) })

afterEach(() => { upstreams.started = 0; upstreams.stopped = 0 })

describe('createMirrorServer: a listen() that fails', () => {
  it('on a port in use fails, stopping the upstream client it started; a second try starts one afresh and stops it too', async () => {
    const server = createMirrorServer({ store: { blockstore: new MemoryBlocks(), lookup: () => undefined }, port, upstream: ['http://127.0.0.1:9/'] })
    await expect(server.listen()).rejects.toMatchObject({ code: 'EADDRINUSE' })
    expect(upstreams).toEqual({ started: 1, stopped: 1 })
    await expect(server.listen()).rejects.toMatchObject({ code: 'EADDRINUSE' })
    expect(upstreams).toEqual({ started: 2, stopped: 2 })
    await server.close()
    expect(server.address()).toBeUndefined()
    expect(upstreams.stopped).toBe(2)
  })

  it('with a limit refused fails, stopping the upstream client it started', async () => {
    const server = createMirrorServer({ store: { blockstore: new MemoryBlocks(), lookup: () => undefined }, upstream: ['http://127.0.0.1:9/'], limits: { maxStreams: 0 } })
    await expect(server.listen()).rejects.toThrow('maxActive must be a positive integer')
    expect(upstreams).toEqual({ started: 1, stopped: 1 })
    await server.close()
  })
})
