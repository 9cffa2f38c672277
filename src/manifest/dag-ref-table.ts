/**
 * DagRefs (a CID, the DAG's total size and the file size) by index, kept compactly: an archive has a
 * content DAG per file, and as an object a CID holds three typed arrays (some 500 bytes), where its bytes
 * are 34 or 36. `get` makes the DagRef again, viewing the table's bytes.
 */
import { CID } from 'multiformats/cid'
import { Digest } from 'multiformats/hashes/digest'
import type { DagRef } from '../unixfs/dag-ref.js'
import { ByteArena } from '../byte-arena.js'

/** sha2-256's multihash code and digest length: every CID this library makes (`12 20` + 32 bytes). */
const SHA2_256 = 0x12
const SHA2_256_BYTES = 32

export class DagRefTable {
  readonly #cids = new ByteArena()
  readonly #dagSizes: number[] = []
  readonly #fileSizes: number[] = []

  /** Keeps `ref`; returns its index. */
  add (ref: DagRef): number {
    this.#dagSizes.push(ref.dagSize)
    this.#fileSizes.push(ref.fileSize)
    return this.#cids.add(ref.cid.bytes)
  }

  get (index: number): DagRef {
    return { cid: cidOfBytes(this.#cids.get(index)), dagSize: this.#dagSizes[index] as number, fileSize: this.#fileSizes[index] as number }
  }

  fileSize (index: number): number {
    return this.#fileSizes[index] as number
  }
}

/**
 * The CID whose bytes `bytes` are. A tree's build asks for every file's (#16): CID.decode reads its varints
 * through a view per field, several times the cost of naming the parts of the two layouts kept here (a
 * CIDv0, or a CIDv1 of a one-byte codec, over sha2-256); any other CID goes through CID.decode.
 */
function cidOfBytes (bytes: Uint8Array): CID {
  const digestAt = bytes.length - SHA2_256_BYTES
  const multihashAt = digestAt - 2
  const v0 = multihashAt === 0
  const v1 = multihashAt === 2 && bytes[0] === 1 && (bytes[1] as number) < 0x80
  if ((!v0 && !v1) || bytes[multihashAt] !== SHA2_256 || bytes[multihashAt + 1] !== SHA2_256_BYTES) return CID.decode(bytes)
  const multihash = new Digest(SHA2_256, SHA2_256_BYTES, bytes.subarray(digestAt), bytes.subarray(multihashAt))
  return v0 ? new CID(0, 0x70, multihash, bytes) : new CID(1, bytes[1] as number, multihash, bytes)
}
