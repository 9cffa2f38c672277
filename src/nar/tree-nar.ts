/**
 * A UnixFS tree serialised as a NAR, read block by block: what `nix-store --dump` writes for the same
 * tree on disk. Directory entries in NAR order (names sorted bytewise, as Nix's std::map of names sorts
 * them: a HAMT's slot order and a UTF-16 sort are not it), files with their contents and the executable
 * flag the caller decides, symlinks with their targets. Every block is checked against its CID; a walk
 * uses an explicit stack, so a deep tree costs heap, not call stack.
 */
import type { CID } from 'multiformats/cid'
import type { BlockSource } from '../blocks.js'
import { joinBytes } from '../bytes-concat.js'
import { InvalidUnixFSError } from '../errors.js'
import { readDirectoryLinks, readFile, readNode } from '../unixfs/file-reader.js'
import { RAW_CODE } from '../unixfs/dag-ref.js'
import { withBlock } from '../unixfs/path-resolver.js'
import { lengthPrefix, narStrings, paddingFor } from './nar-framing.js'

/** Tokens are gathered up to this many bytes before they are handed on (a small file's node is one piece). */
const FLUSH_BYTES = 64 * 1024

const utf8 = new TextEncoder()

interface Child { readonly name: string, readonly bytes: Uint8Array, readonly cid: CID }

/**
 * The NAR serialisation of the node at `root` (a directory, a file or a symlink), without the NAR's
 * leading magic string (a whole NAR is `narStrings(NAR_MAGIC)` followed by this; see nar.ts).
 * `isExecutable` is asked for each file with its path components from `root`.
 *
 * @example
 * ```ts
 * out.write(narStrings(NAR_MAGIC))
 * for await (const bytes of narNode(manifest.tree.root, blockstore, () => false)) out.write(bytes)
 * ```
 */
export async function * narNode (root: CID, source: BlockSource, isExecutable: (path: readonly string[]) => boolean): AsyncGenerator<Uint8Array> {
  let pending: Uint8Array[] = []
  let pendingBytes = 0
  const push = (bytes: Uint8Array): void => { pending.push(bytes); pendingBytes += bytes.length }
  const flush = (): Uint8Array => {
    const out = joinBytes(pending)
    pending = []
    pendingBytes = 0
    return out
  }

  const path: string[] = []
  // Directories being written, innermost last: their children in NAR order and the next one to write.
  const stack: Array<{ children: Child[], next: number }> = []
  let next: CID | undefined = root
  for (;;) {
    if (next !== undefined) {
      const cid: CID = next
      next = undefined
      const node = await readNode(cid, source)
      if (node.kind === 'directory') {
        push(narStrings('(', 'type', 'directory'))
        stack.push({ children: await sortedChildren(cid, source), next: 0 })
        continue
      }
      if (node.kind === 'symlink') {
        push(narStrings('(', 'type', 'symlink', 'target', node.target, ')'))
      } else {
        push(narStrings('(', 'type', 'regular', ...(isExecutable(path) ? ['executable', ''] : []), 'contents'))
        push(lengthPrefix(node.size))
        yield flush()
        let read = 0
        // A raw leaf is the whole file, already checked by readNode; a File node is read from its root on.
        const chunks = cid.code === RAW_CODE ? [node.block] : readFile(cid, withBlock(source, { cid, block: node.block }))
        for await (const chunk of chunks) {
          read += chunk.length
          yield chunk
        }
        if (read !== node.size) throw new InvalidUnixFSError(`file ${cid} holds ${read} bytes where its root says ${node.size}`, { cid: cid.toString() })
        push(paddingFor(node.size))
        push(narStrings(')'))
      }
    } else {
      const frame = stack[stack.length - 1]
      if (frame === undefined) break
      const child = frame.children[frame.next++]
      if (child === undefined) {
        stack.pop()
        push(narStrings(')'))
      } else {
        path.push(child.name)
        push(narStrings('entry', '(', 'name', child.bytes, 'node'))
        next = child.cid
        if (pendingBytes >= FLUSH_BYTES) yield flush()
        continue
      }
    }
    // A node is complete: close the entry that holds it, if any.
    if (stack.length > 0) {
      push(narStrings(')'))
      path.pop()
    }
    if (pendingBytes >= FLUSH_BYTES) yield flush()
  }
  if (pendingBytes > 0) yield flush()
}

/** A directory's entries sorted by the bytes of their names (flat or HAMT alike). */
async function sortedChildren (cid: CID, source: BlockSource): Promise<Child[]> {
  const children: Child[] = []
  for await (const { name, link } of readDirectoryLinks(cid, source)) children.push({ name, bytes: utf8.encode(name), cid: link.Hash })
  return children.sort((a, b) => compareBytes(a.bytes, b.bytes))
}

function compareBytes (a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number)
  return a.length - b.length
}
