/**
 * A Nix binary cache (Nix's HTTP binary cache protocol: `/nix-cache-info`, `/<hash part>.narinfo`, and
 * the NAR at the URL the narinfo gives) for the unpacked trees of the store's archives. Each tree, and its
 * stripped tree (fetchzip's default stripRoot), is served under the store paths a fixed-output derivation
 * with `outputHashMode = "recursive"` and `outputHashAlgo = "sha256"` gets for it (src/nar/store-path.ts)
 * with the names fetchers use: "source", and the tree's single top-level directory's name (the archive's
 * own name without its extension, as release tarballs name that directory; the store keeps no file
 * names). So `nix-build` of a fetchzip, fetchFromGitHub or builtins.fetchTarball whose hash is one of
 * these trees' is substituted from the blocks, with no archive and no network beyond this server.
 *
 * NARs are streamed from the blocks (src/nar/nar.ts), uncompressed, checked against their hash as they
 * go (the last chunk is held back until it holds, body.ts). A narinfo carries `CA: fixed:r:sha256:…`, so a
 * client can check the path from the NAR alone, and a signature when the server has a key. The NAR hashes
 * come from the manifests when they record them (create --nar), else from a walk of each tree, done once
 * per manifest when the cache first looks at the store's index, and again for new archives when a store
 * path it does not know is asked for (at most once per `nixCacheRefreshMs`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { CID } from 'multiformats/cid'
import type { BlockSource } from '../../blocks.js'
import { loadEntries, loadManifest } from '../../manifest/load.js'
import { nar as narOf, topName, treeNarHashes } from '../../nar/nar.js'
import type { NarHash } from '../../nar/nar-hash.js'
import { narInfoFingerprint, narInfoText, recursiveSha256Ca } from '../../nar/narinfo.js'
import { toNixBase32 } from '../../nar/nix-base32.js'
import { fixedOutputPath, isStoreName, NIX_STORE_DIR } from '../../nar/store-path.js'
import type { NixSigningKey } from '../nix-signing-key.js'
import { sendStreamed } from './body.js'
import { IMMUTABLE } from './caching.js'
import type { ServeContext } from './context.js'
import { HttpError } from './http-error.js'
import type { HashAlgorithm } from '../../store/hash-hex.js'
import type { IndexEntry } from '../../store/hash-index.js'

/** The binary cache's resources. */
export type NixCacheRoute =
  | { kind: 'nix', resource: 'cache-info' }
  | { kind: 'nix', resource: 'narinfo', hashPart: string }
  | { kind: 'nix', resource: 'nar', narHash: string }

const NIX32 = '[0-9abcdfghijklmnpqrsvwxyz]'
const NARINFO = new RegExp(`^(${NIX32}{32})\\.narinfo$`)
const NAR = new RegExp(`^(${NIX32}{52})\\.nar$`)

/**
 * The binary cache's route for a request path's segments (routes.ts has checked their spelling), or
 * undefined when the path is not one of its resources. A narinfo or NAR name of another form is 400.
 */
export function parseNixCacheTarget (segments: readonly string[], query: string | undefined): NixCacheRoute | undefined {
  const [first, second] = segments
  let route: NixCacheRoute | undefined
  if (segments.length === 1 && first === 'nix-cache-info') {
    route = { kind: 'nix', resource: 'cache-info' }
  } else if (segments.length === 1 && first?.endsWith('.narinfo') === true) {
    const hashPart = NARINFO.exec(first)?.[1]
    if (hashPart === undefined) throw new HttpError(400, 'a narinfo is /<32 nix32 characters>.narinfo')
    route = { kind: 'nix', resource: 'narinfo', hashPart }
  } else if (first === 'nar') {
    const narHash = segments.length === 2 ? NAR.exec(second ?? '')?.[1] : undefined
    if (narHash === undefined) throw new HttpError(400, 'a NAR is /nar/<52 nix32 characters>.nar')
    route = { kind: 'nix', resource: 'nar', narHash }
  }
  if (route !== undefined && query !== undefined) throw new HttpError(400, 'the binary cache\'s resources take no query')
  return route
}

/** A tree the cache serves: a manifest's tree, or its stripped tree, and its NAR's hash. */
interface CachedTree { readonly manifest: CID, readonly strip: boolean, readonly nar: NarHash }
interface CachedPath extends CachedTree { readonly storePath: string }

export interface NixCacheOptions {
  /** Signs every narinfo (`Sig:`), for clients with `require-sigs` that trust the key. */
  signingKey?: NixSigningKey
  /** How long after looking at the store's index an unknown store path is answered 404 without looking again (ms). */
  refreshMs: number
  /** Told of each manifest that could not be indexed (its tree's blocks missing, say). */
  onError?: (message: string) => void
}

/** The archives indexed (a store's `list`, or listIndex over a given index root). */
export type ListArchives = (algorithm?: HashAlgorithm) => AsyncIterable<IndexEntry>

/** The store paths and NARs of the store's trees, indexed as the module comment says. */
export class NixCache {
  readonly #archives: { readonly list?: ListArchives }
  readonly #source: BlockSource
  readonly #options: NixCacheOptions
  /** Store path hash part → the path and its tree. */
  readonly #paths = new Map<string, CachedPath>()
  /** nix32 of a NAR's sha256 → its tree. */
  readonly #nars = new Map<string, CachedTree>()
  /** Manifests already looked at (indexed or failed). */
  readonly #seen = new Set<string>()
  #refreshing: Promise<void> | undefined
  #lastRefresh = -Infinity

  /** `archives.list` gives the archives (without one, every store path is 404). */
  constructor (archives: { readonly list?: ListArchives }, source: BlockSource, options: NixCacheOptions) {
    this.#archives = archives
    this.#source = source
    this.#options = options
  }

  get signingKey (): NixSigningKey | undefined { return this.#options.signingKey }

  /** The store path whose hash part is `hashPart`, if the store has its tree. */
  async path (hashPart: string): Promise<CachedPath | undefined> {
    return this.#paths.get(hashPart) ?? await this.#refresh().then(() => this.#paths.get(hashPart))
  }

  /** The tree whose NAR has this sha256 (nix32), if the store has it. */
  async tree (narHash: string): Promise<CachedTree | undefined> {
    return this.#nars.get(narHash) ?? await this.#refresh().then(() => this.#nars.get(narHash))
  }

  /** Looks at the store's index for manifests not seen yet; one look at a time, at most one per refreshMs. */
  async #refresh (): Promise<void> {
    if (this.#refreshing !== undefined) return await this.#refreshing
    if (Date.now() - this.#lastRefresh < this.#options.refreshMs) return
    this.#refreshing = (async () => {
      try {
        for await (const entry of this.#archives.list?.('sha256') ?? []) {
          const key = entry.manifest.toString()
          if (this.#seen.has(key)) continue
          this.#seen.add(key)
          try {
            await this.#add(entry.manifest)
          } catch (err) {
            this.#options.onError?.(`binary cache: manifest ${key} not indexed: ${err instanceof Error ? err.message : String(err)}`)
          }
        }
      } finally {
        this.#lastRefresh = Date.now()
        this.#refreshing = undefined
      }
    })()
    await this.#refreshing
  }

  async #add (manifestCid: CID): Promise<void> {
    const manifest = await loadManifest(manifestCid, this.#source)
    const { tree } = manifest
    const hashes = tree.nar !== undefined ? tree : await treeNarHashes(tree, loadEntries(manifest, this.#source), this.#source)
    const top = tree.stripped === undefined ? undefined : await topName(tree, this.#source)
    const names = ['source', ...(top !== undefined && top !== 'source' && isStoreName(top) ? [top] : [])]
    const trees: CachedTree[] = [{ manifest: manifestCid, strip: false, nar: hashes.nar as NarHash }]
    if (hashes.strippedNar !== undefined) trees.push({ manifest: manifestCid, strip: true, nar: hashes.strippedNar })
    for (const t of trees) {
      this.#nars.set(toNixBase32(t.nar.sha256), t)
      for (const name of names) {
        const { hashPart, path } = fixedOutputPath(t.nar.sha256, name, NIX_STORE_DIR)
        this.#paths.set(hashPart, { ...t, storePath: path })
      }
    }
  }
}

/** Answers a binary cache request; throws an HttpError for any answer other than the resource. */
export async function serveNixCache (req: IncomingMessage, res: ServerResponse, route: NixCacheRoute, ctx: ServeContext, signal: AbortSignal): Promise<void> {
  if (route.resource === 'cache-info') {
    sendText(req, res, 'text/x-nix-cache-info', `StoreDir: ${NIX_STORE_DIR}\nWantMassQuery: 1\nPriority: 30\n`)
    return
  }
  if (route.resource === 'narinfo') {
    const path = await ctx.nix.path(route.hashPart)
    if (path === undefined) throw new HttpError(404, `no tree of this store has the store path hash ${route.hashPart}`)
    const key = ctx.nix.signingKey
    const text = narInfoText({
      storePath: path.storePath,
      url: `nar/${toNixBase32(path.nar.sha256)}.nar`,
      nar: path.nar,
      ca: recursiveSha256Ca(path.nar.sha256),
      ...(key === undefined ? {} : { sigs: [key.sign(narInfoFingerprint(path.storePath, path.nar))] })
    })
    sendText(req, res, 'text/x-nix-narinfo', text)
    return
  }
  const tree = await ctx.nix.tree(route.narHash)
  if (tree === undefined) throw new HttpError(404, `no tree of this store has the NAR hash sha256:${route.narHash}`)
  const headers = { 'Content-Type': 'application/x-nix-nar', 'Content-Length': String(tree.nar.size), 'Cache-Control': IMMUTABLE }
  await sendStreamed(req, res, headers, () => narOf(tree.manifest, ctx.source, { strip: tree.strip, expect: tree.nar }), ctx.streams, ctx.send, signal)
}

function sendText (req: IncomingMessage, res: ServerResponse, type: string, text: string): void {
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(text)), 'Cache-Control': 'public, max-age=3600' })
  res.end(req.method === 'HEAD' ? undefined : text)
}
