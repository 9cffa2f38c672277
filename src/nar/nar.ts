/**
 * The NAR of a manifest's unpacked tree, or of its single top-level directory (what Nix's fetchzip keeps
 * with its default stripRoot), streamed from the blocks without extracting anything: the tree gives the
 * names, contents and symlinks, the entries give the executable bits (the tree has no modes).
 */
import type { CID } from 'multiformats/cid'
import { equalBytes, type BlockSource } from '../blocks.js'
import { DigestMismatchError, InvalidArgumentError, InvalidManifestError } from '../errors.js'
import { loadEntries, loadManifest } from '../manifest/load.js'
import type { AnyEntry, Manifest, Tree } from '../schema/types.js'
import { readDirectoryLinks } from '../unixfs/file-reader.js'
import { ExecutableFiles } from './executables.js'
import { NAR_MAGIC, narStrings } from './nar-framing.js'
import { NarDigest, sriOf, type NarHash } from './nar-hash.js'
import { narNode } from './tree-nar.js'

export interface NarOptions {
  /** The NAR of the tree's single top-level directory (`tree.stripped`) rather than of the whole tree. */
  strip?: boolean
  /** Check the stream against this hash (default: the one the manifest records, if it records one). */
  expect?: NarHash
}

/**
 * The NAR (`nix-store --dump` of the extracted tree) of the manifest `manifestCid`'s tree. Throws
 * InvalidArgumentError with `strip` when the tree has no single top-level directory.
 *
 * @example
 * ```ts
 * for await (const bytes of nar(manifestCid, blockstore, { strip: true })) out.write(bytes)
 * ```
 */
export async function * nar (manifestCid: CID, source: BlockSource, options: NarOptions = {}): AsyncGenerator<Uint8Array> {
  const manifest = await loadManifest(manifestCid, source)
  const executables = new ExecutableFiles()
  for await (const entry of loadEntries(manifest, source)) executables.add(entry)
  const strip = options.strip === true
  const root = strip ? strippedOf(manifest) : manifest.tree.root
  const prefix = strip ? [await topName(manifest.tree, source)] : []
  const recorded = options.expect ?? (strip ? manifest.tree.strippedNar : manifest.tree.nar)
  const digest = new NarDigest()
  const magic = narStrings(NAR_MAGIC)
  digest.update(magic)
  yield magic
  for await (const bytes of narNode(root, source, path => executables.isExecutable([...prefix, ...path]))) {
    digest.update(bytes)
    yield bytes
  }
  // A recorded hash is checked after the last chunk, as restoreArchive checks the archive's sha256.
  if (recorded !== undefined) {
    const made = digest.finish()
    if (made.size !== recorded.size || !equalBytes(made.sha256, recorded.sha256)) {
      throw new DigestMismatchError(`the NAR came to ${made.size} bytes with sha256 ${sriOf(made.sha256)}; expected ${recorded.size} bytes, ${sriOf(recorded.sha256)}`)
    }
  }
}

/**
 * The NAR hashes a manifest records with `nar` (create --nar): of the tree, and of the stripped tree
 * when there is one. One walk of the blocks serves both, since the stripped tree's NAR is the magic
 * followed by the same node bytes that the whole tree's NAR holds under its single entry.
 */
export async function treeNarHashes (tree: Tree, entries: Iterable<AnyEntry> | AsyncIterable<AnyEntry>, source: BlockSource): Promise<{ nar: NarHash, strippedNar?: NarHash }> {
  const executables = new ExecutableFiles()
  for await (const entry of entries) executables.add(entry)
  const whole = new NarDigest()
  whole.update(narStrings(NAR_MAGIC))
  if (tree.stripped === undefined) {
    for await (const bytes of narNode(tree.root, source, path => executables.isExecutable(path))) whole.update(bytes)
    return { nar: whole.finish() }
  }
  const top = await topName(tree, source)
  const stripped = new NarDigest()
  stripped.update(narStrings(NAR_MAGIC))
  whole.update(narStrings('(', 'type', 'directory', 'entry', '(', 'name', top, 'node'))
  for await (const bytes of narNode(tree.stripped, source, path => executables.isExecutable([top, ...path]))) {
    whole.update(bytes)
    stripped.update(bytes)
  }
  whole.update(narStrings(')', ')'))
  return { nar: whole.finish(), strippedNar: stripped.finish() }
}

function strippedOf (manifest: Manifest): CID {
  if (manifest.tree.stripped === undefined) {
    throw new InvalidArgumentError('the tree has no single top-level directory to strip (its root holds other entries, or a file)')
  }
  return manifest.tree.stripped
}

/**
 * The name of the one entry of a tree root that has a stripped tree (it must link that tree): the
 * directory fetchzip strips, which a release tarball names after itself ("hello-2.10").
 */
export async function topName (tree: Tree, source: BlockSource): Promise<string> {
  const links = []
  for await (const link of readDirectoryLinks(tree.root, source)) {
    links.push(link)
    if (links.length > 1) break
  }
  const only = links.length === 1 ? links[0] : undefined
  if (only === undefined || tree.stripped === undefined || !only.link.Hash.equals(tree.stripped)) {
    throw new InvalidManifestError('tree.stripped is not the single entry of the tree\'s root')
  }
  return only.name
}
