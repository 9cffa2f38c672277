/**
 * Blocks in CAR files. Reading indexes the CAR's framing (src/codec/car-index.ts: only where each block is
 * is kept in memory) and reads each block from the file when asked; a CAR that arrives through a pipe or
 * stdin is copied to a temporary file first, since its root may be its last block.
 *
 * Writing streams blocks as the manifest is built (each once, in the order they are made), so the root, the
 * manifest block, comes last. Into a file (a temporary one, renamed onto the path once complete), the root
 * is written into the header at the end, which works because a manifest root CID (CIDv1, dag-cbor,
 * sha2-256) always has the same length as the placeholder.
 * Into a pipe or stdout nothing can be patched: the header has no roots and the root is the last block, as
 * `ipfs-car pack` writes to stdout; readers here take the last block as the root of a roots-less CAR.
 */
import { CarWriter } from '@ipld/car/writer'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { createWriteStream } from 'node:fs'
import { open, rename, rm } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import type { BlockSink, BlockSource } from '../blocks.js'
import { indexCar } from '../codec/car-index.js'
import { BlockNotFoundError, InvalidArgumentError, InvalidCarError, TruncatedCarError } from '../errors.js'
import { tempPathBeside } from './atomic-file.js'
import { openRandomAccessFile, streamChunks } from './files.js'
import { isRegularFile, typedFsError } from './fs-errors.js'
import { spoolAll } from './spool.js'

export interface CarFileSource extends BlockSource {
  /** The header's single root, or for a roots-less CAR its last block's CID. */
  root: CID
  /** True when the header names no root and `root` is the last block. */
  rootless: boolean
  /** Whether the CAR holds the block `cid`. */
  has(cid: CID): boolean
  close(): Promise<void>
}

/**
 * Opens a CAR file (a regular file, or a pipe, FIFO or socket, which is copied to a temporary file first).
 * TruncatedCarError when it ends inside its header or a block, or lacks its root block; InvalidCarError
 * when it is malformed or names several roots.
 */
export async function openCarFile (path: string): Promise<CarFileSource> {
  if (await isRegularFile(path)) return await openIndexed(path, path, async () => {})
  return await openCarStream(streamChunks(path), path)
}

/** Opens a CAR read from `chunks` (stdin: `{ fd: 0 }` through streamChunks), copied to a temporary file first. */
export async function openCarStream (chunks: AsyncIterable<Uint8Array>, name = 'the CAR on stdin'): Promise<CarFileSource> {
  const spool = await spoolAll(chunks)
  try {
    return await openIndexed(spool.path, name, spool.remove)
  } catch (err) {
    await spool.remove()
    throw err
  }
}

async function openIndexed (path: string, name: string, cleanup: () => Promise<void>): Promise<CarFileSource> {
  const file = await openRandomAccessFile(path)
  const close = async (): Promise<void> => { await file.close(); await cleanup() }
  try {
    const index = await indexCar(file)
    if (index.roots.length > 1) throw new InvalidCarError(`has ${index.roots.length} roots; a manifest CAR has one (or none, its root then being its last block)`)
    const root = index.roots[0] ?? index.last
    if (root === undefined) throw new TruncatedCarError('has no roots and no blocks: it is empty or truncated', { offset: file.size })
    if (!index.blocks.has(root.toString())) throw new TruncatedCarError(`does not hold its root block ${root}, which is written last: it is truncated`, { offset: file.size })
    return {
      root,
      rootless: index.roots.length === 0,
      has: (cid: CID) => index.blocks.has(cid.toString()),
      async get (cid: CID) {
        const at = index.blocks.get(cid.toString())
        if (at === undefined) throw new BlockNotFoundError(`block ${cid} is not in ${name}`, { cid: cid.toString() })
        return await file.read(at.offset, at.length)
      },
      close
    }
  } catch (err) {
    await close()
    // The framing's errors do not know the file: name it.
    if (err instanceof InvalidCarError || err instanceof TruncatedCarError) err.message = `${name}: ${err.message}`
    throw typedFsError(err)
  }
}

export interface CarFileSink extends BlockSink {
  /** Ends the CAR; `root` must be the last block put (the manifest's, or the view's). */
  finish(root: CID): Promise<void>
  /** Gives up after a failure: a CAR file is removed (never left half written); a stream just stops. */
  abort(): Promise<void>
}

/**
 * A CAR written to `path`, whole or not at all: into a temporary file beside it (see atomic-file.ts), whose
 * header's root is patched at the end before it is renamed onto `path`.
 */
export async function createCarFile (path: string): Promise<CarFileSink> {
  const placeholder = CID.createV1(dagCbor.code, await sha256.digest(new Uint8Array(0)))
  const temp = tempPathBeside(path)
  // Opened first, so that a path that cannot be written fails here, typed, and not as an 'error' event.
  let handle
  try {
    handle = await open(temp, 'wx', 0o666)
  } catch (err) {
    throw typedFsError(err)
  }
  const writeStream = handle.createWriteStream()
  const car = carWriter([placeholder], async out => { await pipeline(out, writeStream) })
  return {
    put: car.put,
    async finish (root: CID) {
      try {
        await car.close()
        const fd = await open(temp, 'r+')
        try {
          await CarWriter.updateRootsInFile(fd, [root])
          await fd.sync()
        } finally {
          await fd.close()
        }
        await rename(temp, path)
      } catch (err) {
        await rm(temp, { force: true })
        throw typedFsError(err)
      }
    },
    async abort () {
      writeStream.destroy()
      await rm(temp, { force: true })
    }
  }
}

/**
 * A roots-less CAR streamed to `consume` (stdout, a pipe), the root being the last block. `finish(root)`
 * checks that it is.
 */
export function createCarStream (consume: (bytes: AsyncIterable<Uint8Array>) => Promise<void>): CarFileSink {
  const car = carWriter([], consume)
  return {
    put: car.put,
    async finish (root: CID) {
      if (car.last()?.equals(root) !== true) throw new InvalidArgumentError(`the root ${root} must be the last block of a streamed CAR`)
      await car.close()
    },
    // What was streamed cannot be taken back; the reader sees a CAR without its root, i.e. truncated.
    abort: async () => {}
  }
}

/** A roots-less CAR streamed into the pipe, FIFO or device at `path` (see createCarStream). */
export function createCarStreamAt (path: string): CarFileSink {
  return createCarStream(async out => { await pipeline(out, createWriteStream(path)) })
}

/** A CarWriter whose output `consume` reads; each block is written once, and a failed write fails the next put. */
function carWriter (roots: CID[], consume: (bytes: AsyncIterable<Uint8Array>) => Promise<void>): { put: (cid: CID, bytes: Uint8Array) => Promise<void>, close: () => Promise<void>, last: () => CID | undefined } {
  const { writer, out } = CarWriter.create(roots)
  const piping = consume(out)
  // A failed write (ENOSPC, EPIPE, …) ends the consumer; the writer would then wait for a reader forever.
  const failed = piping.then(() => new Promise<never>(() => {}), (err: unknown) => { throw typedFsError(err) })
  failed.catch(() => {})
  const written = new Set<string>()
  let last: CID | undefined
  return {
    async put (cid: CID, bytes: Uint8Array) {
      const key = cid.toString()
      if (written.has(key)) return
      written.add(key)
      last = cid
      await Promise.race([writer.put({ cid, bytes }), failed])
    },
    async close () {
      await Promise.race([writer.close(), failed])
      await piping.catch((err: unknown) => { throw typedFsError(err) })
    },
    last: () => last
  }
}
