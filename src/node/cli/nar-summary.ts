/** How `create` and `inspect` show the NAR hashes a manifest records (create --nar), in Nix's forms. */
import { nixHashOf, sriOf } from '../../nar/nar-hash.js'
import type { NarHash, Tree } from '../../schema/types.js'

/** The --json form: for the tree and the stripped tree, SRI (fetchzip's `hash`), nix32 and size. */
export function narJson (tree: Tree): object {
  if (tree.nar === undefined) return {}
  const one = (h: NarHash): object => ({ sri: sriOf(h.sha256), nix32: nixHashOf(h.sha256).slice('sha256:'.length), size: h.size })
  return { nar: { tree: one(tree.nar), stripped: tree.strippedNar === undefined ? null : one(tree.strippedNar) } }
}

/** The lines for people. */
export function narLines (tree: Tree): string[] {
  const line = (label: string, h: NarHash): string => `${label}${sriOf(h.sha256)}  (${nixHashOf(h.sha256)}, ${h.size} bytes)`
  return [
    ...(tree.nar === undefined ? [] : [line('nar       ', tree.nar)]),
    ...(tree.strippedNar === undefined ? [] : [line('nar strip ', tree.strippedNar)])
  ]
}
