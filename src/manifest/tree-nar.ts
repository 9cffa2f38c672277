/**
 * `nar` (create --nar): the tree's NAR hashes recorded in the manifest's `tree`. The NAR is made by
 * walking the tree's blocks after the description has stored them, so the blocks must be readable
 * again: from the caller's blockstore when it can be read, else from a copy kept while describing
 * (`narBlocks`, in memory unless the caller gives a store, as manifestFromFile does with a temporary
 * directory).
 */
import { discardBlocks, MemoryBlocks, putBlock, type BlockSink, type BlockSource } from '../blocks.js'
import type { AnyEntry, Tree } from '../schema/types.js'
import type { ManifestOptions } from './result.js'

/** Where a description puts its blocks, and where the NAR walk reads them back (none without `nar`). */
export function describerBlocks (options: Pick<ManifestOptions, 'blockstore' | 'nar' | 'narBlocks'>): { sink: BlockSink, narSource?: BlockSource } {
  const sink = options.blockstore ?? discardBlocks
  if (options.nar !== true) return { sink }
  if (isReadable(sink)) return { sink, narSource: sink }
  const copy = options.narBlocks ?? new MemoryBlocks()
  return {
    sink: {
      async put (cid, bytes) {
        await putBlock(sink, cid, bytes)
        await putBlock(copy, cid, bytes)
      }
    },
    narSource: copy
  }
}

/** `tree` with its NAR hashes (`entries` in archive order give the executable bits). */
export async function withNarHashes (tree: Tree, entries: Iterable<AnyEntry>, source: BlockSource): Promise<Tree> {
  // The NAR writer (and the tree reader it walks with) loads only for `nar`, not for every description.
  const { treeNarHashes } = await import('../nar/nar.js')
  return { ...tree, ...await treeNarHashes(tree, entries, source) }
}

function isReadable (sink: BlockSink): sink is BlockSink & BlockSource {
  return typeof (sink as Partial<BlockSource>).get === 'function'
}
