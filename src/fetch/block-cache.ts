/**
 * The blockstore a fetching helia node keeps its blocks in: the most recently used ones, up to a byte
 * budget. helia puts every block it retrieves into its blockstore before handing it over (its default is
 * a MemoryBlockstore that keeps them all, so a fetch would hold the whole archive in memory); this one
 * forgets the least recently used blocks instead, which bounds memory while keeping the blocks read over
 * and over (manifest, entry pages, directories) at hand. One cache may serve several helia nodes (one per
 * gateway): blocks are content-addressed and were verified on the way in, so it does not matter which
 * gateway gave them.
 */
import type { HeliaHTTPInit } from '@helia/http'
import { base64 } from 'multiformats/bases/base64'
import type { CID } from 'multiformats/cid'
import { joinBytes } from '../bytes-concat.js'
import { BlockNotFoundError } from '../errors.js'

type HeliaBlockstore = HeliaHTTPInit['blockstore']
interface Pair { cid: CID, bytes: AsyncGenerator<Uint8Array> }
type Bytes = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>

/** Default budget: a few of the largest blocks (1 MiB) plus the small ones read repeatedly. */
export const DEFAULT_CACHE_BYTES = 16 * 1024 * 1024

export class BlockCache implements HeliaBlockstore {
  /** Insertion order is recency order: a read moves the entry to the end, eviction takes from the front. */
  readonly #blocks = new Map<string, { cid: CID, bytes: Uint8Array }>()
  readonly #budget: number
  #bytes = 0

  constructor (budget = DEFAULT_CACHE_BYTES) {
    this.#budget = budget
  }

  /** Bytes of the blocks held now (at most the budget, or one block when a single block is larger). */
  get bytes (): number { return this.#bytes }

  has (cid: CID): boolean {
    return this.#touch(cid) !== undefined
  }

  async put (cid: CID, bytes: Bytes): Promise<CID> {
    const block = bytes instanceof Uint8Array ? bytes : await join(bytes)
    this.delete(cid)
    this.#blocks.set(keyOf(cid), { cid, bytes: block })
    this.#bytes += block.length
    // Evict the oldest until within budget, but never the block just stored.
    for (const [key, entry] of this.#blocks) {
      if (this.#bytes <= this.#budget || entry.bytes === block) break
      this.#blocks.delete(key)
      this.#bytes -= entry.bytes.length
    }
    return cid
  }

  async * get (cid: CID): AsyncGenerator<Uint8Array> {
    const entry = this.#touch(cid)
    if (entry === undefined) throw new BlockNotFoundError(`block ${cid} is not in the cache`, { cid: cid.toString() })
    yield entry.bytes
  }

  delete (cid: CID): void {
    const key = keyOf(cid)
    const entry = this.#blocks.get(key)
    if (entry === undefined) return
    this.#blocks.delete(key)
    this.#bytes -= entry.bytes.length
  }

  async * putMany (source: Iterable<{ cid: CID, bytes: Bytes }> | AsyncIterable<{ cid: CID, bytes: Bytes }>): AsyncGenerator<CID> {
    for await (const { cid, bytes } of source) yield await this.put(cid, bytes)
  }

  async * getMany (source: Iterable<CID> | AsyncIterable<CID>): AsyncGenerator<Pair> {
    for await (const cid of source) yield { cid, bytes: this.get(cid) }
  }

  async * deleteMany (source: Iterable<CID> | AsyncIterable<CID>): AsyncGenerator<CID> {
    for await (const cid of source) { this.delete(cid); yield cid }
  }

  async * getAll (): AsyncGenerator<Pair> {
    for (const { cid, bytes } of [...this.#blocks.values()]) yield { cid, bytes: (async function * () { yield bytes })() }
  }

  #touch (cid: CID): { cid: CID, bytes: Uint8Array } | undefined {
    const key = keyOf(cid)
    const entry = this.#blocks.get(key)
    if (entry === undefined) return undefined
    this.#blocks.delete(key)
    this.#blocks.set(key, entry)
    return entry
  }
}

/** Blocks are keyed by multihash, as helia's stores do: a CIDv0 and a CIDv1 of the same bytes are one block. */
function keyOf (cid: CID): string {
  return base64.baseEncode(cid.multihash.bytes)
}

async function join (parts: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const part of parts) chunks.push(part)
  return joinBytes(chunks)
}
