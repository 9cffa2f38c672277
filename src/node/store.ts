/**
 * A store on disk: the blocks of described archives in a blockstore-fs directory (the IPFS ecosystem's
 * own, as helia uses it) and the current root of the hash index (src/store/hash-index.ts) in a small file
 * beside it, replaced atomically after every update, so the store and its index persist across restarts.
 *
 *   DIR/blocks/      blockstore-fs: one file per block
 *   DIR/index-root   the index root CID, one line
 *
 * Adding an archive describes it into the blockstore, restores it from the blocks and checks its digest,
 * and only then indexes it. Index updates of one Store are serialized (adds that finish together are
 * indexed in one update); one process writes a store at a time (others may read it and `reload`).
 */
import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { FsBlockstore } from 'blockstore-fs'
import { CID } from 'multiformats/cid'
import { bytesSource } from '../archive/zip/source.js'
import { getBlock } from '../blocks.js'
import { BlockNotFoundError, FileNotFoundError, InvalidStoreError } from '../errors.js'
import type { Limits } from '../limits.js'
import { manifestFromTarball, type ManifestResult } from '../manifest/create.js'
import { formatOf } from '../manifest/detect.js'
import { restoreArchive } from '../manifest/restore.js'
import { manifestFromZip } from '../manifest/zip.js'
import type { AnyEntry, Manifest } from '../schema/types.js'
import { archiveStats, type ArchiveStats } from '../store/archive-stats.js'
import { addToIndex, emptyIndex, indexProfile, listIndex, lookupHash, type IndexEntry } from '../store/hash-index.js'
import type { HashAlgorithm } from '../store/hash-hex.js'
import { DAG_PB_CODE } from '../unixfs/dag-ref.js'
import { getProfile, type ProfileName } from '../unixfs/profile.js'
import { writeFileAtomically } from './atomic-file.js'
import { openArchiveFile } from './files.js'
import { checkInputFile, typedFsError } from './fs-errors.js'
import { manifestFromFile } from './manifest-file.js'
import { createWorkerRebuildEncoders } from './worker-rebuild-encoders.js'

/** The index root's file in a store directory. */
export const INDEX_ROOT_FILE = 'index-root'
/** The blockstore's directory in a store directory. */
export const BLOCKS_DIR = 'blocks'

export interface StoreOptions {
  /**
   * The profile of manifests added (and of the index, when the store is new). Default: the profile of an
   * existing store's index (its root's CID version says which), else `unixfs-v1-2025`.
   */
  profile?: ProfileName
  /** Create the store when DIR does not exist or is empty (default true); otherwise that is an error. */
  create?: boolean
}

export interface AddOptions {
  /** The manifest's profile (default: the store's). */
  profile?: ProfileName
  /** Overrides of the named resource limits (see limits.ts). */
  limits?: Partial<Limits>
  /** Called as the archive is described, with the number of its bytes read so far. */
  onProgress?: (bytesRead: number) => void
}

/** What adding one archive did. */
export interface AddResult extends ArchiveStats {
  /** The manifest that gives the archive back (root block CID). */
  readonly manifest: CID
  readonly sha256: string
  readonly sha512: string
  /**
   * false when the archive was already indexed, by a manifest of the same profile: nothing was described
   * or written, and `indexRoot` is unchanged.
   */
  readonly added: boolean
  /** The index root once this archive is in it. */
  readonly indexRoot: CID
}

/** A store opened by openStore. */
export interface Store {
  /** The store directory. */
  readonly dir: string
  /** Every block of the store: read and write it like any interface-blockstore (helia's own type). */
  readonly blockstore: FsBlockstore
  /** The current root of the hash index. */
  readonly indexRoot: CID
  /** The profile of manifests added unless `add` is told otherwise. */
  readonly profile: ProfileName
  /** The manifest indexed for the archive whose `algorithm` digest is `hex` (lower-case; ERR_INVALID_HASH otherwise). */
  lookup: (algorithm: HashAlgorithm, hex: string) => Promise<CID | undefined>
  /** The index's entries (see listIndex). */
  list: (algorithm?: HashAlgorithm) => AsyncGenerator<IndexEntry>
  /** Describes, verifies and indexes an archive: a file's path, or its bytes. */
  add: (archive: string | Uint8Array, options?: AddOptions) => Promise<AddResult>
  /**
   * Indexes manifests whose blocks are already in the blockstore (say, fetched from elsewhere), without
   * restoring them; returns the new index root.
   */
  index: (manifests: readonly CID[]) => Promise<CID>
  /**
   * Reads the index root file again and returns the root: for a process that reads a store another
   * process writes (a Store's own adds keep its root current; do not reload while it is adding).
   */
  reload: () => Promise<CID>
  close: () => Promise<void>
}

/**
 * Opens the store in `dir`, creating it when `dir` does not exist or is empty. A directory that holds
 * something but no index-root file, or an index-root file that is not one CID line naming a root the
 * blockstore holds, is ERR_INVALID_STORE: a store whose index is lost is never silently started afresh.
 *
 * @example
 * ```ts
 * const store = await openStore('sources')
 * const { manifest, sha256, indexRoot } = await store.add('hello-2.12.tar.gz')
 * await store.lookup('sha256', sha256) // manifest
 * await store.close()
 * ```
 */
export async function openStore (dir: string, options: StoreOptions = {}): Promise<Store> {
  const rootPath = join(dir, INDEX_ROOT_FILE)
  const blockstore = new FsBlockstore(join(dir, BLOCKS_DIR), { createIfMissing: false })
  const text = await readOptional(rootPath)
  let root: CID
  if (text === undefined) {
    const present = await listDirectory(dir)
    if (present === undefined && options.create === false) throw new FileNotFoundError(`no store at ${dir}`, { path: dir })
    if (present !== undefined && present.length > 0) {
      throw new InvalidStoreError(`${dir} is not a store: it has no ${INDEX_ROOT_FILE} file (and is not empty)`, { path: rootPath })
    }
    if (options.create === false) throw new InvalidStoreError(`${dir} is empty, not a store`, { path: rootPath })
    await mkdir(join(dir, BLOCKS_DIR), { recursive: true }).catch(err => { throw typedFsError(err) })
    await blockstore.open()
    root = await emptyIndex(blockstore, options.profile === undefined ? {} : { profile: options.profile })
    await writeRoot(rootPath, root)
  } else {
    root = parseRoot(text, rootPath)
    if (await listDirectory(join(dir, BLOCKS_DIR)) === undefined) throw new InvalidStoreError(`${dir} has no ${BLOCKS_DIR} directory`, { path: join(dir, BLOCKS_DIR) })
    await blockstore.open()
    await checkRoot(root, blockstore, rootPath)
  }
  return new FsStore(dir, rootPath, blockstore, root, getProfile(options.profile ?? indexProfile(root).name).name)
}

/** One pending index update: the manifests to add, and who waits for the root that holds them. */
interface Pending {
  readonly manifests: readonly CID[]
  readonly resolve: (root: CID) => void
  readonly reject: (err: unknown) => void
}

class FsStore implements Store {
  readonly dir: string
  readonly blockstore: FsBlockstore
  readonly profile: ProfileName
  readonly #rootPath: string
  #root: CID
  #pending: Pending[] = []
  #updating = false

  constructor (dir: string, rootPath: string, blockstore: FsBlockstore, root: CID, profile: ProfileName) {
    this.dir = dir
    this.#rootPath = rootPath
    this.blockstore = blockstore
    this.#root = root
    this.profile = profile
  }

  get indexRoot (): CID { return this.#root }

  async lookup (algorithm: HashAlgorithm, hex: string): Promise<CID | undefined> {
    return await lookupHash(this.#root, this.blockstore, algorithm, hex)
  }

  list (algorithm?: HashAlgorithm): AsyncGenerator<IndexEntry> {
    return listIndex(this.#root, this.blockstore, algorithm)
  }

  async add (archive: string | Uint8Array, options: AddOptions = {}): Promise<AddResult> {
    const profile = getProfile(options.profile ?? this.profile).name
    if (typeof archive === 'string') await checkInputFile(archive)
    // An archive indexed already under this profile is not described again: one pass of sha256 decides.
    const known = await this.#indexed(await sha256Of(archive), profile)
    if (known !== undefined) return known
    const describeOptions = { profile, blockstore: this.blockstore, ...(options.limits === undefined ? {} : { limits: options.limits }), ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }) }
    const result = typeof archive === 'string' ? await manifestFromFile(archive, describeOptions) : await describeBytes(archive, describeOptions)
    // The archive comes back from the store's blocks, or it is not indexed: restoreArchive checks its size and sha256.
    // A compressed one is rebuilt, its members encoded on worker threads (started only if there are any).
    const rebuild = createWorkerRebuildEncoders()
    try {
      for await (const _ of restoreArchive(result.cid, this.blockstore, rebuild.encoders));
    } finally { await rebuild.close() }
    const indexRoot = await this.index([result.cid])
    return addResult(result.cid, await archiveStats(result.cid, this.blockstore), true, indexRoot)
  }

  async index (manifests: readonly CID[]): Promise<CID> {
    return await new Promise((resolve, reject) => {
      this.#pending.push({ manifests, resolve, reject })
      void this.#update()
    })
  }

  async reload (): Promise<CID> {
    const text = await readOptional(this.#rootPath)
    if (text === undefined) throw new InvalidStoreError(`${this.#rootPath} is gone`, { path: this.#rootPath })
    const root = parseRoot(text, this.#rootPath)
    await checkRoot(root, this.blockstore, this.#rootPath)
    this.#root = root
    return root
  }

  async close (): Promise<void> {
    await this.blockstore.close()
  }

  /** The result for an archive whose sha256 is indexed by a manifest of `profile`, if it is. */
  async #indexed (sha256: string, profile: ProfileName): Promise<AddResult | undefined> {
    const cid = await this.lookup('sha256', sha256)
    if (cid === undefined) return undefined
    let stats: Awaited<ReturnType<typeof archiveStats>>
    try {
      stats = await archiveStats(cid, this.blockstore)
    } catch (err) {
      // The indexed manifest's blocks are gone: describe the archive again, which stores them anew.
      if (err instanceof BlockNotFoundError) return undefined
      throw err
    }
    return stats.manifest.profile === profile ? addResult(cid, stats, false, this.#root) : undefined
  }

  /** Applies pending updates, all that are waiting at once, one update at a time. */
  async #update (): Promise<void> {
    if (this.#updating) return
    this.#updating = true
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0)
        try {
          await this.#apply(batch.flatMap(p => p.manifests))
          for (const p of batch) p.resolve(this.#root)
        } catch (err) {
          if (batch.length === 1) { batch[0]?.reject(err); continue }
          // One bad manifest must not fail the others that happened to wait with it.
          for (const p of batch) {
            try {
              await this.#apply(p.manifests)
              p.resolve(this.#root)
            } catch (err) { p.reject(err) }
          }
        }
      }
    } finally {
      this.#updating = false
    }
  }

  async #apply (manifests: readonly CID[]): Promise<void> {
    const root = await addToIndex(this.#root, manifests, this.blockstore)
    if (root.equals(this.#root)) return
    await writeRoot(this.#rootPath, root)
    this.#root = root
  }
}

function addResult (cid: CID, { manifest, ...stats }: ArchiveStats & { manifest: Manifest }, added: boolean, indexRoot: CID): AddResult {
  return { ...stats, manifest: cid, sha256: hex(manifest.archive.sha256), sha512: hex(manifest.archive.sha512), added, indexRoot }
}

/** Describes an archive in memory: a zip (by formatOf's rule) or a tar, plain or compressed. */
async function describeBytes (bytes: Uint8Array, options: Parameters<typeof manifestFromTarball>[1]): Promise<ManifestResult<AnyEntry>> {
  if (await formatOf(bytesSource(bytes)) === 'zip') return await manifestFromZip(bytes, options)
  return await manifestFromTarball(bytes, options)
}

async function sha256Of (archive: string | Uint8Array): Promise<string> {
  const hash = createHash('sha256')
  if (archive instanceof Uint8Array) return hash.update(archive).digest('hex')
  for await (const chunk of (await openArchiveFile(archive)).chunks) hash.update(chunk)
  return hash.digest('hex')
}

function hex (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/** The root file's one line: a dag-pb CID. */
function parseRoot (text: string, path: string): CID {
  const line = text.endsWith('\n') ? text.slice(0, -1) : text
  let root: CID | undefined
  try {
    root = /^[0-9A-Za-z]+$/.test(line) ? CID.parse(line) : undefined
  } catch {}
  if (root === undefined || root.code !== DAG_PB_CODE) {
    throw new InvalidStoreError(`${path} does not hold an index root (one line: the CID of a UnixFS directory)`, { path })
  }
  return root
}

/** The root must be a block of the store (a store whose index blocks are gone cannot say what it holds). */
async function checkRoot (root: CID, blockstore: FsBlockstore, path: string): Promise<void> {
  try {
    await getBlock(blockstore, root)
  } catch (err) {
    if (err instanceof BlockNotFoundError) throw new InvalidStoreError(`${path} names ${root}, which the store's blocks do not hold`, { path, cid: root.toString() }, { cause: err })
    throw err
  }
}

async function writeRoot (path: string, root: CID): Promise<void> {
  await writeFileAtomically(path, [new TextEncoder().encode(`${root}\n`)]).catch(err => { throw typedFsError(err) })
}

async function readOptional (path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw typedFsError(err)
  }
}

/** The names in a directory, or undefined when there is none at `path`. */
async function listDirectory (path: string): Promise<string[] | undefined> {
  try {
    return await readdir(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw typedFsError(err)
  }
}
