/**
 * verifyManifest: everything a manifest claims, checked from its blocks alone.
 *   0. every block the manifest reaches (entry pages, archive DAG, content DAGs, tree, stripped tree) is
 *      present, hashes to its CID and decodes: all problems are reported together (reachable.ts), before
 *      anything else is checked, because each later step would stop at the first missing block;
 *   1. every manifest block matches the schema and is canonical dag-cbor (load.ts, manifest-codec.ts);
 *   2. the entry pages hold entryCount entries whose offsets go forward and stay inside the archive;
 *   3. the archive DAG restores to bytes of the recorded size, sha256 and sha512 (every block re-hashed);
 *   4. describing those restored bytes again gives the very same manifest CID, which proves every content
 *      CID, tree CID, entry and page, because the format has exactly one encoding for one archive.
 */
import type { CID } from 'multiformats/cid'
import type { BlockSource, Blockstore } from '../blocks.js'
import { equalBytes, getBlock } from '../blocks.js'
import { createDigest } from '../digest/incremental.js'
import { BlockNotFoundError, DigestMismatchError, InvalidManifestError, VerifyFailedError, type BlockProblem } from '../errors.js'
import { defaultLimits, type Limits } from '../limits.js'
import { manifestFromTarball } from './create.js'
import { loadTarEntries, loadManifest, loadZipEntries } from './load.js'
import { checkReachableBlocks } from './reachable.js'
import { restoreArchive } from './restore.js'
import { manifestFromZip } from './zip.js'
import { RebuiltZipSource } from './zip-rebuilt-source.js'
import type { Manifest, ZipEntry } from '../schema/types.js'
import type { ManifestResult } from './result.js'

export interface VerifyReport {
  cid: CID
  entries: number
  archiveBytes: number
  /** Distinct blocks the manifest reaches, its own block included: each was read and checked. */
  blocks: number
  /** The blocks that could not be used: always empty in a returned report (VerifyFailedError carries them). */
  problems: BlockProblem[]
}

/**
 * Checks a manifest from its blocks alone (see the module comment). Throws VerifyFailedError, listing
 * every missing, corrupt or undecodable block with the parts of the manifest that link it, or the typed
 * error of the first claim found false (ERR_DIGEST_MISMATCH, ERR_INVALID_MANIFEST, …).
 *
 * @example
 * ```ts
 * try {
 *   const report = await verifyManifest(manifestCid, blockstore)
 * } catch (err) {
 *   if (err instanceof VerifyFailedError) for (const p of err.problems) console.log(p.code, p.cid, p.where)
 * }
 * ```
 */
export async function verifyManifest (cid: CID, source: BlockSource, options: { limits?: Partial<Limits> } = {}): Promise<VerifyReport> {
  const manifest = await loadManifest(cid, source)
  const { blocks, problems } = await checkReachableBlocks(cid, manifest, source)
  if (problems.length > 0) {
    throw new VerifyFailedError(`${problems.length} of the ${blocks} blocks manifest ${cid} reaches ${problems.length === 1 ? 'is' : 'are'} missing, corrupt or undecodable`,
      { problems, blocks })
  }
  const entries = manifest.archive.format === 'zip'
    ? await verifyZip(cid, manifest, source, options)
    : await verifyTar(cid, manifest, source, options)
  return { cid, entries, archiveBytes: manifest.archive.size, blocks, problems }
}

/** A tar, plain or compressed: returns its entry count. */
async function verifyTar (cid: CID, manifest: Manifest, source: BlockSource, options: { limits?: Partial<Limits> }): Promise<number> {
  const tarSize = manifest.tar?.size ?? 0
  let entries = 0
  let lastHeader = -1
  for await (const entry of loadTarEntries(manifest, source)) {
    const end = entry.dataOffset + entry.dataSize
    if (entry.headerOffset <= lastHeader || entry.dataOffset < entry.headerOffset || end > tarSize) {
      throw new InvalidManifestError(`entry ${entries} has offsets that do not fit the archive`, { offset: entry.headerOffset })
    }
    lastHeader = entry.headerOffset
    entries++
  }

  const sha512 = createDigest('sha512')
  const restored = (async function * () {
    for await (const chunk of restoreArchive(cid, source)) { sha512.update(chunk); yield chunk }
  })()
  // The manifest was made under its creator's limits; an entry count it already holds is not a reason to fail.
  const limits = { ...options.limits, maxEntries: Math.max(options.limits?.maxEntries ?? defaultLimits.maxEntries, manifest.entryCount) }
  const again = await manifestFromTarball(restored, { profile: manifest.profile, limits, ...narOptions(manifest, source) })
  if (!equalBytes(sha512.digest(), manifest.archive.sha512)) {
    throw new DigestMismatchError('restored archive does not have the sha512 the manifest records')
  }
  if (!again.cid.equals(cid)) {
    throw new InvalidManifestError(`describing the restored archive gives manifest ${again.cid}, not ${cid}`)
  }
  return entries
}

/**
 * A zip: the entries' ranges lie inside the archive, and describing the rebuilt zip again gives the same
 * manifest CID, which proves its size, sha256 and sha512 too. A zip is read from its end, so that
 * description reads the rebuilt zip at random, as it is made (RebuiltZipSource): memory does not grow
 * with the archive's size. When it fails, the restored bytes are checked against the recorded digests
 * first, so that a manifest that does not restore says so (ERR_DIGEST_MISMATCH) rather than how its
 * wrong bytes fail to read as a zip.
 */
async function verifyZip (cid: CID, manifest: Manifest, source: BlockSource, options: { limits?: Partial<Limits> }): Promise<number> {
  const zip = manifest.zip
  if (zip === undefined) throw new InvalidManifestError('a "zip" manifest without its zip fields')
  let entries = 0
  for await (const entry of loadZipEntries(manifest, source)) {
    if (entry.dataOffset + entry.compressedSize > manifest.archive.size) {
      throw new InvalidManifestError(`zip entry ${entries} has offsets that do not fit the archive`, { offset: entry.localHeaderOffset })
    }
    entries++
  }
  const rebuilt = new RebuiltZipSource(manifest, source)
  const length = await rebuilt.length()
  if (length !== manifest.archive.size) {
    throw new DigestMismatchError(`the rebuilt zip has ${length} bytes; the manifest records ${manifest.archive.size}`, { expected: manifest.archive.size, actual: length })
  }
  const limits = { ...options.limits, maxEntries: Math.max(options.limits?.maxEntries ?? defaultLimits.maxEntries, manifest.entryCount) }
  let again: ManifestResult<ZipEntry>
  try {
    again = await manifestFromZip(rebuilt, { profile: manifest.profile, limits, ...narOptions(manifest, source) })
  } catch (err) {
    await checkRestored(cid, manifest, source)
    throw err
  }
  if (!again.cid.equals(cid)) {
    await checkRestored(cid, manifest, source)
    throw new InvalidManifestError(`describing the restored archive gives manifest ${again.cid}, not ${cid}`)
  }
  return entries
}

/** Throws DigestMismatchError unless the manifest restores to bytes of its recorded size, sha256 and sha512. */
async function checkRestored (cid: CID, manifest: Manifest, source: BlockSource): Promise<void> {
  // restoreArchive checks the size and sha256 as it ends.
  const sha512 = createDigest('sha512')
  for await (const chunk of restoreArchive(cid, source)) sha512.update(chunk)
  if (!equalBytes(sha512.digest(), manifest.archive.sha512)) {
    throw new DigestMismatchError('restored archive does not have the sha512 the manifest records')
  }
}

/**
 * A manifest made with `nar` records its tree's NAR hashes, so describing the restored archive again must
 * compute them too, or the manifests differ by those fields alone. The NAR is walked over the blocks of
 * the tree the description makes; when that tree is the manifest's (the only case in which the manifests
 * can be equal), they are all in `source`, already read and checked above, so nothing is kept while
 * describing. A block the description made that `source` lacks means another tree: said as such.
 */
function narOptions (manifest: Manifest, source: BlockSource): { nar?: true, blockstore?: Blockstore } {
  if (manifest.tree.nar === undefined) return {}
  return {
    nar: true,
    blockstore: {
      put () {},
      async get (cid) {
        try {
          return await getBlock(source, cid)
        } catch (err) {
          // Only an absent block means another tree; a block that no longer hashes to its CID says so itself.
          if (!(err instanceof BlockNotFoundError)) throw err
          throw new InvalidManifestError(`describing the restored archive gives a tree with block ${cid}, which the manifest's tree does not have`, {}, { cause: err })
        }
      }
    }
  }
}
