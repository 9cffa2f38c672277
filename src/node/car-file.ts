/**
 * Blocks in CAR files on disk. Reading uses @ipld/car's indexed reader, which keeps only an index in memory
 * and reads each block from the file when asked; writing streams blocks as the manifest is built (each
 * once, in the order they are made) and writes the root into the header at the end, which works because a
 * manifest root CID (CIDv1, dag-cbor, sha2-256) always has the same length as the placeholder.
 */
import { CarWriter } from '@ipld/car/writer'
import { CarIndexedReader } from '@ipld/car/indexed-reader'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { open } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import type { BlockSink, BlockSource } from '../blocks.js'
import { BlockNotFoundError, InvalidCarError } from '../errors.js'
import { typedFsError } from './fs-errors.js'

export interface CarFileSource extends BlockSource { root: CID, close(): Promise<void> }

export async function openCarFile (path: string): Promise<CarFileSource> {
  let reader: CarIndexedReader
  try {
    reader = await CarIndexedReader.fromFile(path)
  } catch (err) {
    throw new InvalidCarError(`${path} is not a readable CAR: ${(err as Error).message}`, {}, { cause: err })
  }
  const roots = await reader.getRoots()
  if (roots.length !== 1) throw new InvalidCarError(`${path} has ${roots.length} roots; a manifest CAR has exactly one`)
  return {
    root: roots[0] as CID,
    async get (cid: CID) {
      const block = await reader.get(cid)
      if (block === undefined) throw new BlockNotFoundError(`block ${cid} is not in ${path}`, { cid: cid.toString() })
      return block.bytes
    },
    close: async () => { await reader.close() }
  }
}

export interface CarFileSink extends BlockSink { finish(root: CID): Promise<void> }

export async function createCarFile (path: string): Promise<CarFileSink> {
  const placeholder = CID.createV1(dagCbor.code, await sha256.digest(new Uint8Array(0)))
  const { writer, out } = CarWriter.create([placeholder])
  // Opened first, so that a path that cannot be written fails here, typed, and not as an 'error' event.
  let handle
  try {
    handle = await open(path, 'w')
  } catch (err) {
    throw typedFsError(err)
  }
  const piping = pipeline(out, handle.createWriteStream())
  // A failed write (ENOSPC, …) ends the pipeline; the writer would then wait for a reader forever.
  const failed = piping.then(() => new Promise<never>(() => {}), (err: unknown) => { throw typedFsError(err) })
  failed.catch(() => {})
  const written = new Set<string>()
  return {
    async put (cid: CID, bytes: Uint8Array) {
      const key = cid.toString()
      if (written.has(key)) return
      written.add(key)
      await Promise.race([writer.put({ cid, bytes }), failed])
    },
    async finish (root: CID) {
      await Promise.race([writer.close(), failed])
      await piping.catch((err: unknown) => { throw typedFsError(err) })
      const fd = await open(path, 'r+')
      try {
        await CarWriter.updateRootsInFile(fd, [root])
      } finally {
        await fd.close()
      }
    }
  }
}
