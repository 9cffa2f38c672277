/**
 * The unpacked tree: what extracting the archive and running `ipfs add -r` on the result gives under the
 * profile (no mode, no mtime). Entries are applied in archive order with extraction semantics:
 *   - leading "/" and "." components are dropped (as GNU tar does); a ".." component keeps the entry out;
 *   - missing parent directories are created; a parent that is a file or symlink keeps the entry out;
 *   - a directory entry over a directory keeps its contents; any other entry replaces what was at its path,
 *     and every entry that defined something it replaced is marked "shadowed";
 *   - a hardlink becomes a copy of its target as the tree holds it at that point (a file or a symlink);
 *   - devices, fifos, sparse files, non-UTF-8 paths and metadata members stay out, marked with the reason.
 */
import type { BlockSink } from '../blocks.js'
import { LimitExceededError } from '../errors.js'
import type { Limits } from '../limits.js'
import type { EntryType, Exclusion, Name } from '../schema/types.js'
import type { DagRef } from '../unixfs/dag-ref.js'
import { buildDirectory, buildSymlink } from '../unixfs/directory.js'
import { treePath, treePathOfText } from '../unixfs/tree-path.js'
import type { Profile } from '../unixfs/profile.js'
import type { CID } from 'multiformats/cid'
import { DagRefTable } from './dag-ref-table.js'
import { displayName } from './names.js'

/** A directory remembers every entry that named it: all of them are shadowed if it is replaced. */
interface DirNode { kind: 'dir', children: Map<string, Node>, entries: number[] }
interface SymlinkNode { kind: 'symlink', target: Uint8Array, entry: number }
/**
 * A file is a row number of the tree's file table, not an object: files are most of an archive's nodes,
 * and a tree of maxEntries of them must fit in memory (see DagRefTable).
 */
type FileRow = number
type Node = DirNode | SymlinkNode | FileRow

export interface TreeCids { root: CID, stripped?: CID }

/**
 * What the tree needs of an entry: a tar Entry has it; a zip entry passes its local header offset. `path`
 * is the raw path as nameFromBytes gives it (text when it is UTF-8), which the tree uses instead of
 * decoding the raw path again.
 */
export interface TreeEntry { type: EntryType, path: Name, headerOffset: number }

export class UnpackedTree {
  readonly #root: DirNode = { kind: 'dir', children: new Map(), entries: [] }
  /** Content of the file rows' DAGs (a hardlink's row shares its target's). */
  readonly #contents = new DagRefTable()
  /** Per file row: the index in #contents of its content, and the entry that defined it. */
  readonly #fileContent: number[] = []
  readonly #fileEntry: number[] = []
  readonly #limits: Limits
  /** Called with the index of each entry whose node a later entry replaced, and a file's content. */
  readonly #onShadowed: (entryIndex: number, content?: DagRef) => void

  constructor (limits: Limits, onShadowed: (entryIndex: number, content?: DagRef) => void) {
    this.#limits = limits
    this.#onShadowed = onShadowed
  }

  /**
   * Keeps a content DAG in the tree's table before its entry is added (a zip's data is read before its
   * entries are placed); pass the number returned as `content` to `add`.
   */
  keepContent (ref: DagRef): number {
    return this.#contents.add(ref)
  }

  /** A content DAG kept by `keepContent`. */
  keptContent (kept: number): DagRef {
    return this.#contents.get(kept)
  }

  /**
   * Applies one entry. `content` is the file's content DAG for regular files (or what `keepContent`
   * returned for it). Returns why the entry stays out of the tree, or for a hardlink to a file the content
   * it now shares, or undefined.
   */
  add (index: number, entry: TreeEntry, rawPath: Uint8Array, rawLinkTarget: Uint8Array | undefined, content?: DagRef | number): { excluded?: Exclusion, content?: DagRef } {
    switch (entry.type) {
      case 'char-device': case 'block-device': case 'fifo': return { excluded: 'special-file' }
      case 'pax-global': case 'volume-label': case 'other': return { excluded: 'metadata' }
      default: break
    }
    if (entry.type === 'file' && content === undefined) return { excluded: 'sparse' }
    const path = this.#components(typeof entry.path === 'string' ? entry.path : rawPath, entry)
    if (typeof path === 'string') return { excluded: path }
    if (path.length === 0) {
      // "./" and the like name the root itself: only a directory can be it.
      if (entry.type === 'directory') { this.#root.entries.push(index); return {} }
      return { excluded: 'unsafe-path' }
    }
    const parent = this.#parentOf(path)
    if (parent === undefined) return { excluded: 'path-conflict' }
    const name = path[path.length - 1] as string
    const existing = parent.children.get(name)

    let node: Node
    let shared: DagRef | undefined
    switch (entry.type) {
      case 'directory':
        if (typeof existing === 'object' && existing.kind === 'dir') { existing.entries.push(index); return {} }
        node = { kind: 'dir', children: new Map(), entries: [index] }
        break
      case 'file':
        node = this.#fileRow(typeof content === 'number' ? content : this.#contents.add(content as DagRef), index)
        break
      case 'symlink':
        node = { kind: 'symlink', target: rawLinkTarget ?? new Uint8Array(0), entry: index }
        break
      case 'hardlink': {
        const target = rawLinkTarget === undefined ? undefined : this.#lookup(rawLinkTarget, entry)
        if (typeof target === 'number') {
          const content = this.#fileContent[target] as number
          node = this.#fileRow(content, index)
          shared = this.#contents.get(content)
        } else if (target?.kind === 'symlink') {
          node = { kind: 'symlink', target: target.target, entry: index }
        } else {
          return { excluded: 'dangling-hardlink' }
        }
        break
      }
    }
    if (existing !== undefined) this.#shadow(existing)
    parent.children.set(name, node)
    return shared === undefined ? {} : { content: shared }
  }

  /** Builds the directory DAG (children first) and returns its root, and the stripped root when there is one. */
  async build (profile: Profile, sink: BlockSink): Promise<TreeCids> {
    // The stripped root is the root's only child directory: kept as it is built, not built a second time.
    const only = this.#root.children.size === 1 ? [...this.#root.children.values()][0] : undefined
    let stripped: CID | undefined
    const build = async (node: Node): Promise<{ cid: CID, dagSize: number }> => {
      if (typeof node === 'number') return this.#contents.get(this.#fileContent[node] as number)
      if (node.kind === 'symlink') return await buildSymlink(node.target, profile, sink)
      const links = []
      // A file's ref is at hand: only directories and symlinks are built (and awaited).
      for (const [name, child] of node.children) links.push({ name, ref: typeof child === 'number' ? this.#contents.get(this.#fileContent[child] as number) : await build(child) })
      const built = await buildDirectory(links, profile, sink)
      if (node === only) stripped = built.cid
      return built
    }
    const root = await build(this.#root)
    return stripped === undefined ? { root: root.cid } : { root: root.cid, stripped }
  }

  /** Path components after normalisation (of the raw path, or of its text), or the exclusion that applies. */
  #components (path: Uint8Array | string, entry: TreeEntry): string[] | Exclusion {
    const parts = typeof path === 'string' ? treePathOfText(path) : treePath(path)
    if (typeof parts === 'string') return parts
    if (parts.length > this.#limits.maxPathDepth) {
      throw new LimitExceededError(`path has ${parts.length} components, more than maxPathDepth ${this.#limits.maxPathDepth}`,
        { limit: 'maxPathDepth', entry: displayName(entry.path), offset: entry.headerOffset })
    }
    return parts
  }

  /** The directory that holds `path`'s last component, creating missing ones; undefined on a conflict. */
  #parentOf (path: string[]): DirNode | undefined {
    let dir = this.#root
    // An index, not a loop over path.slice(0, -1): once an entry, no copy and no iterator (#16).
    for (let i = 0; i < path.length - 1; i++) {
      const part = path[i] as string
      const next = dir.children.get(part)
      if (next === undefined) {
        const created: DirNode = { kind: 'dir', children: new Map(), entries: [] }
        dir.children.set(part, created)
        dir = created
      } else if (typeof next === 'object' && next.kind === 'dir') {
        dir = next
      } else {
        return undefined
      }
    }
    return dir
  }

  #lookup (rawPath: Uint8Array, entry: TreeEntry): Node | undefined {
    const path = this.#components(rawPath, entry)
    if (typeof path === 'string') return undefined
    let node: Node = this.#root
    for (const part of path) {
      if (typeof node !== 'object' || node.kind !== 'dir') return undefined
      const next: Node | undefined = node.children.get(part)
      if (next === undefined) return undefined
      node = next
    }
    return node
  }

  #shadow (node: Node): void {
    const stack: Node[] = [node]
    while (stack.length > 0) {
      const n = stack.pop() as Node
      if (typeof n === 'number') {
        // A file row's content is the entry's own (a hardlink's row shares its target's: the caller ignores it).
        this.#onShadowed(this.#fileEntry[n] as number, this.#contents.get(this.#fileContent[n] as number))
      } else if (n.kind === 'dir') {
        for (const entry of n.entries) this.#onShadowed(entry)
        for (const child of n.children.values()) stack.push(child)
      } else {
        this.#onShadowed(n.entry)
      }
    }
  }

  /** A new file row: content `content` (an index in #contents), defined by entry `entry`. */
  #fileRow (content: number, entry: number): FileRow {
    this.#fileContent.push(content)
    return this.#fileEntry.push(entry) - 1
  }
}
