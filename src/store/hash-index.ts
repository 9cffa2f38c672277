/**
 * The hash index (docs/spec.md "Hash index"): which manifest gives back the archive with a given sha256 or
 * sha512, as one IPLD root that any IPFS node can pin, replicate and resolve. The root is a UnixFS
 * directory with two directories, `sha256` and `sha512`; in each, an entry named by the lower-case hex
 * digest links the manifest's root block (dag-cbor), so `/ipfs/<root>/sha256/<hex>` names the manifest.
 * The directories are built exactly as `ipfs add` builds a directory under the index's profile (flat, or a
 * HAMT past the profile's threshold), so the root is a function of the set of entries alone.
 *
 * Updates copy paths (src/unixfs/directory-update.ts): they write new nodes for the changed names only and
 * return a new root; the old root and its blocks stay valid, as content addressing keeps them.
 */
import * as dagCbor from '@ipld/dag-cbor'
import { base16 } from 'multiformats/bases/base16'
import type { CID } from 'multiformats/cid'
import { getBlock, type BlockSink, type BlockSource } from '../blocks.js'
import { decodeManifest } from '../codec/manifest-codec.js'
import { InvalidIndexError } from '../errors.js'
import { DAG_PB_CODE } from '../unixfs/dag-ref.js'
import { decodeUnixFS, directoryNode, findInShard, findLink, type DirectoryNode, type FoundLink } from '../unixfs/directory-node.js'
import { buildDirectory, emptyDirectory, type DirectoryLink } from '../unixfs/directory.js'
import { updateDirectory, type DirectoryStore } from '../unixfs/directory-update.js'
import { readDirectoryLinks } from '../unixfs/file-reader.js'
import { getProfile, profiles, type Profile, type ProfileName } from '../unixfs/profile.js'
import { checkHashAlgorithm, checkHashHex, hashAlgorithms, isHashHex, type HashAlgorithm } from './hash-hex.js'

/** One entry of the index: the archive with this digest is given back by this manifest. */
export interface IndexEntry {
  readonly algorithm: HashAlgorithm
  /** The digest, lower-case hex. */
  readonly hex: string
  /** CID of the manifest's root block (dag-cbor). */
  readonly manifest: CID
}

export interface IndexOptions {
  /**
   * The profile the index's directories are built under when there is no root yet (default
   * `unixfs-v1-2025`). An existing index keeps its own: its root's CID version says which (§ "Hash index").
   */
  profile?: ProfileName
}

/**
 * The profile an index is built under, told by its root: a CIDv0 root is `unixfs-v0-2015`'s, a CIDv1
 * root `unixfs-v1-2025`'s (the two profiles differ in CID version, so the root says which it is).
 */
export function indexProfile (root: CID): Profile {
  return root.version === 0 ? profiles['unixfs-v0-2015'] : profiles['unixfs-v1-2025']
}

/**
 * Stores the empty index (both directories empty) and returns its root. Under `unixfs-v1-2025` it is
 * always the same CID, whoever builds it.
 */
export async function emptyIndex (sink: BlockSink, options: IndexOptions = {}): Promise<CID> {
  const profile = getProfile(options.profile)
  const empty = await emptyDirectory(profile, sink)
  const root = await buildDirectory(hashAlgorithms.map(name => ({ name, ref: empty })), profile, sink)
  return root.cid
}

/**
 * Indexes the manifests `manifests` (root block CIDs; each block must be in `blocks`) under their
 * archives' sha256 and sha512, and returns the new root. A digest already in the index is pointed at the
 * new manifest (the last one given wins); an entry that is already exactly so changes nothing, so indexing
 * the same manifests again returns the same root. `root` undefined: start from the empty index.
 *
 * @example
 * ```ts
 * const result = await manifestFromTarball(bytes, { blockstore: blocks })
 * const root = await addToIndex(undefined, [result.cid], blocks)
 * await lookupHash(root, blocks, 'sha256', sha256Hex) // result.cid
 * ```
 */
export async function addToIndex (root: CID | undefined, manifests: readonly CID[], blocks: DirectoryStore, options: IndexOptions = {}): Promise<CID> {
  const start = root ?? await emptyIndex(blocks, options)
  const profile = indexProfile(start)
  const changes: Record<HashAlgorithm, DirectoryLink[]> = { sha256: [], sha512: [] }
  for (const cid of manifests) {
    if (cid.code !== dagCbor.code) throw new InvalidIndexError(`${cid} is not a dag-cbor CID, so it is not a manifest`, { cid: cid.toString() })
    const block = await getBlock(blocks, cid)
    const { archive } = decodeManifest(block)
    // Tsize: the manifest's root block. What else it links (the tree, the pages) is shared and counted there.
    const ref = { cid, dagSize: block.length }
    changes.sha256.push({ name: base16.baseEncode(archive.sha256), ref })
    changes.sha512.push({ name: base16.baseEncode(archive.sha512), ref })
  }
  const { directories } = await indexRoot(start, blocks)
  const updated: DirectoryLink[] = []
  for (const algorithm of hashAlgorithms) {
    if (changes[algorithm].length === 0) continue
    updated.push({ name: algorithm, ref: await updateDirectory(directories[algorithm], changes[algorithm], profile, blocks) })
  }
  return (await updateDirectory(start, updated, profile, blocks)).cid
}

/**
 * The manifest the index `root` names for the archive whose `algorithm` digest is `hex`, or undefined.
 * `hex` must be exactly the digest's lower-case hex (ERR_INVALID_HASH otherwise). Reads one block per
 * level: the root, the algorithm's directory and, in a HAMT, a shard per level.
 */
export async function lookupHash (root: CID, blocks: BlockSource, algorithm: HashAlgorithm, hex: string): Promise<CID | undefined> {
  checkHashHex(algorithm, hex)
  const { directories } = await indexRoot(root, blocks)
  const directory = directories[algorithm]
  const node = await loadDirectory(directory, blocks)
  const found = node.type === 'directory' ? findLink(node, hex) : await findInShard(node, hex, async link => await loadDirectory(link.cid, blocks))
  return found === undefined ? undefined : manifestLink(found.cid, directory)
}

/**
 * Every entry of the index `root`: the sha256 entries, then the sha512 ones (or only `algorithm`'s), each
 * in directory order (a HAMT's is its slot order, not sorted). Checks every name and link as it goes.
 */
export async function * listIndex (root: CID, blocks: BlockSource, algorithm?: HashAlgorithm): AsyncGenerator<IndexEntry> {
  const { directories } = await indexRoot(root, blocks)
  for (const name of algorithm === undefined ? hashAlgorithms : [checkHashAlgorithm(algorithm)]) {
    const directory = directories[name]
    for await (const { name: hex, link } of readDirectoryLinks(directory, blocks)) {
      if (!isHashHex(name, hex)) {
        throw new InvalidIndexError(`index directory ${name} (${directory}) has an entry ${JSON.stringify(hex)} that is not a ${name} digest`, { cid: directory.toString() })
      }
      yield { algorithm: name, hex, manifest: manifestLink(link.Hash, directory) }
    }
  }
}

/** The root's `sha256` and `sha512` directories; ERR_INVALID_INDEX when the root is not an index. */
async function indexRoot (root: CID, blocks: BlockSource): Promise<{ directories: Record<HashAlgorithm, CID> }> {
  const node = await loadDirectory(root, blocks)
  if (node.type !== 'directory') throw new InvalidIndexError(`index root ${root} is a HAMT, not a flat directory`, { cid: root.toString() })
  const directories = {} as Record<HashAlgorithm, CID>
  for (const algorithm of hashAlgorithms) {
    const link: FoundLink | undefined = findLink(node, algorithm)
    if (link === undefined) throw new InvalidIndexError(`index root ${root} has no ${algorithm} directory`, { cid: root.toString() })
    if (link.cid.code !== DAG_PB_CODE) throw new InvalidIndexError(`index root ${root} links ${algorithm} to ${link.cid}, which is not a UnixFS directory`, { cid: root.toString() })
    directories[algorithm] = link.cid
  }
  return { directories }
}

async function loadDirectory (cid: CID, blocks: BlockSource): Promise<DirectoryNode> {
  if (cid.code !== DAG_PB_CODE) throw new InvalidIndexError(`${cid} is not a dag-pb CID, so it is not an index directory`, { cid: cid.toString() })
  const { data, unixfs, links } = decodeUnixFS(cid, await getBlock(blocks, cid))
  return directoryNode(cid, data, unixfs, links)
}

/** An entry's link, which must name a dag-cbor block (a manifest's root). */
function manifestLink (cid: CID, directory: CID): CID {
  if (cid.code !== dagCbor.code) throw new InvalidIndexError(`index directory ${directory} links ${cid}, which is not a dag-cbor manifest`, { cid: directory.toString() })
  return cid
}
