/**
 * Reading UnixFS back: file bytes (whole or a range), symlink targets and directory listings (flat and
 * HAMT). Every block goes through getBlock, so every block is checked against its CID. Walks use explicit
 * stacks, so a deep (hostile) DAG costs heap, not call stack.
 */
import type { PBLink } from '@ipld/dag-pb'
import { decodePB } from '../codec/dag-pb.js'
import { UnixFS } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'
import { getBlock, type BlockSource } from '../blocks.js'
import { InvalidArgumentError, InvalidUnixFSError, UnsupportedCidError } from '../errors.js'
import { DAG_PB_CODE, RAW_CODE } from './dag-ref.js'

/** Byte range of a file to read; both default to the whole file. */
export interface ReadFileOptions {
  /** First byte to read (0 if absent). At or past the end of the file: nothing is read. */
  offset?: number
  /** Most bytes to read (to the end of the file if absent). */
  length?: number
}

/** One entry of a directory listing. */
export interface DirectoryEntry {
  readonly name: string
  readonly cid: CID
  readonly kind: 'file' | 'directory' | 'symlink'
}

/** A file node: its own bytes first, then its children in order, each standing for `sizes[i]` bytes. */
interface FileNode {
  readonly data: Uint8Array
  readonly children: readonly CID[]
  readonly sizes: readonly number[]
  /** data.length + sum(sizes): the node's `blocksize` in its parent. */
  readonly size: number
}

/**
 * The bytes of the UnixFS file at `cid` (raw block or dag-pb File/Raw DAG, children of any kind and CID
 * version), in order, as subarrays of the blocks. Subtrees outside the requested range are not fetched.
 * Throws InvalidUnixFSError when a node is not a file or a child's size disagrees with its blocksize.
 */
export async function * readFile (cid: CID, source: BlockSource, options: ReadFileOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  const offset = options.offset ?? 0
  if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidArgumentError(`invalid offset ${offset}`)
  if (options.length !== undefined && (!Number.isSafeInteger(options.length) || options.length < 0)) {
    throw new InvalidArgumentError(`invalid length ${options.length}`)
  }
  const root = await loadFileNode(source, cid)
  const end = options.length === undefined ? root.size : Math.min(root.size, offset + options.length)
  if (offset >= end) return

  // Each frame is a node being read: the next child to visit and where that child's bytes start in the file.
  const first = slice(root.data, 0, offset, end)
  if (first !== undefined) yield first
  const stack = [{ node: root, next: 0, at: root.data.length }]
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as (typeof stack)[number]
    if (frame.next === frame.node.children.length) { stack.pop(); continue }
    const childCid = frame.node.children[frame.next] as CID
    const childSize = frame.node.sizes[frame.next] as number
    const childStart = frame.at
    frame.next++
    frame.at += childSize
    if (childStart >= end) return
    if (childStart + childSize <= offset || childSize === 0) continue
    const child = await loadFileNode(source, childCid)
    if (child.size !== childSize) {
      throw new InvalidUnixFSError(`file node ${childCid} holds ${child.size} bytes but its parent's blocksize says ${childSize}`, { cid: childCid.toString() })
    }
    const own = slice(child.data, childStart, offset, end)
    if (own !== undefined) yield own
    stack.push({ node: child, next: 0, at: childStart + child.data.length })
  }
}

/** The size of the UnixFS file at `cid`, from its root block alone. */
export async function fileSize (cid: CID, source: BlockSource): Promise<number> {
  return (await loadFileNode(source, cid)).size
}

/** The target bytes of the UnixFS symlink at `cid`. */
export async function readSymlinkTarget (cid: CID, source: BlockSource): Promise<Uint8Array> {
  const { unixfs, links } = await loadDagPb(source, cid)
  if (unixfs.type !== 'symlink' || links.length > 0) throw new InvalidUnixFSError(`node ${cid} is not a symlink`, { cid: cid.toString() })
  return unixfs.data ?? new Uint8Array(0)
}

/**
 * The entries of the UnixFS directory at `cid`: a flat directory in link order, a HAMT sharded directory
 * in slot order (not sorted by name). Each entry's node is fetched to tell its kind. Throws
 * InvalidUnixFSError on a duplicate or empty name (the UnixFS spec requires decoders to fail on duplicates).
 */
export async function * readDirectory (cid: CID, source: BlockSource): AsyncGenerator<DirectoryEntry, void, undefined> {
  for await (const { name, link } of readDirectoryLinks(cid, source)) yield { name, cid: link.Hash, kind: await kindOf(source, link.Hash) }
}

/**
 * The links of the UnixFS directory at `cid` as `readDirectory` lists them (same order, same checks), each
 * with its entry name and without fetching the node it names: for directories whose entries are not all
 * UnixFS (the hash index links dag-cbor manifests), and for callers that need only names and CIDs.
 */
export async function * readDirectoryLinks (cid: CID, source: BlockSource): AsyncGenerator<{ name: string, link: PBLink }, void, undefined> {
  const root = await loadDagPb(source, cid)
  const seen = new Set<string>()
  const entry = (name: string, link: PBLink): { name: string, link: PBLink } => {
    if (name === '' || seen.has(name)) throw new InvalidUnixFSError(`directory ${cid} has an empty or duplicate entry name ${JSON.stringify(name)}`, { cid: cid.toString() })
    seen.add(name)
    return { name, link }
  }
  if (root.unixfs.type === 'directory') {
    for (const link of root.links) yield entry(link.Name ?? '', link)
    return
  }
  if (root.unixfs.type !== 'hamt-sharded-directory') throw new InvalidUnixFSError(`node ${cid} is not a directory`, { cid: cid.toString() })
  const padLength = hamtPadLength(root.unixfs, cid)
  // Shards still to list, each as its links and the next one to visit; sub-shards are listed in place.
  const stack = [{ links: root.links, next: 0 }]
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as (typeof stack)[number]
    if (frame.next === frame.links.length) { stack.pop(); continue }
    const link = frame.links[frame.next++] as PBLink
    const label = link.Name ?? ''
    if (label.length < padLength || !/^[0-9A-F]+$/.test(label.slice(0, padLength))) {
      throw new InvalidUnixFSError(`HAMT link name ${JSON.stringify(label)} in ${cid} has no slot prefix`, { cid: cid.toString() })
    }
    if (label.length > padLength) { yield entry(label.slice(padLength), link); continue }
    const shard = await loadDagPb(source, link.Hash)
    if (shard.unixfs.type !== 'hamt-sharded-directory' || hamtPadLength(shard.unixfs, link.Hash) !== padLength) {
      throw new InvalidUnixFSError(`HAMT sub-shard ${link.Hash} is not a shard of the same fanout`, { cid: link.Hash.toString() })
    }
    stack.push({ links: shard.links, next: 0 })
  }
}

/** A UnixFS node as its own block tells it: a file and its size, a symlink and its target, or a directory. */
export type NodeSummary =
  | { readonly kind: 'file', readonly size: number, readonly block: Uint8Array }
  | { readonly kind: 'symlink', readonly target: Uint8Array }
  | { readonly kind: 'directory' }

/**
 * Fetches one node and says what it is. A file's size is its root's (data plus blocksizes; readFile
 * checks the children against it); `block` is the root block, checked, to read the file through
 * withBlock without fetching it again.
 */
export async function readNode (cid: CID, source: BlockSource): Promise<NodeSummary> {
  if (cid.code === RAW_CODE) {
    const block = await getBlock(source, cid)
    return { kind: 'file', size: block.length, block }
  }
  const { unixfs, links, block } = await loadDagPb(source, cid)
  switch (unixfs.type) {
    case 'file': case 'raw': return { kind: 'file', size: fileNodeOf(cid, unixfs, links).size, block }
    case 'symlink':
      if (links.length > 0) throw new InvalidUnixFSError(`node ${cid} is not a symlink`, { cid: cid.toString() })
      return { kind: 'symlink', target: unixfs.data ?? new Uint8Array(0) }
    case 'directory': case 'hamt-sharded-directory': return { kind: 'directory' }
    default: throw new InvalidUnixFSError(`node ${cid} has unsupported UnixFS type ${unixfs.type}`, { cid: cid.toString() })
  }
}

/** The part of `data` (which starts at file offset `start`) inside [offset, end), if any. */
function slice (data: Uint8Array, start: number, offset: number, end: number): Uint8Array | undefined {
  const from = Math.max(offset - start, 0)
  const to = Math.min(end - start, data.length)
  return from < to ? data.subarray(from, to) : undefined
}

async function loadFileNode (source: BlockSource, cid: CID): Promise<FileNode> {
  if (cid.code === RAW_CODE) {
    const data = await getBlock(source, cid)
    return { data, children: [], sizes: [], size: data.length }
  }
  const { unixfs, links } = await loadDagPb(source, cid)
  return fileNodeOf(cid, unixfs, links)
}

/** A dag-pb File node's data and children, checked: blocksizes for every link, no named links, a safe size. */
function fileNodeOf (cid: CID, unixfs: UnixFS, links: PBLink[]): FileNode {
  if (unixfs.type !== 'file' && unixfs.type !== 'raw') throw new InvalidUnixFSError(`node ${cid} is not a file`, { cid: cid.toString() })
  if (links.length !== unixfs.blockSizes.length) {
    throw new InvalidUnixFSError(`file node ${cid} has ${links.length} links but ${unixfs.blockSizes.length} blocksizes`, { cid: cid.toString() })
  }
  const data = unixfs.data ?? new Uint8Array(0)
  let size = data.length
  const sizes = unixfs.blockSizes.map(blockSize => {
    const n = Number(blockSize)
    size += n
    return n
  })
  if (!Number.isSafeInteger(size)) throw new InvalidUnixFSError(`file node ${cid} claims an impossible size`, { cid: cid.toString() })
  // A named link inside a file is an invalid file (UnixFS spec, PBNode.Links[].Name for file chunks).
  if (links.some(link => link.Name !== undefined && link.Name !== '')) {
    throw new InvalidUnixFSError(`file node ${cid} has a named link`, { cid: cid.toString() })
  }
  return { data, children: links.map(link => link.Hash), sizes, size }
}

async function loadDagPb (source: BlockSource, cid: CID): Promise<{ unixfs: UnixFS, links: PBLink[], block: Uint8Array }> {
  if (cid.code !== DAG_PB_CODE) throw new UnsupportedCidError(`CID ${cid} is not dag-pb (codec 0x${cid.code.toString(16)})`, { cid: cid.toString() })
  const bytes = await getBlock(source, cid)
  try {
    const node = decodePB(bytes)
    if (node.Data === undefined) throw new Error('no Data field')
    return { unixfs: UnixFS.unmarshal(node.Data), links: node.Links, block: bytes }
  } catch (err) {
    throw new InvalidUnixFSError(`block ${cid} is not a UnixFS node`, { cid: cid.toString() }, { cause: err })
  }
}

async function kindOf (source: BlockSource, cid: CID): Promise<DirectoryEntry['kind']> {
  if (cid.code === RAW_CODE) return 'file'
  const { unixfs } = await loadDagPb(source, cid)
  switch (unixfs.type) {
    case 'file': case 'raw': return 'file'
    case 'directory': case 'hamt-sharded-directory': return 'directory'
    case 'symlink': return 'symlink'
    default: throw new InvalidUnixFSError(`node ${cid} has unsupported UnixFS type ${unixfs.type}`, { cid: cid.toString() })
  }
}

/** Hex digits of a HAMT slot prefix; the fanout must be a power of two, a multiple of 8, at most 1024 (UnixFS spec). */
function hamtPadLength (unixfs: UnixFS, cid: CID): number {
  const fanout = Number(unixfs.fanout ?? 0)
  if (fanout < 8 || fanout > 1024 || (fanout & (fanout - 1)) !== 0) {
    throw new InvalidUnixFSError(`HAMT node ${cid} has invalid fanout ${fanout}`, { cid: cid.toString() })
  }
  return (fanout - 1).toString(16).length
}
