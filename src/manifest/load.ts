/** Reading a manifest back from blocks: the root block, then the entry pages in order. */
import type { CID } from 'multiformats/cid'
import * as dagCbor from '@ipld/dag-cbor'
import { getBlock, type BlockSource } from '../blocks.js'
import { decodeEntryPage, decodeManifest } from '../codec/manifest-codec.js'
import { InvalidManifestError } from '../errors.js'
import type { AnyEntry, Entry, Manifest, ZipEntry } from '../schema/types.js'

export async function loadManifest (cid: CID, source: BlockSource): Promise<Manifest> {
  if (cid.code !== dagCbor.code) throw new InvalidManifestError(`${cid} is not a dag-cbor CID, so it is not a manifest`)
  return decodeManifest(await getBlock(source, cid))
}

/**
 * The entries in archive order, one page in memory at a time; checks the count the root records. A tar's
 * pages hold `Entry` values, a zip's `ZipEntry` values (`manifest.archive.format` says which; see
 * loadTarEntries and loadZipEntries for the typed forms).
 */
export async function * loadEntries (manifest: Manifest, source: BlockSource): AsyncGenerator<AnyEntry> {
  let count = 0
  for (const page of manifest.entries) {
    for (const entry of decodeEntryPage(await getBlock(source, page), manifest.archive.format)) {
      count++
      yield entry
    }
  }
  if (count !== manifest.entryCount) {
    throw new InvalidManifestError(`manifest records ${manifest.entryCount} entries but its pages hold ${count}`)
  }
}

/** A tar manifest's entries (a zip manifest is an InvalidManifestError here). */
export async function * loadTarEntries (manifest: Manifest, source: BlockSource): AsyncGenerator<Entry> {
  if (manifest.archive.format === 'zip') throw new InvalidManifestError('this is a zip manifest: its entries are ZipEntry values')
  yield * loadEntries(manifest, source) as AsyncGenerator<Entry>
}

/** A zip manifest's entries. */
export async function * loadZipEntries (manifest: Manifest, source: BlockSource): AsyncGenerator<ZipEntry> {
  if (manifest.archive.format !== 'zip') throw new InvalidManifestError('this is not a zip manifest')
  yield * loadEntries(manifest, source) as AsyncGenerator<ZipEntry>
}
