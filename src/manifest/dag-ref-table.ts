/**
 * DagRefs (a CID, the DAG's total size and the file size) by index, kept compactly: an archive has a
 * content DAG per file, and as an object a CID holds three typed arrays (some 500 bytes), where its bytes
 * are 34 or 36. `get` makes the DagRef again, viewing the table's bytes.
 */
import type { DagRef } from '../unixfs/dag-ref.js'
import { ByteArena } from '../byte-arena.js'
import { cidOfBytes } from '../digest/cid-layout.js'

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
