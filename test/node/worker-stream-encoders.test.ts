/**
 * restoreArchive with createWorkerStreamEncoders: gzip (GNU gzip's and zlib's deflate), single-block xz
 * and zstd members rebuilt byte for byte with their one stream encoded on a worker thread; the input pulled
 * only as far as the slots in flight allow; a worker's error thrown here as its own typed class; the worker
 * let go on every way out (the stream's end: kept for the next; an early stop, an error: terminated), and
 * none left after close(). Workers are recorded through a wrapper of node:worker_threads.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CID } from 'multiformats/cid'
import { MemoryBlocks, manifestFromTarball, restoreArchive } from '../../src/index.js'
import type { StreamEncoders } from '../../src/compression/recipe/stream-encoders.js'
import { BlockNotFoundError, InvalidManifestError, WorkerFailedError } from '../../src/errors.js'
import { packTar, patternBytes, removeDir, tempDir } from '../helpers/archives.js'
import { writeCarFile } from '../helpers/blocks.js'
import { collect } from '../helpers/nix.js'
import { describeAll, mapStore } from './serve/helpers.js'

const recorded = vi.hoisted(() => ({
  started: [] as Array<{ exited: Promise<number>, terminate: () => Promise<number>, stream: boolean }>
}))
vi.mock('node:worker_threads', async (original) => {
  const real = await original<typeof import('node:worker_threads')>()
  class RecordedWorker extends real.Worker {
    readonly exited: Promise<number>
    readonly stream: boolean
    constructor (...args: ConstructorParameters<typeof real.Worker>) {
      super(...args)
      this.stream = String(args[0]).includes('stream-worker')
      this.exited = new Promise(resolve => { this.once('exit', resolve) })
      recorded.started.push(this)
    }
  }
  return { ...real, Worker: RecordedWorker }
})
const { createWorkerStreamEncoders } = await import('../../src/node/worker-stream-encoders.js')
const { main } = await import('../../src/node/cli.js')
const { createMirrorServer } = await import('../../src/node/serve/server.js')
const { openStore } = await import('../../src/node/store.js')

const encoders = createWorkerStreamEncoders()
let dir: string
beforeAll(() => { dir = tempDir('iam-stream-encoders-') })
afterAll(async () => { await encoders.close(); removeDir(dir) })

const streamWorkers = (): typeof recorded.started => recorded.started.filter(w => w.stream)

/** Exactly one stream worker was started since `before` (a count of them), and it has exited. */
async function oneStreamWorkerExited (before: number): Promise<void> {
  const started = streamWorkers().slice(before)
  expect(started.length).toBe(1)
  await started[0]!.exited
}

/** A .tar.gz (`gzip -n -LEVEL` of the test tar) written to `name` in the test directory. */
async function gzipFile (name: string, level: number): Promise<{ path: string, gz: Uint8Array }> {
  const gz = tool('gzip', ['-n', `-${level}`, '-c'], await tarOfText())
  const path = join(dir, name)
  writeFileSync(path, gz)
  return { path, gz }
}

/** The encoders, counting streams. */
function counted (inner: StreamEncoders): StreamEncoders & { streams: number } {
  const c = {
    streams: 0,
    encode (...args: Parameters<StreamEncoders['encode']>): AsyncIterable<Uint8Array> { c.streams++; return inner.encode(...args) }
  }
  return c
}

async function tarOfText (): Promise<Uint8Array> {
  const text = new TextEncoder().encode(Array.from({ length: 60_000 }, (_, i) => `line ${i * 7919 % 10007} of the stream test\n`).join(''))
  return await packTar([[{ name: 'a.txt' }, text], [{ name: 'b.bin' }, patternBytes(700_000, 3)]])
}

const tool = (cmd: string, args: string[], input: Uint8Array): Uint8Array => new Uint8Array(execFileSync(cmd, args, { input, maxBuffer: 1 << 28 }))

/** Describes `compressed`, then restores it without the compressed file's own blocks, so that it is rebuilt. */
async function roundTrip (compressed: Uint8Array): Promise<{ encoder: string | undefined, members: number, streams: number }> {
  const blocks = new MemoryBlocks()
  const { cid, manifest } = await manifestFromTarball(compressed, { blockstore: blocks })
  const file = CID.decode(manifest.compression!.fileCid!)
  const source = { get: (c: CID) => { if (c.equals(file)) throw new BlockNotFoundError('not here'); return blocks.get(c) } }
  const streamEncoders = counted(encoders)
  const restored = await collect(restoreArchive(cid, source, { streamEncoders }))
  expect(Buffer.compare(restored, Buffer.from(compressed))).toBe(0)
  return { encoder: manifest.compression?.members[0]?.recipe?.encoder, members: manifest.compression!.members.length, streams: streamEncoders.streams }
}

/** A generator of `total` bytes in `chunk`-byte pieces (views of one reused buffer), counting what was pulled. */
function source (total: number, chunk: number, fail?: Error): AsyncIterable<Uint8Array> & { pulled: number } {
  const buffer = new Uint8Array(chunk * 2)
  const s = {
    pulled: 0,
    async * [Symbol.asyncIterator] () {
      for (let at = 0; at < total; at += chunk) {
        if (fail !== undefined && at >= total / 2) throw fail
        // A different view of the same memory each time: the encoder must have copied the last one.
        const piece = buffer.subarray((at / chunk) % 2 === 0 ? 0 : chunk, undefined).subarray(0, Math.min(chunk, total - at))
        piece.set(patternBytes(piece.length, at / chunk))
        s.pulled += piece.length
        yield piece
      }
    }
  }
  return s
}

describe('restore with a stream encoder on a worker thread', () => {
  it('rebuilds gzip (gnu-gzip, zlib), single-block xz and zstd members exactly, each stream on a worker, one worker reused', async () => {
    const tar = await tarOfText()
    const before = streamWorkers().length
    expect(await roundTrip(tool('gzip', ['-n', '-9', '-c'], tar))).toEqual({ encoder: 'gnu-gzip', members: 1, streams: 1 })
    expect(await roundTrip(tool('python3', ['-c', 'import sys,zlib; c=zlib.compressobj(6,zlib.DEFLATED,31); sys.stdout.buffer.write(c.compress(sys.stdin.buffer.read())+c.flush())'], tar)))
      .toMatchObject({ encoder: 'zlib', streams: 1 })
    expect(await roundTrip(tool('xz', ['-6', '-T1', '-c'], tar))).toEqual({ encoder: 'xz', members: 1, streams: 1 })
    expect(await roundTrip(tool('zstd', ['-q', '-19', '-c'], tar))).toEqual({ encoder: 'zstd', members: 1, streams: 1 })
    // Two gzip members, one after the other: one stream each.
    const half = 512 * 20
    const twoMembers = new Uint8Array([...tool('gzip', ['-n', '-9', '-c'], tar.subarray(0, half)), ...tool('gzip', ['-n', '-9', '-c'], tar.subarray(half))])
    expect(await roundTrip(twoMembers)).toEqual({ encoder: 'gnu-gzip', members: 2, streams: 2 })
    // Every stream ended well, so one worker served them all.
    expect(streamWorkers().length - before).toBe(1)
  }, 300_000)

  it('pulls the input only as far as its slots allow while the stream is not read, and copies each piece before asking for the next', async () => {
    const input = source(16 << 20, 100_000)
    const stream = encoders.encode({ encoder: 'zlib', params: { level: 1 } }, 16 << 20, input)[Symbol.asyncIterator]()
    const first = await stream.next()
    expect(first.done).toBe(false)
    // Eight slots of 512 KiB in flight, and the piece being copied.
    expect(input.pulled).toBeLessThanOrEqual(8 * 512 * 1024 + 100_000)
    // The rest, compared with zlib's own stream of the same bytes (pieces of one buffer, reused).
    const rest = await collect({ [Symbol.asyncIterator]: () => stream })
    const all = Buffer.concat([first.value as Uint8Array, rest])
    const expected = new Uint8Array(16 << 20)
    for (let at = 0; at < expected.length; at += 100_000) expected.set(patternBytes(Math.min(100_000, expected.length - at), at / 100_000), at)
    expect(Buffer.compare(all, tool('python3', ['-c', 'import sys,zlib; c=zlib.compressobj(1,zlib.DEFLATED,-15); sys.stdout.buffer.write(c.compress(sys.stdin.buffer.read())+c.flush())'], expected))).toBe(0)
  }, 300_000)

  it('a consumer that stops early: the worker is terminated, not reused', async () => {
    const before = streamWorkers().length
    const stream = encoders.encode({ encoder: 'zlib', params: { level: 1 } }, 16 << 20, source(16 << 20, 65536))[Symbol.asyncIterator]()
    expect((await stream.next()).done).toBe(false)
    await stream.return?.(undefined)
    const used = streamWorkers().at(-1)!
    // It was the one kept from before (or a new one); either way it exits now.
    await used.exited
    const again = await collect(encoders.encode({ encoder: 'zlib', params: { level: 1 } }, 10, source(10, 10)))
    expect(again.length).toBeGreaterThan(0)
    expect(streamWorkers().length - before).toBeGreaterThanOrEqual(1)
    expect(streamWorkers().at(-1)).not.toBe(used)
  }, 120_000)

  it('throws a worker\'s error as its own class, and the input\'s error as it is; the worker is terminated either way', async () => {
    await expect(collect(encoders.encode({ encoder: 'gnu-gzip', params: { level: 12 } }, 1000, source(1000, 100)))).rejects.toBeInstanceOf(InvalidManifestError)
    await streamWorkers().at(-1)!.exited
    const missing = new BlockNotFoundError('a block of the tar is missing (test)')
    await expect(collect(encoders.encode({ encoder: 'gnu-gzip', params: { level: 1 } }, 4 << 20, source(4 << 20, 65536, missing)))).rejects.toBe(missing)
    await streamWorkers().at(-1)!.exited
  }, 120_000)

  it('a worker that dies midway fails its stream with WorkerFailedError', async () => {
    let dying: (() => void) | undefined
    const input = (async function * () {
      yield new Uint8Array(1000)
      await new Promise<void>(resolve => { dying = resolve })
      yield new Uint8Array(1000)
    })()
    const stream = collect(encoders.encode({ encoder: 'gnu-gzip', params: { level: 6 } }, 2000, input))
    while (dying === undefined) await new Promise(resolve => setImmediate(resolve))
    await streamWorkers().at(-1)!.terminate()
    dying()
    await expect(stream).rejects.toBeInstanceOf(WorkerFailedError)
  }, 120_000)

  it('close() terminates the kept worker', async () => {
    const own = createWorkerStreamEncoders()
    await collect(own.encode({ encoder: 'zlib', params: { level: 6 } }, 10, source(10, 10)))
    const kept = streamWorkers().at(-1)!
    await own.close()
    await kept.exited
  }, 60_000)

  it('the restore command encodes a .tar.gz on a stream worker and leaves none running', async () => {
    const tar = await tarOfText()
    const gz = tool('gzip', ['-n', '-9', '-c'], tar)
    const blocks = new MemoryBlocks()
    const { cid, manifest } = await manifestFromTarball(gz, { blockstore: blocks })
    // The CAR holds the manifest and the tree only (as `create --car` writes it): the archive is rebuilt.
    const file = CID.decode(manifest.compression!.fileCid!)
    const kept = new MemoryBlocks()
    for (const [c, bytes] of blocks.entries()) if (!c.equals(file)) kept.put(c, bytes)
    const car = join(dir, 'a.car')
    await writeCarFile(car, cid, kept)
    const before = streamWorkers().length
    const out = join(dir, 'a.tar.gz')
    expect(await main(['restore', car, '-o', out])).toBe(0)
    expect(Buffer.compare(readFileSync(out), Buffer.from(gz))).toBe(0)
    await oneStreamWorkerExited(before)
  }, 300_000)

  it('the mirror server rebuilds a .tar.gz on a stream worker, and its close() leaves none running', async () => {
    const { path, gz } = await gzipFile('served.tar.gz', 9)
    const blocks = new MemoryBlocks()
    const described = await describeAll([path], blocks)
    const before = streamWorkers().length
    const server = createMirrorServer({ store: mapStore(blocks, described) })
    try {
      const { url } = await server.listen()
      const res = await fetch(`${url}sha256/${described[0]!.sha256}`)
      expect(res.status).toBe(200)
      expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), Buffer.from(gz))).toBe(0)
    } finally { await server.close() }
    await oneStreamWorkerExited(before)
  }, 300_000)

  it('a store checks an added .tar.gz by rebuilding it on a stream worker, which it leaves not running', async () => {
    const { path } = await gzipFile('added.tar.gz', 6)
    const store = await openStore(join(dir, 'store'))
    const before = streamWorkers().length
    try {
      expect((await store.add(path)).added).toBe(true)
    } finally { await store.close() }
    await oneStreamWorkerExited(before)
  }, 300_000)
})
