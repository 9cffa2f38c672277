/**
 * A zip manifest's entries for rebuilding it, kept compactly: the rebuild needs them in file order (local
 * headers and data) and again in central directory order (central headers), and as objects they cost a
 * kilobyte or two each. A page's records are not decodable alone (each omits what the ones before it
 * imply: §18.2), so each is encoded again on its own, as if it were the first, into one arena, and any one
 * is decoded when needed. Where each entry's pieces are and how long they are is kept in columns, so that a
 * walk that skips an entry (RebuiltZipSource) does not decode it. Some 100 bytes an entry.
 */
import * as dagCbor from '@ipld/dag-cbor'
import { ByteArena } from '../byte-arena.js'
import type { BlockSource } from '../blocks.js'
import {
  ZipEntryRecordDecoder, ZipEntryRecordEncoder, centralHeaderLength, descriptorLength, localHeaderLength, type ZipEntryFields
} from '../codec/zip-entry-record.js'
import type { Manifest, ZipEntryRecord } from '../schema/types.js'
import { loadZipItems } from './load.js'

/** The lengths and offset of an entry's pieces (offsets as written, before the shift). */
export interface ZipItemLayout {
  localHeaderOffset: number
  localHeaderLength: number
  compressedSize: number
  descriptorLength: number
  centralHeaderLength: number
}

type Columns = { [K in keyof ZipItemLayout]: Float64Array }

/** A zip manifest's entries, compact (see the module comment); `ZipItems.load` reads them from the pages. */
export class ZipItems {
  readonly #records: ByteArena
  readonly #columns: Columns
  /** Entry indices by local header offset (then index): the order of their bytes in the file. */
  readonly fileOrder: Uint32Array

  private constructor (records: ByteArena, columns: Columns) {
    this.#records = records
    this.#columns = columns
    const lho = columns.localHeaderOffset
    this.fileOrder = new Uint32Array(lho.length).map((_, i) => i).sort((a, b) => (lho[a] as number) - (lho[b] as number) || a - b)
  }

  /** Reads the manifest's entry pages (checking them as loadZipItems does). */
  static async load (manifest: Manifest, source: BlockSource): Promise<ZipItems> {
    const records = new ByteArena()
    const columns: { [K in keyof ZipItemLayout]: number[] } = {
      localHeaderOffset: [], localHeaderLength: [], compressedSize: [], descriptorLength: [], centralHeaderLength: []
    }
    for await (const { fields: f } of loadZipItems(manifest, source)) {
      records.add(dagCbor.encode(new ZipEntryRecordEncoder().encode(f)))
      columns.localHeaderOffset.push(f.localHeaderOffset)
      columns.localHeaderLength.push(localHeaderLength(f))
      columns.compressedSize.push(f.compressedSize)
      columns.descriptorLength.push(descriptorLength(f))
      columns.centralHeaderLength.push(centralHeaderLength(f))
    }
    return new ZipItems(records, {
      localHeaderOffset: Float64Array.from(columns.localHeaderOffset),
      localHeaderLength: Float64Array.from(columns.localHeaderLength),
      compressedSize: Float64Array.from(columns.compressedSize),
      descriptorLength: Float64Array.from(columns.descriptorLength),
      centralHeaderLength: Float64Array.from(columns.centralHeaderLength)
    })
  }

  get count (): number { return this.#records.length }

  /** Entry `index`'s fields (central directory order; offsets as written, before the shift). */
  fields (index: number): ZipEntryFields {
    return new ZipEntryRecordDecoder().decode(dagCbor.decode<ZipEntryRecord>(this.#records.get(index)))
  }

  /** Where entry `index`'s pieces are and how long, without decoding it. */
  layout (index: number): ZipItemLayout {
    const c = this.#columns
    return {
      localHeaderOffset: c.localHeaderOffset[index] as number,
      localHeaderLength: c.localHeaderLength[index] as number,
      compressedSize: c.compressedSize[index] as number,
      descriptorLength: c.descriptorLength[index] as number,
      centralHeaderLength: c.centralHeaderLength[index] as number
    }
  }
}
