/**
 * Where blocks go and where they come from. The shapes are the structural minimum of interface-blockstore
 * (`put(cid, bytes)`, `get(cid)`), so a helia node's blockstore, blockstore-core's MemoryBlockstore or a
 * plain Map-backed object all work. Every block read is re-hashed against its CID before it is used.
 */
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { ArchiveManifestError, BlockHashMismatchError, BlockNotFoundError, UnsupportedCidError } from './errors.js'

export interface BlockSink {
  put(cid: CID, bytes: Uint8Array): unknown
}

/** interface-blockstore 7 returns a (async) generator of chunks; older stores return bytes or a promise. */
export type GetResult = Uint8Array | Promise<Uint8Array> | Iterable<Uint8Array> | AsyncIterable<Uint8Array>

export interface BlockSource {
  get(cid: CID): GetResult
}

export type Blockstore = BlockSink & BlockSource

/** A sink that keeps nothing: for computing CIDs and manifests without storing blocks. */
export const discardBlocks: BlockSink = Object.freeze({ put () {} })

/** Awaits a put only when the store returns a promise, so synchronous stores cost no extra tick. */
export async function putBlock (sink: BlockSink, cid: CID, bytes: Uint8Array): Promise<void> {
  const result = sink.put(cid, bytes)
  if (result != null && typeof (result as Promise<unknown>).then === 'function') await result
}

/**
 * Reads a block and checks that its bytes hash to its CID (only sha2-256 CIDs are read). A source's own
 * typed error (a nested getBlock's hash mismatch, a CAR file that changed, a gateway that is unreachable)
 * says why better than "not in the blockstore" and is passed on; any other failure of `get` is that.
 */
export async function getBlock (source: BlockSource, cid: CID): Promise<Uint8Array> {
  if (cid.multihash.code !== sha256.code) {
    throw new UnsupportedCidError(`CID ${cid} uses multihash 0x${cid.multihash.code.toString(16)}; only sha2-256 is read`)
  }
  let bytes: Uint8Array
  try {
    bytes = await collect(source.get(cid))
  } catch (err) {
    if (err instanceof ArchiveManifestError) throw err
    throw new BlockNotFoundError(`block ${cid} is not in the blockstore`, { cid: cid.toString() }, { cause: err })
  }
  const digest = await sha256.digest(bytes)
  if (!equalBytes(digest.digest, cid.multihash.digest)) {
    throw new BlockHashMismatchError(`block ${cid} does not hash to its CID`, { cid: cid.toString() })
  }
  return bytes
}

async function collect (result: GetResult): Promise<Uint8Array> {
  const value = await result
  if (value instanceof Uint8Array) return value
  const parts: Uint8Array[] = []
  let length = 0
  for await (const part of value as AsyncIterable<Uint8Array>) { parts.push(part); length += part.length }
  if (parts.length === 1) return parts[0] as Uint8Array
  const out = new Uint8Array(length)
  let at = 0
  for (const part of parts) { out.set(part, at); at += part.length }
  return out
}

export function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** A small in-memory blockstore (a Map keyed by the CID string) for tests, examples and the CLI. */
export class MemoryBlocks implements Blockstore {
  readonly #blocks = new Map<string, Uint8Array>()
  put (cid: CID, bytes: Uint8Array): void { this.#blocks.set(cid.toString(), bytes) }
  get (cid: CID): Uint8Array {
    const bytes = this.#blocks.get(cid.toString())
    if (bytes === undefined) throw new BlockNotFoundError(`block ${cid} is not in the blockstore`, { cid: cid.toString() })
    return bytes
  }
  has (cid: CID): boolean { return this.#blocks.has(cid.toString()) }
  get size (): number { return this.#blocks.size }
  * entries (): Generator<[CID, Uint8Array]> {
    for (const [key, bytes] of this.#blocks) yield [CID.parse(key), bytes]
  }
}
