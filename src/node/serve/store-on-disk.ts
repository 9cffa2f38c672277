/**
 * A store on disk (openStore) as the mirror sees it. `add` may run in another process while the mirror
 * serves the same directory: it replaces the index-root file, so a digest the mirror does not find makes
 * it read that file again before it answers 404. A hit never touches the file.
 */
import type { Store } from '../store.js'
import type { MirrorStore } from './mirror-store.js'

/**
 * @example
 * ```ts
 * const server = createMirrorServer({ store: mirrorStoreOf(await openStore('sources', { create: false })) })
 * ```
 */
export function mirrorStoreOf (store: Store): MirrorStore {
  return {
    blockstore: store.blockstore,
    async lookup (algorithm, hex) {
      const found = await store.lookup(algorithm, hex)
      if (found !== undefined) return found
      const before = store.indexRoot
      // A root file caught mid-replacement or damaged leaves the index as it was: the answer is then a 404.
      const after = await store.reload().catch(() => before)
      return after.equals(before) ? undefined : await store.lookup(algorithm, hex)
    },
    // The Nix binary cache lists the archives when asked for a path it does not know: the index as it is now.
    async * list (algorithm) {
      await store.reload().catch(() => {})
      yield * store.list(algorithm)
    }
  }
}
