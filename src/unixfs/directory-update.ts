/**
 * Adding or replacing entries of a stored UnixFS directory, giving the directory that buildDirectory would
 * build from the whole new set of entries (the same CID), while reading and writing only the nodes the
 * changed names pass through: a flat directory is one block and is rebuilt; in a HAMT only the shards on
 * the changed names' paths are rewritten (path copying). The old root's blocks are left as they are.
 *
 * A HAMT stays a HAMT while the profile's flat measure stays over its threshold: that measure only grows
 * when entries are added, and a replaced link rarely changes its own part of it (only a CID of another
 * length, or a Tsize whose varint is shorter); when the changes shrink it, the whole directory is listed
 * and built again, so the result is always exactly buildDirectory's.
 */
import type { PBLink } from '@ipld/dag-pb'
import type { CID } from 'multiformats/cid'
import { getBlock, putBlock, type BlockSink, type BlockSource } from '../blocks.js'
import { InvalidUnixFSError } from '../errors.js'
import type { NodeRef } from './dag-ref.js'
import { decodeUnixFS, directoryNode } from './directory-node.js'
import { buildDirectory, directoryEntry, hamtBits, hamtSlot, linkMeasure, putShardNode, slotLink, slotPrefix, type DirectoryLink, type Entry } from './directory.js'
import { readDirectoryLinks } from './file-reader.js'
import type { Profile } from './profile.js'

/** What an update reads from and writes to: blocks are read back (checked) and new ones put. */
export type DirectoryStore = BlockSource & BlockSink

/** The state of one update: new blocks (put only once the result is known) and the measure's change. */
interface Update {
  readonly profile: Profile
  readonly source: BlockSource
  readonly bits: number
  /** New blocks, in the order they were made. */
  readonly blocks: Array<{ cid: CID, bytes: Uint8Array }>
  /** Sum over changed links of (new part of the flat measure - old part). */
  delta: number
}

/**
 * The directory `root` with `changes` applied: each names an entry to add, or to point elsewhere when the
 * name is there already (a later change of the same name wins). Returns the new root (the same CID when
 * nothing changed, and then nothing is written). The result is byte for byte
 * `buildDirectory(entries of root + changes, profile)`: flat or sharded as the profile says.
 *
 * @example
 * ```ts
 * const next = await updateDirectory(dir.cid, [{ name: 'b.txt', ref: fileRef }], profiles['unixfs-v1-2025'], blocks)
 * ```
 */
export async function updateDirectory (root: CID, changes: readonly DirectoryLink[], profile: Profile, store: DirectoryStore): Promise<NodeRef> {
  const byName = new Map<string, Entry>()
  for (const change of changes) byName.set(change.name, directoryEntry(change))
  const entries = [...byName.values()]
  const block = await getBlock(store, root)
  const node = decodeUnixFS(root, block)
  const decoded = directoryNode(root, node.data, node.unixfs, node.links)
  if (decoded.type === 'directory') {
    if (entries.every(entry => node.links.some(link => link.Name === entry.name && sameLink(link, entry)))) return unchanged(root, block, node.links)
    return await buildDirectory(merge(node.links.map(link => linkEntry(link.Name ?? '', link)), entries), profile, store)
  }
  const update: Update = { profile, source: store, bits: hamtBits(profile), blocks: [], delta: 0 }
  const result = await updateShard(root, block, entries, 0, update)
  if (result === undefined) return unchanged(root, block, node.links)
  if (update.delta < 0) {
    // The flat measure shrank: whether the directory stays sharded depends on all its entries.
    const all: Entry[] = []
    for await (const { name, link } of readDirectoryLinks(root, store)) all.push(linkEntry(name, link))
    return await buildDirectory(merge(all, entries), profile, store)
  }
  for (const { cid, bytes } of update.blocks) await putBlock(store, cid, bytes)
  return result
}

/**
 * One shard at `depth` with `entries` (all of which land in it) applied; undefined when it does not change.
 * `block` is the shard's block, already read.
 */
async function updateShard (cid: CID, block: Uint8Array, entries: readonly Entry[], depth: number, update: Update): Promise<NodeRef | undefined> {
  const { profile } = update
  const node = decodeUnixFS(cid, block)
  const decoded = directoryNode(cid, node.data, node.unixfs, node.links)
  if (decoded.type !== 'shard' || decoded.fanout !== profile.hamtFanout) {
    throw new InvalidUnixFSError(`HAMT node ${cid} is not a shard of fanout ${profile.hamtFanout}`, { cid: cid.toString() })
  }
  const bySlot = new Map<number, PBLink>(node.links.map((link, row) => [decoded.slots[row] as number, link]))
  const groups = new Map<number, Entry[]>()
  for (const entry of entries) {
    const slot = hamtSlot(entry.nameBytes, depth, update.bits)
    const group = groups.get(slot)
    if (group === undefined) groups.set(slot, [entry])
    else group.push(entry)
  }
  const prefixLength = slotPrefix(0, profile.hamtFanout).length
  let changed = false
  for (const [slot, group] of groups) {
    const old = bySlot.get(slot)
    let link: PBLink | undefined
    if (old === undefined) {
      update.delta += measure(group, profile)
      link = await slotLink(slot, group, depth, profile, recorder(update))
    } else if ((old.Name ?? '').length === prefixLength) {
      const sub = await updateShard(old.Hash, await getBlock(update.source, old.Hash), group, depth + 1, update)
      if (sub !== undefined) link = { Hash: sub.cid, Name: old.Name, Tsize: sub.dagSize }
    } else {
      const present = linkEntry((old.Name ?? '').slice(prefixLength), old)
      const replaced = group.find(entry => entry.name === present.name)
      if (replaced !== undefined && group.length === 1 && sameLink(old, replaced)) continue
      update.delta += measure(group, profile) - (replaced === undefined ? 0 : linkMeasure(present, profile))
      link = await slotLink(slot, replaced === undefined ? [present, ...group] : group, depth, profile, recorder(update))
    }
    if (link === undefined) continue
    bySlot.set(slot, link)
    changed = true
  }
  return changed ? await putShardNode(bySlot, profile, recorder(update)) : undefined
}

/** A sink that keeps new blocks in the update until it is known that they are the result. */
function recorder (update: Update): BlockSink {
  return { put: (cid: CID, bytes: Uint8Array) => { update.blocks.push({ cid, bytes }) } }
}

/** The entries of `present` with `changes` added or put in place of the same names. */
function merge (present: readonly Entry[], changes: readonly Entry[]): DirectoryLink[] {
  const byName = new Map<string, DirectoryLink>()
  for (const entry of present) byName.set(entry.name, entry)
  for (const entry of changes) byName.set(entry.name, entry)
  return [...byName.values()]
}

function linkEntry (name: string, link: PBLink): Entry {
  return directoryEntry({ name, ref: { cid: link.Hash, dagSize: link.Tsize ?? 0 } })
}

function sameLink (link: PBLink, entry: Entry): boolean {
  return link.Hash.equals(entry.ref.cid) && (link.Tsize ?? 0) === entry.ref.dagSize
}

function measure (entries: readonly Entry[], profile: Profile): number {
  let total = 0
  for (const entry of entries) total += linkMeasure(entry, profile)
  return total
}

/** The unchanged root as a parent links it: its Tsize is its block plus its links' Tsizes. */
function unchanged (cid: CID, block: Uint8Array, links: readonly PBLink[]): NodeRef {
  let dagSize = block.length
  for (const link of links) dagSize += link.Tsize ?? 0
  return { cid, dagSize }
}
