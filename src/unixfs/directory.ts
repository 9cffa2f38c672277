/**
 * UnixFS directories and symlinks, byte for byte as ipfs-unixfs-importer makes them: a flat Directory node
 * while the profile's HAMT measure stays at or under its threshold (flat-to-shard.js: shard when
 * measure > threshold), otherwise a HAMT sharded directory (dir-sharded.js over hamt-sharding).
 */
import type { PBLink } from '@ipld/dag-pb'
import { murmur364 } from '@multiformats/murmur3'
import type { BlockSink } from '../blocks.js'
import { InvalidUnixFSError } from '../errors.js'
import { putDagPb, type NodeRef } from './dag-ref.js'
import type { Profile } from './profile.js'
import { encodeUnixFSData, varintLength, type UnixFSData } from './unixfs-data.js'

/** One directory entry: its name and the node it names. */
export interface DirectoryLink {
  readonly name: string
  readonly ref: NodeRef
}

/** multihash code of murmur3-x64-64, the only HAMT hash in use (UnixFS spec, HAMTDirectory). */
export const HAMT_HASH_CODE = 0x22

/** A directory entry with its name as UTF-8 bytes (what sorting, measuring and HAMT slots use). */
export interface Entry {
  readonly name: string
  readonly nameBytes: Uint8Array
  readonly ref: NodeRef
}

const utf8 = new TextEncoder()

/** An entry for `link`; throws ERR_INVALID_UNIXFS for a name UnixFS forbids (empty, or holding '/'). */
export function directoryEntry ({ name, ref }: DirectoryLink): Entry {
  if (name === '' || name.includes('/')) throw new InvalidUnixFSError(`invalid directory entry name ${JSON.stringify(name)}`)
  return { name, nameBytes: utf8.encode(name), ref }
}

/**
 * Stores a directory of `links` (any order; stored sorted by UTF-8 name bytes) and returns its root.
 * Names must be non-empty, without '/', and unique as UTF-8 bytes (the UnixFS spec forbids duplicates).
 */
export async function buildDirectory (links: readonly DirectoryLink[], profile: Profile, sink: BlockSink): Promise<NodeRef> {
  const entries = links.map(directoryEntry)
  entries.sort((a, b) => compareBytes(a.nameBytes, b.nameBytes))
  for (let i = 1; i < entries.length; i++) {
    const entry = entries[i] as Entry
    if (compareBytes((entries[i - 1] as Entry).nameBytes, entry.nameBytes) === 0) {
      throw new InvalidUnixFSError(`duplicate directory entry name ${JSON.stringify(entry.name)}`)
    }
  }
  if (flatMeasure(entries, profile) > profile.hamtThreshold) return await putShard(entries, 0, profile, sink)
  const nodeLinks = entries.map(entry => ({ Hash: entry.ref.cid, Name: entry.name, Tsize: entry.ref.dagSize }))
  return await putNode({ type: 'directory' }, nodeLinks, profile, sink)
}

/** The empty directory of the profile (QmUNLLs… under v0-2015, bafybeiczss… under v1-2025). */
export async function emptyDirectory (profile: Profile, sink: BlockSink): Promise<NodeRef> {
  return await buildDirectory([], profile, sink)
}

/** Stores a symlink: UnixFS {Type=Symlink, Data=target}, no links, no mode or mtime (dag-builder/symlink.js). */
export async function buildSymlink (target: Uint8Array, profile: Profile, sink: BlockSink): Promise<NodeRef> {
  return await putNode({ type: 'symlink', data: target }, [], profile, sink)
}

/**
 * The profile's sharding measure of the flat directory (dir-flat.js estimateNodeSize):
 * `links-bytes` sums UTF-8 name bytes + CID bytes over the links (go-unixfsnode's estimate);
 * `block-bytes` is the exact size of the encoded flat dag-pb block.
 */
function flatMeasure (entries: readonly Entry[], profile: Profile): number {
  // block-bytes: the Data field too: tag, length, UnixFS {Type=Directory} (`08 01`).
  let total = profile.hamtMeasure === 'links-bytes' ? 0 : 4
  for (const entry of entries) total += linkMeasure(entry, profile)
  return total
}

/**
 * One link's part of the flat measure: `links-bytes`, its name and CID bytes; `block-bytes`, its encoded
 * PBLink field (Hash, Name, Tsize).
 */
export function linkMeasure ({ nameBytes, ref }: Entry, profile: Profile): number {
  if (profile.hamtMeasure === 'links-bytes') return nameBytes.length + ref.cid.bytes.length
  return fieldSize(fieldSize(ref.cid.bytes.length) + fieldSize(nameBytes.length) + 1 + varintLength(ref.dagSize))
}

/** Bytes of a length-delimited protobuf field: tag, length varint, payload. */
function fieldSize (length: number): number {
  return 1 + varintLength(length) + length
}

/**
 * One HAMT node over `entries` (all sharing the first `depth` slots): one link per occupied slot, in
 * slot order; a slot holding one entry links it as `<slot hex><name>`, a slot holding more links a
 * sub-shard named `<slot hex>` (hamt-sharding splits a slot exactly when a second key lands in it).
 */
export async function putShard (entries: readonly Entry[], depth: number, profile: Profile, sink: BlockSink): Promise<NodeRef> {
  const bits = hamtBits(profile)
  const slots = new Map<number, Entry[]>()
  for (const entry of entries) {
    const slot = hamtSlot(entry.nameBytes, depth, bits)
    const inSlot = slots.get(slot)
    if (inSlot === undefined) slots.set(slot, [entry])
    else inSlot.push(entry)
  }
  const links = new Map<number, PBLink>()
  for (const [slot, inSlot] of slots) links.set(slot, await slotLink(slot, inSlot, depth, profile, sink))
  return await putShardNode(links, profile, sink)
}

/**
 * What a shard at `depth` links in `slot` for the entries that land there: the entry itself as
 * `<slot hex><name>` when it is alone, else a sub-shard named `<slot hex>` holding them all.
 */
export async function slotLink (slot: number, inSlot: readonly Entry[], depth: number, profile: Profile, sink: BlockSink): Promise<PBLink> {
  const prefix = slotPrefix(slot, profile.hamtFanout)
  if (inSlot.length === 1) {
    const { name, ref } = inSlot[0] as Entry
    return { Hash: ref.cid, Name: prefix + name, Tsize: ref.dagSize }
  }
  const shard = await putShard(inSlot, depth + 1, profile, sink)
  return { Hash: shard.cid, Name: prefix, Tsize: shard.dagSize }
}

/** Stores one HAMT node whose occupied slots link as `links` says (any order; written in slot order). */
export async function putShardNode (links: ReadonlyMap<number, PBLink>, profile: Profile, sink: BlockSink): Promise<NodeRef> {
  const fanout = profile.hamtFanout
  hamtBits(profile) // refuses a fanout the slot prefixes and bitfield here do not implement
  const slots = [...links.keys()].sort((a, b) => a - b)
  const unixfs: UnixFSData = {
    type: 'hamt-sharded-directory',
    data: bitfield(slots, fanout),
    fanout,
    hashType: HAMT_HASH_CODE
  }
  return await putNode(unixfs, slots.map(slot => links.get(slot) as PBLink), profile, sink)
}

/** Hash bits per HAMT level: whole bytes (what hamtSlot computes), at most 1024 slots. */
export function hamtBits (profile: Profile): number {
  const fanout = profile.hamtFanout
  const bits = Math.log2(fanout)
  if (!Number.isInteger(bits) || bits % 8 !== 0 || fanout > 1024) {
    throw new InvalidUnixFSError(`unsupported HAMT fanout ${fanout}`)
  }
  return bits
}

/** A slot's label prefix: upper-case hex, as wide as the largest slot's ("00"–"FF" for fanout 256). */
export function slotPrefix (slot: number, fanout: number): string {
  return slot.toString(16).toUpperCase().padStart((fanout - 1).toString(16).length, '0')
}

/**
 * The slot of a name at `depth`: the hash is read as one bit stream, most significant bit first, over
 * murmur3-x64-64(name) and, once used up, murmur3-x64-64(name ‖ [n]) for n = 1, 2, …
 * (hamt-sharding's InfiniteHash over the importer's hash: the first 8 bytes of murmur3-x64-128).
 */
export function hamtSlot (nameBytes: Uint8Array, depth: number, bits: number): number {
  // bits is a multiple of 8 (checked by the caller), so a slot never spans two 64-bit hashes.
  const bytesPerSlot = bits / 8
  const firstByte = depth * bytesPerSlot
  const round = Math.floor(firstByte / 8)
  const input = round === 0 ? nameBytes : concat(nameBytes, Uint8Array.of(round))
  // The vendored murmur3 is synchronous; the Hasher type only allows for asynchronous hashers.
  const hash = murmur364.encode(input) as Uint8Array
  let slot = 0
  for (let i = 0; i < bytesPerSlot; i++) slot = slot * 256 + (hash[firstByte % 8 + i] as number)
  return slot
}

/**
 * Occupied slots as go-ipfs writes them (big.Int.Bytes()): slot i is bit i of an integer written big-endian
 * in its fewest bytes (at least one); dir-sharded.js reverses sparse-array's little-endian bitfield to match.
 */
function bitfield (slots: Iterable<number>, fanout: number): Uint8Array {
  const bytes = new Uint8Array(fanout / 8)
  for (const slot of slots) bytes[bytes.length - 1 - (slot >> 3)]! |= 1 << (slot & 7)
  let start = 0
  while (start < bytes.length - 1 && bytes[start] === 0) start++
  return bytes.subarray(start)
}

async function putNode (unixfs: UnixFSData, links: PBLink[], profile: Profile, sink: BlockSink): Promise<NodeRef> {
  const { cid, blockSize } = await putDagPb({ Data: encodeUnixFSData(unixfs), Links: links }, profile, sink)
  let dagSize = blockSize
  for (const link of links) dagSize += link.Tsize ?? 0
  return { cid, dagSize }
}

function compareBytes (a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number)
  }
  return a.length - b.length
}

function concat (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}
