/**
 * checkReachableBlocks: every block a manifest links, directly or through other blocks, fetched, re-hashed
 * against its CID and decoded with its codec, each once. Problems are collected rather than thrown, and each
 * names the parts of the manifest that link the block: "tree/src/main.c", "stripped tree",
 * "entries page 3: src/main.c", "archive at byte 1536", "tree/big (HAMT shard 1F)". A block below a
 * missing or corrupt one cannot be reached, so it is not listed.
 *
 * Memory: the CID strings seen (a Set) and the links still to visit; blocks are dropped once their links
 * are read. Walk order: the tree, the stripped tree, the entry pages and the archive's bytes, each depth
 * first in link order, so a problem's first place is the most readable one.
 */
import { EntryRecordDecoder } from '../codec/entry-record.js'
import type { EntryRecord } from '../schema/types.js'
import * as dagCbor from '@ipld/dag-cbor'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { getBlock, type BlockSource } from '../blocks.js'
import { decodePB } from '../codec/dag-pb.js'
import { decodeEntryPage } from '../codec/manifest-codec.js'
import { ArchiveManifestError, InvalidUnixFSError, UnsupportedCidError, type BlockProblem } from '../errors.js'
import type { Manifest } from '../schema/types.js'
import { displayName } from './names.js'

/** What the blocks reachable from a manifest came to. */
export interface ReachableBlocks {
  /** Distinct blocks linked (the manifest root included), whether or not they could be read. */
  blocks: number
  /** Every block that could not be read or decoded, in walk order. */
  problems: BlockProblem[]
}

/** A place in the manifest where the same block's other links are found is added to its problem, up to this many. */
const MAX_PLACES = 16

/** A link still to visit: where it sits in the manifest, and what its own links' places start from. */
interface Reach {
  cid: CID
  where: string
  /** An entry page (dag-cbor, the manifest's schema) rather than UnixFS. */
  page?: true
  /** A directory's path, or a file's name: its links are named from it. */
  base: string
  /** For a file node, the file offset of its first byte. */
  at: number
}

/** Walks everything `manifest` (the block `cid`) links; see the module comment. */
export async function checkReachableBlocks (cid: CID, manifest: Manifest, source: BlockSource): Promise<ReachableBlocks> {
  const seen = new Set<string>([cid.toString()])
  const problems = new Map<string, BlockProblem>()
  const records: { decoder?: EntryRecordDecoder } = { decoder: new EntryRecordDecoder() }
  const roots: Reach[] = [
    unixfs(manifest.tree.root, 'tree'),
    ...(manifest.tree.stripped === undefined ? [] : [unixfs(manifest.tree.stripped, 'stripped tree')]),
    ...manifest.entries.map((page, i): Reach => ({ cid: page, where: `entries page ${i}`, page: true, base: '', at: 0 })),
    ...(manifest.archive.root === undefined ? [] : [unixfs(manifest.archive.root, 'archive')]),
    ...(manifest.tar?.trailing === undefined ? [] : [unixfs(manifest.tar.trailing, 'tar trailing bytes')]),
    ...(manifest.zip?.spans ?? []).flatMap(span => span.file === undefined ? [] : [unixfs(span.file, `zip bytes at ${span.offset}`)])
  ]
  const stack = roots.reverse()
  while (stack.length > 0) {
    const reach = stack.pop() as Reach
    const key = reach.cid.toString()
    const known = problems.get(key)
    if (known !== undefined) {
      if (known.where.length < MAX_PLACES) known.where.push(reach.where)
      continue
    }
    if (seen.has(key)) continue
    seen.add(key)
    try {
      const bytes = await getBlock(source, reach.cid)
      const links = reach.page === true ? pageLinks(reach, bytes, manifest, records) : unixfsLinks(reach, bytes)
      stack.push(...links.reverse())
    } catch (err) {
      // A store failure other than a missing block is not a finding about the manifest.
      if (!(err instanceof ArchiveManifestError)) throw err
      problems.set(key, { cid: key, code: err.code, message: err.message, where: [reach.where] })
    }
  }
  return { blocks: seen.size, problems: [...problems.values()] }
}

function unixfs (cid: CID, where: string, at = 0): Reach {
  return { cid, where, base: where, at }
}

/**
 * An entry page's links (a zip entry's content, a tar record's own data `c`), each placed by its entry's
 * path. Tar records are decoded in page order by one decoder (they are relative to the entries before);
 * once a page is missing, later entries are named by their page alone.
 */
function pageLinks (reach: Reach, bytes: Uint8Array, manifest: Manifest, records: { decoder?: EntryRecordDecoder }): Reach[] {
  const links: Reach[] = []
  for (const item of decodeEntryPage(bytes, manifest.archive.format)) {
    // Zip records link their content (`c`) and verbatim compressed data (`z`); tar records their own data.
    let name: string | undefined
    if (manifest.archive.format !== 'zip') {
      try { name = records.decoder === undefined ? undefined : displayName(records.decoder.decode(item as EntryRecord).path) } catch { records.decoder = undefined }
    }
    const where = name === undefined ? reach.where : `${reach.where}: ${name}`
    if (item.c !== undefined) links.push(unixfs(item.c, where))
    if ('z' in item && item.z !== undefined) links.push(unixfs(item.z, where))
  }
  return links
}

/**
 * A UnixFS node's links: a directory's children by name, a HAMT shard's entries by name (its sub-shards by
 * slot), a file's children by the offset of their first byte.
 */
function unixfsLinks (reach: Reach, bytes: Uint8Array): Reach[] {
  if (reach.cid.code === raw.code) return []
  if (reach.cid.code !== dagPb.code) {
    const codec = reach.cid.code === dagCbor.code ? 'dag-cbor' : `0x${reach.cid.code.toString(16)}`
    throw new UnsupportedCidError(`block ${reach.cid} is ${codec}, where UnixFS (dag-pb or raw) is expected`, { cid: reach.cid.toString() })
  }
  let node: dagPb.PBNode
  let data: UnixFS
  try {
    node = decodePB(bytes)
    if (node.Data === undefined) throw new Error('no Data field')
    data = UnixFS.unmarshal(node.Data)
  } catch (err) {
    throw new InvalidUnixFSError(`block ${reach.cid} is not a UnixFS node`, { cid: reach.cid.toString() }, { cause: err })
  }
  switch (data.type) {
    case 'directory':
      return node.Links.map(link => unixfs(link.Hash, `${reach.base}/${link.Name ?? ''}`))
    case 'hamt-sharded-directory': {
      // Slot prefixes have as many hex digits as fanout - 1 (UnixFS spec, HAMTDirectory).
      const pad = (Number(data.fanout ?? 256n) - 1).toString(16).length
      return node.Links.map(({ Hash, Name = '' }) => Name.length > pad
        ? unixfs(Hash, `${reach.base}/${Name.slice(pad)}`)
        : { cid: Hash, where: `${reach.base} (HAMT shard ${Name})`, base: reach.base, at: 0 })
    }
    case 'file': case 'raw': {
      if (node.Links.length !== data.blockSizes.length) {
        throw new InvalidUnixFSError(`file node ${reach.cid} has ${node.Links.length} links but ${data.blockSizes.length} blocksizes`, { cid: reach.cid.toString() })
      }
      let at = reach.at + (data.data?.length ?? 0)
      return node.Links.map((link, i) => {
        const child = { cid: link.Hash, where: `${reach.base} at byte ${at}`, base: reach.base, at }
        at += Number(data.blockSizes[i])
        return child
      })
    }
    default:
      return node.Links.map(link => unixfs(link.Hash, reach.where))
  }
}
