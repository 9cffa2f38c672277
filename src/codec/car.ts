/**
 * CAR export and import of a whole manifest (one root: the manifest block). The export order is a
 * depth-first walk from the manifest, each block once, so the same manifest always gives the same CAR.
 */
import { CarBlockIterator, CarWriter } from '@ipld/car'
import type { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { equalBytes, getBlock, putBlock, type BlockSink, type BlockSource } from '../blocks.js'
import { BlockHashMismatchError, InvalidCarError, UnsupportedCidError } from '../errors.js'
import { toChunks, type ByteSource } from '../source.js'
import { linksOf } from './links.js'

/** A block and its CID. */
export interface Block { cid: CID, bytes: Uint8Array }

/**
 * Every block reachable from `root`, each once, depth first in link order (verified as read). `follow`
 * chooses which links of a block the walk takes (all of them by default).
 */
export async function * walkBlocks (root: CID, source: BlockSource, follow: (cid: CID, bytes: Uint8Array) => Iterable<CID> = linksOf): AsyncGenerator<Block> {
  const seen = new Set<string>()
  const stack: CID[] = [root]
  while (stack.length > 0) {
    const cid = stack.pop() as CID
    const key = cid.toString()
    if (seen.has(key)) continue
    seen.add(key)
    const bytes = await getBlock(source, cid)
    yield { cid, bytes }
    stack.push(...[...follow(cid, bytes)].reverse())
  }
}

/** A CARv1 of every block of the manifest `root`, as a stream of bytes. */
export function exportCar (root: CID, source: BlockSource): AsyncIterable<Uint8Array> {
  return writeCar([root], walkBlocks(root, source))
}

/**
 * A CARv1 with header `roots` and `blocks` in their order, as a stream of bytes; an error of `blocks`
 * ends the stream with that error after the blocks before it.
 */
export function writeCar (roots: CID[], blocks: AsyncIterable<Block>): AsyncIterable<Uint8Array> {
  const { writer, out } = CarWriter.create(roots)
  let failed: unknown
  void (async () => {
    try {
      for await (const block of blocks) await writer.put(block)
      await writer.close()
    } catch (err) {
      // Surfaces on the reading side once the output ends; set before closing, or the reader could end first and miss it.
      failed = err
      await writer.close().catch(() => {})
    }
  })()
  return (async function * () {
    for await (const chunk of out) yield chunk
    if (failed !== undefined) throw failed
  })()
}

/** Reads a CAR with exactly one root into `sink`, checking every block's hash; returns the root. */
export async function importCar (car: ByteSource, sink: BlockSink): Promise<CID> {
  let blocks: CarBlockIterator
  try {
    blocks = await CarBlockIterator.fromIterable(toChunks(car))
  } catch (err) {
    throw new InvalidCarError(`not a CAR: ${(err as Error).message}`, {}, { cause: err })
  }
  const roots = await blocks.getRoots()
  if (roots.length !== 1) throw new InvalidCarError(`CAR has ${roots.length} roots; a manifest CAR has exactly one`)
  for await (const { cid, bytes } of blocks) {
    if (cid.multihash.code !== sha256.code) throw new UnsupportedCidError(`CAR block ${cid} is not sha2-256`)
    if (!equalBytes((await sha256.digest(bytes)).digest, cid.multihash.digest)) {
      throw new BlockHashMismatchError(`CAR block ${cid} does not hash to its CID`, { cid: cid.toString() })
    }
    await putBlock(sink, cid, bytes)
  }
  return roots[0] as CID
}
