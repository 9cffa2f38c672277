/**
 * The entry list: one schema Entry per archive member, and its cutting into page blocks.
 */
import type { BlockSink } from '../blocks.js'
import { putBlock } from '../blocks.js'
import type { TarMember } from '../archive/tar/reader.js'
import { encodeEntry, encodeEntryPage, isZipEntry } from '../codec/manifest-codec.js'
import type { AnyEntry, Entry } from '../schema/types.js'
import type { CID } from 'multiformats/cid'
import { displayName, nameFromBytes } from './names.js'
import { LimitExceededError } from '../errors.js'
import { MAX_BLOCK_BYTES } from '../limits.js'

/** A page closes before the entry that would take its entries' encodings past this many bytes. */
export const ENTRY_PAGE_BYTES = 262144

/** The schema Entry for a member, before the tree decides `content` and `excluded`. */
export function entryFromMember (member: TarMember): Entry {
  const entry: Entry = {
    path: nameFromBytes(member.path),
    type: member.type,
    typeflag: member.typeflag,
    mode: member.mode,
    uid: member.uid,
    gid: member.gid,
    mtime: member.mtime,
    size: member.size,
    headerOffset: member.headerOffset,
    dataOffset: member.dataOffset,
    dataSize: member.dataSize
  }
  if (member.uname.length > 0) entry.uname = nameFromBytes(member.uname)
  if (member.gname.length > 0) entry.gname = nameFromBytes(member.gname)
  if (member.mtimeNanos !== undefined && member.mtimeNanos !== 0) entry.mtimeNanos = member.mtimeNanos
  if (member.linkTarget !== undefined) entry.linkTarget = nameFromBytes(member.linkTarget)
  if (member.devMajor !== undefined) entry.devMajor = member.devMajor
  if (member.devMinor !== undefined) entry.devMinor = member.devMinor
  // `path` and `linkpath` are the entry's path and linkTarget already; repeating them could double an
  // entry's size (a PAX path may be up to maxPaxHeaderBytes long).
  const own = member.type !== 'pax-global'
  const pax = member.pax?.filter(([key]) => !own || (key !== 'path' && key !== 'linkpath')) ?? []
  if (pax.length > 0) entry.pax = Object.fromEntries(pax.map(([key, value]) => [key, nameFromBytes(value)]))
  return entry
}

/** Encodes the entries into pages, stores each page block, and returns the page CIDs in order. */
export async function writeEntryPages (entries: readonly AnyEntry[], sink: BlockSink): Promise<CID[]> {
  const pages: CID[] = []
  let pending: Uint8Array[] = []
  let pendingBytes = 0
  const flush = async (): Promise<void> => {
    const block = await encodeEntryPage(pending)
    await putBlock(sink, block.cid, block.bytes)
    pages.push(block.cid)
    pending = []
    pendingBytes = 0
  }
  for (const entry of entries) {
    const bytes = encodeEntry(entry)
    if (bytes.length + 5 > MAX_BLOCK_BYTES) {
      throw new LimitExceededError(`entry encodes to ${bytes.length} bytes, more than one block may hold`,
        { limit: 'maxBlockBytes', max: MAX_BLOCK_BYTES, offset: isZipEntry(entry) ? entry.localHeaderOffset : entry.headerOffset, entry: displayName(entry.path) })
    }
    if (pending.length > 0 && pendingBytes + bytes.length > ENTRY_PAGE_BYTES) await flush()
    pending.push(bytes)
    pendingBytes += bytes.length
  }
  if (pending.length > 0) await flush()
  return pages
}
