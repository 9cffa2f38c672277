/**
 * Archive paths resolved in the unpacked tree, block by block: how a restore finds a file's content
 * through the tree instead of a CID stored per entry. Every block is checked against its CID (getBlock).
 * Entries arrive in archive order, mostly grouped by directory, so decoded directory nodes (flat
 * directories and HAMT shards) are kept in a least-recently-used cache with a byte budget: each directory
 * block is fetched about once, and memory stays bounded whatever the size of the tree.
 */
import type { CID } from 'multiformats/cid'
import { getBlock, type BlockSource } from '../blocks.js'
import { InvalidUnixFSError, UnsupportedCidError } from '../errors.js'
import { DAG_PB_CODE, RAW_CODE } from './dag-ref.js'
import { decodeUnixFS, directoryNode, findInShard, findLink, FoundLink, type DirectoryNode, type HamtShard } from './directory-node.js'
import { treePath } from './tree-path.js'

/** What a path names in the tree. */
export interface ResolvedNode {
  readonly cid: CID
  readonly kind: 'file' | 'directory' | 'symlink'
  /** A file's content bytes: its root's UnixFS blocksizes plus data (a raw leaf: its length). */
  readonly fileSize?: number
  /** Tsize of the link that names the node, as its parent stores it (not verified); absent for the root. */
  readonly dagSize?: number
  /**
   * A file's or symlink's block, already checked against `cid`: read the file through withBlock so that
   * its root is not fetched again. (Directories are kept decoded, not as blocks.)
   */
  readonly block?: Uint8Array
}

export interface TreePathResolverOptions {
  /** Budget of the directory cache, in estimated bytes of decoded nodes (default DEFAULT_DIRECTORY_CACHE_BYTES). */
  readonly directoryCacheBytes?: number
}

/**
 * 32 MiB: CPython 3.11's release tree (320 directory blocks, about 0.6 MiB decoded) fits fifty times
 * over; a larger tree walked in archive order keeps the directories it is in and drops those it left.
 */
export const DEFAULT_DIRECTORY_CACHE_BYTES = 32 * 1024 * 1024

/** A node as loaded: a directory (decoded, cached) or a file or symlink (its block). */
type Loaded =
  | { readonly kind: 'directory', readonly node: DirectoryNode }
  | { readonly kind: 'file', readonly block: Uint8Array, readonly fileSize: number }
  | { readonly kind: 'symlink', readonly block: Uint8Array }

/**
 * Resolves archive paths (raw bytes, as entries store them) in the UnixFS tree under `root`, using the
 * tree builder's own path rule (treePath: './' prefixes, doubled and trailing '/' name the same node).
 * A path the tree does not hold, or one that passes through a file or symlink, resolves to undefined.
 * Throws ERR_BLOCK_NOT_FOUND for a missing block, ERR_BLOCK_HASH_MISMATCH for a corrupt one,
 * ERR_INVALID_UNIXFS when the root is not a directory or a node is malformed (a sub-shard that is not a
 * shard of the same fanout, unsorted names, an unknown UnixFS type), ERR_UNSUPPORTED_CID for a link that
 * is neither dag-pb nor raw.
 *
 * @example
 * ```ts
 * const tree = new TreePathResolver(manifest.tree.root, blockstore)
 * const found = await tree.resolve(utf8('./hello-2.10/README'))
 * if (found?.kind === 'file') for await (const bytes of readFile(found.cid, withBlock(blockstore, found))) …
 * ```
 */
export class TreePathResolver {
  readonly root: CID
  readonly #rootLink: FoundLink
  readonly #source: BlockSource
  readonly #budget: number
  /** Insertion order is recency order: the first key is the least recently used. */
  readonly #cache = new Map<string, DirectoryNode>()
  #cachedBytes = 0

  constructor (root: CID, source: BlockSource, options: TreePathResolverOptions = {}) {
    this.root = root
    this.#rootLink = FoundLink.to(root)
    this.#source = source
    this.#budget = options.directoryCacheBytes ?? DEFAULT_DIRECTORY_CACHE_BYTES
  }

  /** The node `path` names, or undefined when the tree holds none there. */
  async resolve (path: Uint8Array): Promise<ResolvedNode | undefined> {
    const parts = treePath(path)
    return typeof parts === 'string' ? undefined : await this.#resolve(parts)
  }

  /** How many decoded directory nodes the cache holds, and their estimated bytes. */
  get cached (): { nodes: number, bytes: number } {
    return { nodes: this.#cache.size, bytes: this.#cachedBytes }
  }

  /**
   * The CID of what `path` names, found through the directories above it without fetching the node itself
   * (a tree whose files' blocks are absent still tells their CIDs); undefined when the tree holds nothing
   * there.
   */
  async linkAt (path: Uint8Array): Promise<CID | undefined> {
    const parts = treePath(path)
    if (typeof parts === 'string') return undefined
    const found = await this.#walk(parts, false)
    return found?.link.cid
  }

  /** The node at path components (none: the root). */
  async #resolve (parts: readonly string[]): Promise<ResolvedNode | undefined> {
    const found = await this.#walk(parts, true)
    if (found === undefined) return undefined
    const { link, loaded } = found as { link: FoundLink, loaded: Loaded }
    const at = link.tsize === undefined ? { cid: link.cid } : { cid: link.cid, dagSize: link.tsize }
    switch (loaded.kind) {
      case 'directory': return { ...at, kind: 'directory' }
      case 'file': return { ...at, kind: 'file', fileSize: loaded.fileSize, block: loaded.block }
      case 'symlink': return { ...at, kind: 'symlink', block: loaded.block }
    }
  }

  /** The link that names the node at `parts`, and that node loaded unless `loadLast` is false. */
  async #walk (parts: readonly string[], loadLast: boolean): Promise<{ link: FoundLink, loaded?: Loaded } | undefined> {
    // Cached directories are taken without an await: most components of most paths are one.
    let found = this.#rootLink
    let loaded = this.#cached(found) ?? await this.#fetch(found)
    if (loaded.kind !== 'directory') throw new InvalidUnixFSError(`tree root ${this.root} is not a directory`, { cid: this.root.toString() })
    for (const [i, name] of parts.entries()) {
      if (loaded.kind !== 'directory') return undefined
      const node: DirectoryNode = loaded.node
      const link: FoundLink | undefined = node.type === 'directory' ? findLink(node, name) : await this.#findInShard(node, name)
      if (link === undefined) return undefined
      found = link
      if (!loadLast && i === parts.length - 1) return { link }
      loaded = this.#cached(link) ?? await this.#fetch(link)
    }
    return { link: found, loaded }
  }

  /** The link named `name` in a HAMT, descending through its sub-shards. */
  async #findInShard (root: HamtShard, name: string): Promise<FoundLink | undefined> {
    return await findInShard(root, name, async (link) => {
      const next = this.#cached(link) ?? await this.#fetch(link)
      if (next.kind !== 'directory') throw new InvalidUnixFSError(`HAMT sub-shard ${link.cid} is not a shard of the same fanout`, { cid: link.cid.toString() })
      return next.node
    })
  }

  /** The decoded directory `link` names if the cache holds it (now the most recently used). */
  #cached (link: FoundLink): Loaded | undefined {
    const key = link.key
    const node = this.#cache.get(key)
    if (node === undefined) return undefined
    this.#cache.delete(key)
    this.#cache.set(key, node)
    return { kind: 'directory', node }
  }

  /** Fetches, checks and decodes the node `link` names; a directory joins the cache. */
  async #fetch (link: FoundLink): Promise<Loaded> {
    const cid = link.cid
    if (cid.code !== RAW_CODE && cid.code !== DAG_PB_CODE) {
      throw new UnsupportedCidError(`CID ${cid} is neither dag-pb nor raw (codec 0x${cid.code.toString(16)})`, { cid: cid.toString() })
    }
    const block = await getBlock(this.#source, cid)
    if (cid.code === RAW_CODE) return { kind: 'file', block, fileSize: block.length }
    const { data, unixfs, links } = decodeUnixFS(cid, block)
    switch (unixfs.type) {
      case 'file': case 'raw': {
        const fileSize = Number(unixfs.fileSize())
        if (!Number.isSafeInteger(fileSize)) throw new InvalidUnixFSError(`file node ${cid} claims an impossible size`, { cid: cid.toString() })
        return { kind: 'file', block, fileSize }
      }
      case 'symlink': return { kind: 'symlink', block }
      default: {
        const node = directoryNode(cid, data, unixfs, links)
        this.#remember(link.key, node)
        return { kind: 'directory', node }
      }
    }
  }

  /** Caches a decoded directory, then drops the least recently used ones beyond the budget. */
  #remember (key: string, node: DirectoryNode): void {
    this.#cache.set(key, node)
    this.#cachedBytes += node.links.bytes
    for (const [oldest, old] of this.#cache) {
      if (this.#cachedBytes <= this.#budget) break
      this.#cache.delete(oldest)
      this.#cachedBytes -= old.links.bytes
    }
  }
}

/**
 * `source` with a resolved node's block already in hand: reading the file through it does not fetch its
 * root again (getBlock still checks the bytes against the CID).
 */
export function withBlock (source: BlockSource, node: Pick<ResolvedNode, 'cid' | 'block'>): BlockSource {
  const { block } = node
  if (block === undefined) return source
  return { get: cid => cid.equals(node.cid) ? block : source.get(cid) }
}
