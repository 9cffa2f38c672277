/**
 * Zip symlinks' targets, for entries loaded from their records, which do not hold them (a zip symlink's
 * target is its data): read from the entry's content when it has one, else from the tree's symlink node
 * (a symlink whose deflated data is kept verbatim has no content). Tar entries carry theirs already.
 */
import type { BlockSource } from '../../blocks.js'
import { joinBytes } from '../../bytes-concat.js'
import { defaultLimits } from '../../limits.js'
import { nameFromBytes } from '../../manifest/names.js'
import type { AnyEntry, Manifest, ZipEntry } from '../../schema/types.js'
import { readFile, readSymlinkTarget } from '../../unixfs/file-reader.js'
import { TreePathResolver } from '../../unixfs/path-resolver.js'

/** `entries` with each zip symlink's `linkTarget` set where it can be read (see the module comment). */
export async function withLinkTargets (manifest: Manifest, entries: AnyEntry[], blocks: BlockSource): Promise<AnyEntry[]> {
  const tree = new TreePathResolver(manifest.tree.root, blocks)
  const out: AnyEntry[] = []
  for (const e of entries) {
    if ('typeflag' in e || e.type !== 'symlink' || e.linkTarget !== undefined) { out.push(e); continue }
    const target = await zipTarget(e, tree, blocks)
    out.push(target === undefined ? e : { ...e, linkTarget: nameFromBytes(target) })
  }
  return out
}

async function zipTarget (e: ZipEntry, tree: TreePathResolver, blocks: BlockSource): Promise<Uint8Array | undefined> {
  if (e.size === 0) return new Uint8Array(0)
  // Held in memory, so bounded as create bounds it by default (maxLongNameBytes); a longer one stays unknown.
  if (e.size > defaultLimits.maxLongNameBytes) return undefined
  if (e.content !== undefined) {
    const parts: Uint8Array[] = []
    for await (const part of readFile(e.content, blocks, { length: e.size })) parts.push(part)
    return joinBytes(parts)
  }
  if (e.excluded !== undefined) return undefined
  const node = await tree.resolve(typeof e.path === 'string' ? new TextEncoder().encode(e.path) : e.path)
  return node?.kind === 'symlink' ? await readSymlinkTarget(node.cid, blocks) : undefined
}
