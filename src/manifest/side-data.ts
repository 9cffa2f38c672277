/**
 * sideData: what a manifest costs beside the unpacked tree, i.e. the blocks it reaches that neither tree
 * holds (the root block, entry pages, the content of entries outside the tree, trailing bytes, zip spans,
 * and a compressed archive's own blocks when no recipe rebuilds it). It is what a store that already holds
 * the tree needs to give the archive back, and what `inspect` and the corpus bench report.
 *
 * The trees are walked first, reading only the blocks that may link others (raw blocks link nothing, so
 * unixfs-v1-2025's leaves are never read; unixfs-v0-2015's dag-pb leaves are); then every block reachable
 * from the manifest and not in a tree is read once and counted.
 */
import * as dagCbor from '@ipld/dag-cbor'
import * as dagPb from '@ipld/dag-pb'
import type { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { getBlock, type BlockSource } from '../blocks.js'
import { linksOf } from '../codec/links.js'
import type { Manifest } from '../schema/types.js'

export interface SideData {
  /** Bytes of the blocks beside the trees, the root block included. */
  bytes: number
  /** How many blocks those are. */
  blocks: number
  /** Their bytes by codec. */
  byCodec: { 'dag-cbor': number, 'dag-pb': number, raw: number }
}

const codecNames: Record<number, keyof SideData['byCodec']> = { [dagCbor.code]: 'dag-cbor', [dagPb.code]: 'dag-pb', [raw.code]: 'raw' }

/**
 * The side data of the manifest `cid` (its decoded root `manifest`), from `source`, which must hold every
 * block the manifest reaches (a missing one is ERR_BLOCK_NOT_FOUND).
 *
 * @example
 * ```ts
 * const { bytes } = await sideData(result.cid, result.manifest, blockstore)
 * ```
 */
export async function sideData (cid: CID, manifest: Manifest, source: BlockSource): Promise<SideData> {
  const tree = new Set<string>()
  const trees = [manifest.tree.root, ...(manifest.tree.stripped === undefined ? [] : [manifest.tree.stripped])]
  for (const root of trees) {
    const stack = [root]
    while (stack.length > 0) {
      const next = stack.pop() as CID
      const key = next.toString()
      if (tree.has(key)) continue
      tree.add(key)
      if (next.code !== raw.code) stack.push(...linksOf(next, await getBlock(source, next)))
    }
  }
  const result: SideData = { bytes: 0, blocks: 0, byCodec: { 'dag-cbor': 0, 'dag-pb': 0, raw: 0 } }
  const seen = new Set<string>()
  const stack = [cid]
  while (stack.length > 0) {
    const next = stack.pop() as CID
    const key = next.toString()
    if (seen.has(key) || tree.has(key)) continue
    seen.add(key)
    const bytes = await getBlock(source, next)
    result.bytes += bytes.length
    result.blocks++
    const codec = codecNames[next.code]
    if (codec !== undefined) result.byCodec[codec] += bytes.length
    stack.push(...linksOf(next, bytes))
  }
  return result
}
