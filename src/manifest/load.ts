/** Reading a manifest back from blocks: the root block, then the entry pages in order. */
import type { CID } from 'multiformats/cid'
import * as dagCbor from '@ipld/dag-cbor'
import { getBlock, type BlockSource } from '../blocks.js'
import { decodeEntryPage, decodeManifest } from '../codec/manifest-codec.js'
import { InvalidManifestError } from '../errors.js'
import type { AnyEntry, Entry, EntryRecord, Manifest, ZipEntry, ZipEntryRecord } from '../schema/types.js'
import { TarEntryReader, type TarEntry } from './entries.js'
import { ZipEntryReader, type ZipEntryItem } from './zip-entries.js'

export async function loadManifest (cid: CID, source: BlockSource): Promise<Manifest> {
  if (cid.code !== dagCbor.code) throw new InvalidManifestError(`${cid} is not a dag-cbor CID, so it is not a manifest`)
  return decodeManifest(await getBlock(source, cid))
}

/**
 * The entries in archive order, one page in memory at a time; checks the count the root records. A tar's
 * records are decoded into `Entry` values, a zip's records into `ZipEntry` values (`manifest.archive.format`
 * says which; see loadTarEntries and loadZipEntries for the typed forms).
 */
export async function * loadEntries (manifest: Manifest, source: BlockSource): AsyncGenerator<AnyEntry> {
  if (manifest.archive.format === 'zip') yield * loadZipEntries(manifest, source)
  else yield * loadTarEntries(manifest, source)
}

/** A tar manifest's entries (a zip manifest is an InvalidManifestError here). */
export async function * loadTarEntries (manifest: Manifest, source: BlockSource): AsyncGenerator<Entry> {
  if (manifest.archive.format === 'zip') throw new InvalidManifestError('this is a zip manifest: its entries are ZipEntry values')
  const reader = new TarEntryReader()
  for await (const record of pageItems(manifest, source)) yield reader.readEntry(record as EntryRecord)
}

/** A tar manifest's entries with their fields and regenerated header bytes, for restoring and materializing. */
export async function * loadTarRecords (manifest: Manifest, source: BlockSource): AsyncGenerator<TarEntry> {
  if (manifest.archive.format === 'zip') throw new InvalidManifestError('this is a zip manifest: its entries are ZipEntry values')
  const reader = new TarEntryReader()
  for await (const record of pageItems(manifest, source)) yield reader.read(record as EntryRecord)
}

/** A zip manifest's entries, decoded from their records (§18.2). */
export async function * loadZipEntries (manifest: Manifest, source: BlockSource): AsyncGenerator<ZipEntry> {
  for await (const item of loadZipItems(manifest, source)) yield item.entry
}

/** A zip manifest's entries with their fields, for restoring. */
export async function * loadZipItems (manifest: Manifest, source: BlockSource): AsyncGenerator<ZipEntryItem> {
  if (manifest.archive.format !== 'zip') throw new InvalidManifestError('this is not a zip manifest')
  const reader = new ZipEntryReader(manifest.zip?.shift ?? 0)
  for await (const record of pageItems(manifest, source)) yield reader.read(record as ZipEntryRecord)
}

async function * pageItems (manifest: Manifest, source: BlockSource): AsyncGenerator<EntryRecord | ZipEntryRecord> {
  let count = 0
  for (const page of manifest.entries) {
    for (const item of decodeEntryPage(await getBlock(source, page), manifest.archive.format)) {
      count++
      yield item
    }
  }
  if (count !== manifest.entryCount) {
    throw new InvalidManifestError(`manifest records ${manifest.entryCount} entries but its pages hold ${count}`)
  }
}
