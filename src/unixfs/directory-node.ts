/**
 * UnixFS nodes decoded for lookups by name, as the path resolver walks them: a flat Directory (links
 * sorted by name: binary search) or one HAMT shard (links in slot order: binary search by the slot,
 * computed exactly as directory.ts places names). Decoding checks what a lookup relies on: unique names in order, slot
 * prefixes in order, and the fanout and hash function the slot computation implements.
 */
import type { PBLink } from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import { decodePB } from '../codec/dag-pb.js'
import { InvalidUnixFSError } from '../errors.js'
import { HAMT_HASH_CODE, hamtSlot } from './directory.js'

/**
 * A link as found in a directory: the CID it names, decoded only when used (a walk through cached
 * directories needs only `key`), and the Tsize its parent records (if any).
 */
export class FoundLink {
  readonly tsize: number | undefined
  readonly #bytes: Uint8Array
  #cid: CID | undefined
  #key: string | undefined

  constructor (bytes: Uint8Array, tsize?: number, cid?: CID) {
    this.#bytes = bytes
    this.tsize = tsize
    this.#cid = cid
  }

  static to (cid: CID): FoundLink {
    return new FoundLink(cid.bytes, undefined, cid)
  }

  get cid (): CID {
    this.#cid ??= CID.decode(this.#bytes)
    return this.#cid
  }

  /** The CID's bytes as a string, one character a byte: a cheap Map key (`toString` encodes base32). */
  get key (): string {
    this.#key ??= String.fromCharCode.apply(null, this.#bytes as unknown as number[])
    return this.#key
  }
}

/** A flat directory: its links in name order. */
export interface FlatDirectory {
  readonly type: 'directory'
  readonly links: LinkTable
}

/** One node of a HAMT sharded directory: `slots[row]` is the slot of the link in that row, ascending. */
export interface HamtShard {
  readonly type: 'shard'
  readonly fanout: number
  readonly links: LinkTable
  readonly slots: Uint8Array
}

export type DirectoryNode = FlatDirectory | HamtShard

const utf8 = new TextEncoder()

/** The only HAMT fanout hamtSlot computes (whole bytes of the hash per level) and every profile uses. */
const HAMT_FANOUT = 256
const HAMT_BITS = 8
/** Hex digits of a slot prefix ("00"–"FF"). */
const PREFIX_LENGTH = 2
/**
 * Heap bytes beyond names and CID bytes, measured on Node 20 (decoded nodes of 2 to 400 links, flat and
 * sharded, within 10% of the estimate): per node (objects, typed arrays, the cache's key and entry) and
 * per link (string header, array slot, offsets, Tsize).
 */
const NODE_OVERHEAD_BYTES = 1000
const ROW_OVERHEAD_BYTES = 40

/**
 * A node's links packed in arrays. A decoded PBLink costs about 400-600 heap bytes (its CID, digest and
 * views); a row here costs its name, its CID's bytes and ~40 bytes, so a byte budget holds ~5 times more
 * directories. A link's CID is decoded again only when it is looked up. `bytes` estimates the heap the
 * decoded node takes, which is what the resolver's cache budget counts.
 */
export class LinkTable {
  readonly names: readonly string[]
  readonly #cids: Uint8Array
  /** Row i's CID is `#cids[#ends[i-1] .. #ends[i]]`. */
  readonly #ends: Uint32Array
  /** NaN where the link has no Tsize. */
  readonly #tsizes: Float64Array
  /** Estimated heap bytes of the decoded node (see NODE_OVERHEAD_BYTES). */
  readonly bytes: number

  constructor (links: readonly PBLink[]) {
    const names: string[] = []
    this.#ends = new Uint32Array(links.length)
    this.#tsizes = new Float64Array(links.length)
    let length = 0
    let nameChars = 0
    for (const [i, link] of links.entries()) {
      const name = link.Name ?? ''
      names.push(name)
      nameChars += name.length
      length += link.Hash.bytes.length
      this.#ends[i] = length
      this.#tsizes[i] = link.Tsize ?? NaN
    }
    this.#cids = new Uint8Array(length)
    for (const [i, link] of links.entries()) this.#cids.set(link.Hash.bytes, i === 0 ? 0 : this.#ends[i - 1])
    this.names = names
    // Names are counted at two bytes a character: V8 stores a string with any non-Latin-1 character so.
    this.bytes = NODE_OVERHEAD_BYTES + length + 2 * nameChars + ROW_OVERHEAD_BYTES * links.length
  }

  link (row: number): FoundLink {
    const tsize = this.#tsizes[row] as number
    return new FoundLink(this.#cids.subarray(row === 0 ? 0 : this.#ends[row - 1], this.#ends[row]), Number.isNaN(tsize) ? undefined : tsize)
  }
}

/** A dag-pb block as UnixFS: its Data and its links. Anything else is ERR_INVALID_UNIXFS. */
export function decodeUnixFS (cid: CID, block: Uint8Array): { data: Uint8Array, unixfs: UnixFS, links: PBLink[] } {
  try {
    const node = decodePB(block)
    if (node.Data === undefined) throw new Error('no Data field')
    return { data: node.Data, unixfs: UnixFS.unmarshal(node.Data), links: node.Links }
  } catch (err) {
    throw new InvalidUnixFSError(`block ${cid} is not a UnixFS node`, { cid: cid.toString() }, { cause: err })
  }
}

/** A Directory or HAMTShard node prepared for lookups; throws ERR_INVALID_UNIXFS when it is malformed. */
export function directoryNode (cid: CID, data: Uint8Array, unixfs: UnixFS, links: readonly PBLink[]): DirectoryNode {
  if (unixfs.type === 'directory') return flatDirectory(cid, links)
  if (unixfs.type !== 'hamt-sharded-directory') throw invalid(cid, `is a ${unixfs.type} node, not a directory`)
  if (unixfs.fanout !== BigInt(HAMT_FANOUT)) throw invalid(cid, `has HAMT fanout ${unixfs.fanout ?? 'none'}; only ${HAMT_FANOUT} is read`)
  const hashType = hamtHashType(cid, data)
  if (hashType !== BigInt(HAMT_HASH_CODE)) throw invalid(cid, `has HAMT hash type ${hashType === undefined ? 'none' : `0x${hashType.toString(16)}`}; only murmur3-x64-64 (0x22) is read`)
  // One byte per link, searched by bisection: most shards of a large directory hold a few links, and a
  // table of all 256 slots would cost more than the links themselves.
  const slots = new Uint8Array(links.length)
  let previous = -1
  for (const [row, link] of links.entries()) {
    const label = link.Name ?? ''
    const prefix = label.slice(0, PREFIX_LENGTH)
    const slot = /^[0-9A-F]{2}$/.test(prefix) ? parseInt(prefix, 16) : -1
    // Links in slot order, one per slot (dir-sharded.js writes them so; a second link in a slot is ambiguous).
    if (slot <= previous) throw invalid(cid, `has HAMT link ${JSON.stringify(label)} out of slot order or without a slot prefix`)
    slots[row] = slot
    previous = slot
  }
  return { type: 'shard', fanout: HAMT_FANOUT, links: new LinkTable(links), slots }
}

/** The link named `name` in a flat directory (binary search in UTF-8 byte order). */
export function findLink (directory: FlatDirectory, name: string): FoundLink | undefined {
  const names = directory.links.names
  const row = bisect(names.length, i => compareUtf8(names[i] as string, name))
  return row === -1 ? undefined : directory.links.link(row)
}

/** What a shard holds for a name: the entry's link, a sub-shard to descend into, or nothing. */
export type ShardStep = { readonly entry: FoundLink } | { readonly shard: FoundLink } | undefined

/** One HAMT level: the slot of `name` (UTF-8 `nameBytes`) at `depth`, and what occupies it. */
export function shardStep (shard: HamtShard, name: string, nameBytes: Uint8Array, depth: number): ShardStep {
  const slot = hamtSlot(nameBytes, depth, HAMT_BITS)
  const row = bisect(shard.slots.length, i => (shard.slots[i] as number) - slot)
  if (row === -1) return undefined
  const label = shard.links.names[row] as string
  if (label.length === PREFIX_LENGTH) return { shard: shard.links.link(row) }
  return label.slice(PREFIX_LENGTH) === name ? { entry: shard.links.link(row) } : undefined
}

/**
 * The link named `name` in the HAMT whose root shard is `root`, descending through sub-shards that `load`
 * gives (decoded; anything but a shard of the same fanout is ERR_INVALID_UNIXFS); undefined when absent.
 */
export async function findInShard (root: HamtShard, name: string, load: (link: FoundLink) => DirectoryNode | Promise<DirectoryNode>): Promise<FoundLink | undefined> {
  const nameBytes = utf8.encode(name)
  let shard = root
  for (let depth = 0; ; depth++) {
    const step = shardStep(shard, name, nameBytes, depth)
    if (step === undefined) return undefined
    if ('entry' in step) return step.entry
    const next = await load(step.shard)
    if (next.type !== 'shard' || next.fanout !== shard.fanout) {
      throw new InvalidUnixFSError(`HAMT sub-shard ${step.shard.cid} is not a shard of the same fanout`, { cid: step.shard.cid.toString() })
    }
    shard = next
  }
}

/**
 * The hashType field (5) of UnixFS Data, which ipfs-unixfs's unmarshal does not keep. `data` has been
 * read as protobuf by unmarshal already, so only the wire types UnixFS uses need skipping.
 */
function hamtHashType (cid: CID, data: Uint8Array): bigint | undefined {
  let at = 0
  const varint = (): bigint => {
    let value = 0n
    for (let shift = 0n; ; shift += 7n) {
      const byte = data[at++]
      if (byte === undefined || shift > 63n) throw invalid(cid, 'has malformed UnixFS Data')
      value |= BigInt(byte & 0x7f) << shift
      if (byte < 0x80) return value
    }
  }
  let hashType: bigint | undefined
  while (at < data.length) {
    const key = varint()
    const wireType = key & 7n
    if (wireType === 0n) {
      const value = varint()
      if (key >> 3n === 5n) hashType = value
    } else if (wireType === 2n) {
      // Read the length first: `at += varint()` would add it to `at` as it was before the read.
      const length = Number(varint())
      at += length
    } else {
      throw invalid(cid, `has UnixFS Data with wire type ${wireType}`)
    }
  }
  return hashType
}

/** The index where `order` (ascending: below, at, above the sought one as negative, 0, positive) is 0, or -1. */
function bisect (length: number, order: (index: number) => number): number {
  let low = 0
  let high = length - 1
  while (low <= high) {
    const middle = (low + high) >>> 1
    const at = order(middle)
    if (at === 0) return middle
    if (at < 0) low = middle + 1
    else high = middle - 1
  }
  return -1
}

function flatDirectory (cid: CID, links: readonly PBLink[]): FlatDirectory {
  for (let i = 0; i < links.length; i++) {
    const name = links[i]?.Name ?? ''
    if (name === '') throw invalid(cid, 'has an entry without a name')
    // Sorted and unique, as every encoder writes them (dag-pb requires the order, UnixFS forbids duplicates).
    if (i > 0 && compareUtf8(links[i - 1]?.Name as string, name) >= 0) throw invalid(cid, `has entry ${JSON.stringify(name)} out of order or twice`)
  }
  return { type: 'directory', links: new LinkTable(links) }
}

/**
 * Compares strings in UTF-8 byte order (code point order) without encoding them: UTF-16 code units order
 * code points except that surrogates (the halves of U+10000 and above) must sort after U+E000–U+FFFF.
 */
function compareUtf8 (a: string, b: string): number {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return utf8Rank(x) - utf8Rank(y)
  }
  return a.length - b.length
}

function utf8Rank (unit: number): number {
  if (unit < 0xD800) return unit
  return unit < 0xE000 ? unit + 0x2000 : unit - 0x800
}

function invalid (cid: CID, problem: string): InvalidUnixFSError {
  return new InvalidUnixFSError(`node ${cid} ${problem}`, { cid: cid.toString() })
}
