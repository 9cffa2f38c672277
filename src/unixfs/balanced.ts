/**
 * The balanced layout of ipfs-unixfs-importer (layout/balanced.js with the reducer of dag-builder/file.js),
 * built as children arrive instead of after all of them: children are grouped in runs of at most
 * `profile.fileWidth`, every run (even a final run of one) gets a parent, and the parents are grouped the
 * same way until one node remains. Only the unfinished run of each level is kept: O(width × depth) memory.
 */
import type { BlockSink } from '../blocks.js'
import { InternalSizeMismatchError, InvalidArgumentError } from '../errors.js'
import { putDagPb, type DagRef } from './dag-ref.js'
import { putLeaf } from './leaf.js'
import { andThen, type MaybePromise } from './maybe-async.js'
import type { Profile } from './profile.js'
import { encodeUnixFSData } from './unixfs-data.js'

/**
 * Streaming balanced-layout builder over arbitrary children: chunk leaves, other files' roots, or a mix
 * (a File node may link any UnixFS file sub-DAG, see NOTES §2).
 *
 * - A single child overall is the result itself (the importer's `reduceSingleLeafToSelf`).
 * - No children gives the profile's empty leaf (the importer's one empty chunk).
 * - Children with `fileSize` 0 add no bytes and are left out, as the importer's reducer filters them;
 *   they are dropped on arrival, so they do not take a place in a run either.
 */
export class BalancedFileBuilder {
  readonly #profile: Profile
  readonly #sink: BlockSink
  /** `#levels[i]`: the unfinished run of nodes at height i (0: the children given to `add`). */
  readonly #levels: DagRef[][] = [[]]
  #finished = false

  constructor (profile: Profile, sink: BlockSink) {
    this.#profile = profile
    this.#sink = sink
  }

  /** Appends the next child, in content order. Await each call before the next (a promise only when a parent's store waits). */
  add (child: DagRef): MaybePromise<void> {
    this.#assertOpen()
    if (child.fileSize === 0) return
    return this.#push(0, child)
  }

  /** Builds the remaining parents and returns the root. The builder cannot be used afterwards. */
  async finish (): Promise<DagRef> {
    this.#assertOpen()
    this.#finished = true
    const levels = this.#levels
    for (let height = 0; ; height++) {
      const run = levels[height] as DagRef[]
      const isTop = height === levels.length - 1
      if (isTop) {
        if (run.length === 0) return await putLeaf(new Uint8Array(0), this.#profile, this.#sink)
        if (run.length === 1) return run[0] as DagRef
        return await this.#parent(run)
      }
      // Not the top: the runs above exist, so even a run of one gets a parent (balanced.js batches it).
      if (run.length > 0) await this.#push(height + 1, await this.#parent(run.splice(0)))
    }
  }

  #push (height: number, node: DagRef): MaybePromise<void> {
    const run = this.#levels[height] as DagRef[]
    run.push(node)
    if (run.length < this.#profile.fileWidth) return
    if (this.#levels.length === height + 1) this.#levels.push([])
    return andThen(this.#parent(run.splice(0)), parent => this.#push(height + 1, parent))
  }

  /** A UnixFS File node over `children` (dag-builder/file.js): blocksizes and links in content order. */
  #parent (children: readonly DagRef[]): MaybePromise<DagRef> {
    let fileSize = 0
    let dagSize = 0
    const blockSizes: number[] = []
    // The empty Name is encoded (`12 00`) like every existing file node; Tsize is the child's whole sub-DAG.
    const links = children.map(child => {
      fileSize += child.fileSize
      dagSize += child.dagSize
      blockSizes.push(child.fileSize)
      return { Hash: child.cid, Name: '', Tsize: child.dagSize }
    })
    const data = encodeUnixFSData({ type: 'file', blockSizes })
    const checked = fileSize > MAX_INT32 ? assertReadsBack(data, blockSizes) : undefined
    return andThen(checked, () => andThen(putDagPb({ Data: data, Links: links }, this.#profile, this.#sink), ({ cid, blockSize }) => ({ cid, fileSize, dagSize: dagSize + blockSize })))
  }

  #assertOpen (): void {
    if (this.#finished) throw new InvalidArgumentError('BalancedFileBuilder: already finished')
  }
}

/** The largest size every UnixFS writer and reader agrees on (protons-runtime's LongBits broke from 2^31). */
const MAX_INT32 = 2 ** 31 - 1

/**
 * Reads a File node's Data back with the reader restores use (ipfs-unixfs) and checks the blocksizes it
 * gives. Sizes are the numbers an encoder bug gets wrong (protons-runtime wrote [2^31, 2^32) as zeros), and
 * a wrong one makes a DAG that does not restore. Only for nodes with a size past 2^31 - 1: below it the
 * bytes are ipfs-unixfs's own (test/unixfs/unixfs-data.test.ts), and ipfs-unixfs is a large module graph
 * that most descriptions then never load (#16, start-up).
 */
async function assertReadsBack (data: Uint8Array, blockSizes: readonly number[]): Promise<void> {
  const { UnixFS } = await import('ipfs-unixfs')
  const read = UnixFS.unmarshal(data).blockSizes
  if (read.length !== blockSizes.length || read.some((size, i) => size !== BigInt(blockSizes[i] as number))) {
    throw new InternalSizeMismatchError('a File node written here does not read back with the blocksizes it was given', {
      expected: blockSizes.join(','), actual: read.join(',')
    })
  }
}
