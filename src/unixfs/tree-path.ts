/**
 * How an archive entry's path names a node of the unpacked tree (spec §9.2, GNU tar's extraction rules):
 * the one rule shared by the tree builder (src/manifest/tree.ts) and the path resolver, so that a path
 * resolves to exactly the node its entry made.
 */
import { utf8OrUndefined } from '../manifest/names.js'

/** Why a path names no node of the tree (the schema's `Exclusion` values for §9.2's failures). */
export type TreePathFailure = 'non-utf8-path' | 'unsafe-path'

/**
 * The components of `rawPath` in the tree: strict UTF-8, split at '/', empty and '.' components dropped
 * (so leading '/', './', doubled and trailing slashes change nothing). An empty list names the root.
 *
 * @example
 * ```ts
 * treePath(utf8('./a//b/')) // ['a', 'b']
 * treePath(utf8('a/../b'))  // 'unsafe-path'
 * ```
 */
export function treePath (rawPath: Uint8Array): string[] | TreePathFailure {
  const text = utf8OrUndefined(rawPath)
  if (text === undefined) return 'non-utf8-path'
  return treePathOfText(text)
}

/** treePath of a path already decoded (strict UTF-8): a caller that holds the text decodes it once. */
export function treePathOfText (text: string): string[] | TreePathFailure {
  const parts = text.split('/')
  let drops = false
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string
    // GNU tar refuses members with a '..' component, so the tree never holds them.
    if (part === '..') return 'unsafe-path'
    if (part === '' || part === '.') drops = true
  }
  // Most paths (all but a directory's, with its trailing '/') keep every part: no second list (#16).
  return drops ? parts.filter(part => part !== '' && part !== '.') : parts
}
