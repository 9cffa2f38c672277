/** Reading a manifest back from blocks: the root block, then the entry pages in order. */
import type { CID } from 'multiformats/cid'
import * as dagCbor from '@ipld/dag-cbor'
import { getBlock, type BlockSource } from '../blocks.js'
import { decodeEntryPage, decodeManifest } from '../codec/manifest-codec.js'
import { InvalidManifestError } from '../errors.js'
import type { Entry, Manifest } from '../schema/types.js'

export async function loadManifest (cid: CID, source: BlockSource): Promise<Manifest> {
  if (cid.code !== dagCbor.code) throw new InvalidManifestError(`${cid} is not a dag-cbor CID, so it is not a manifest`)
  return decodeManifest(await getBlock(source, cid))
}

/** The entries in archive order, one page in memory at a time; checks the count the root records. */
export async function * loadEntries (manifest: Manifest, source: BlockSource): AsyncGenerator<Entry> {
  let count = 0
  for (const page of manifest.entries) {
    for (const entry of decodeEntryPage(await getBlock(source, page))) {
      count++
      yield entry
    }
  }
  if (count !== manifest.entryCount) {
    throw new InvalidManifestError(`manifest records ${manifest.entryCount} entries but its pages hold ${count}`)
  }
}
