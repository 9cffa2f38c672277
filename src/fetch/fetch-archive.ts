/**
 * fetchArchive: an archive by its digest, from hashed mirrors or from trustless gateways' blocks through
 * a hash index, checked all the way. Mirrors are asked first (one request gives the whole archive), then
 * the gateways; each in turn until one gives the archive (failover.ts). Nothing is kept but a bounded
 * cache of blocks, so memory does not grow with the archive.
 */
import { CID } from 'multiformats/cid'
import { base16 } from 'multiformats/bases/base16'
import { HashNotIndexedError, InvalidArgumentError } from '../errors.js'
import type { RebuildEncoders } from '../manifest/restore.js'
import { lookupHash } from '../store/hash-index.js'
import { checkHashHex, type HashAlgorithm } from '../store/hash-hex.js'
import { BlockCache, DEFAULT_CACHE_BYTES } from './block-cache.js'
import { firstGoodSource, type FailoverEvents, type Source } from './failover.js'
import { gatewaySource } from './gateway-source.js'
import { mirrorSource } from './mirror-source.js'

/** How long a gateway or mirror may keep the client waiting (for a block, an answer, the next part of a body). */
export const DEFAULT_FETCH_TIMEOUT_MS = 60_000

/** The archive wanted: its sha256 or its sha512, as lower-case hex. */
export type ArchiveDigest = { sha256: string, sha512?: never } | { sha512: string, sha256?: never }

export interface FetchSources {
  /** Hashed mirrors (Nix's layout, `serve`): the archive is `GET <mirror>/<algorithm>/<hex>`. */
  mirrors?: readonly string[]
  /** Trustless gateways (`GET /ipfs/<cid>?format=raw`), each at its origin: blocks of the index and the archive. */
  gateways?: readonly string[]
  /** Root of the hash index (docs/spec.md "Hash index") the gateways resolve the digest through. Required with `gateways`. */
  index?: CID | string
}

/** How to fetch: progress and restart callbacks, the caller's abort signal, the timeout and the cache budget. */
export interface FetchTuning extends FailoverEvents {
  /** Longest wait for a block, an answer or the next part of a body, in milliseconds (default 60 000). */
  timeoutMs?: number
  /** Byte budget of the blocks kept while rebuilding from gateways (default 16 MiB). */
  cacheBytes?: number
  /**
   * Where compressed members rebuilt from gateways' blocks are encoded (restoreArchive's `blockEncoders`
   * and `streamEncoders`): on Node, worker threads. Without it, in this thread.
   */
  encoders?: RebuildEncoders
}

/** What to fetch, from where, and how. */
export type FetchArchiveOptions = ArchiveDigest & FetchSources & FetchTuning

/**
 * The archive whose digest is given, as it arrives. Every block from a gateway is checked against its CID
 * and the archive against the manifest's sha256; whatever the source, the bytes are checked against the
 * requested digest at the end. As with restoreArchive, treat the bytes as good only once the stream ends
 * without an error: a wrong archive throws after its last chunk (write to a temporary file, as the CLI
 * does). A source that fails midway is followed by the next without repeating a byte; if what it handed
 * out turns out wrong, `onRestart` (when given) is told to discard everything and the stream starts over
 * from a source found right (else ERR_DIGEST_MISMATCH). Throws ERR_INVALID_HASH for a malformed digest, ERR_INVALID_ARGUMENT for no
 * source or a bad URL, ERR_HASH_NOT_INDEXED when the index has no such archive, and ERR_FETCH_FAILED,
 * listing what each source gave, when no source gives the archive.
 *
 * @example
 * ```ts
 * const bytes = fetchArchive({ sha256: '31e0…516b', index: 'bafy…', gateways: ['https://mirror.example'] })
 * await writeFileAtomically('hello-2.10.tar.gz', bytes)
 * ```
 */
export function fetchArchive (options: FetchArchiveOptions): AsyncGenerator<Uint8Array> {
  const { algorithm, hex } = digestOf(options)
  const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS
  const signal = options.signal
  const withSignal = signal === undefined ? {} : { signal }
  const mirrors = (options.mirrors ?? []).map(url => checkUrl(url, 'mirror'))
  const gateways = (options.gateways ?? []).map(url => checkUrl(url, 'gateway'))
  if (mirrors.length + gateways.length === 0) throw new InvalidArgumentError('no mirror or gateway to fetch from')
  const index = options.index === undefined ? undefined : indexCid(options.index)
  if (gateways.length > 0 && index === undefined) throw new InvalidArgumentError('gateways need the root CID of a hash index to resolve the digest through')
  if (gateways.length === 0 && index !== undefined) throw new InvalidArgumentError('an index is read through gateways, and none is given')

  const sources: Source[] = mirrors.map(url => mirrorSource(url, algorithm, hex, { timeoutMs, ...withSignal }))
  if (index !== undefined) {
    // One cache for all gateways: a block one gave need not be fetched again from the next.
    const cache = new BlockCache(options.cacheBytes ?? DEFAULT_CACHE_BYTES)
    const resolve = async (blocks: Parameters<typeof lookupHash>[1]): Promise<CID> => {
      const manifest = await lookupHash(index, blocks, algorithm, hex)
      if (manifest === undefined) throw new HashNotIndexedError(`index ${index} has no archive with ${algorithm} ${hex}`, { index: index.toString(), algorithm, hex })
      return manifest
    }
    for (const url of gateways) sources.push(gatewaySource(url, resolve, { cache, timeoutMs, ...withSignal, ...(options.encoders === undefined ? {} : { encoders: options.encoders }) }))
  }
  const { onAttempt, onFailure, onRestart } = options
  return firstGoodSource(sources, { algorithm, digest: base16.baseDecode(hex) }, { onAttempt, onFailure, onRestart, ...withSignal })
}

function digestOf (wanted: ArchiveDigest): { algorithm: HashAlgorithm, hex: string } {
  const given = (['sha256', 'sha512'] as const).filter(name => wanted[name] !== undefined)
  if (given.length !== 1) throw new InvalidArgumentError('give exactly one of sha256 and sha512')
  const algorithm = given[0] as HashAlgorithm
  const hex = wanted[algorithm] as string
  checkHashHex(algorithm, hex)
  return { algorithm, hex }
}

function indexCid (index: CID | string): CID {
  if (typeof index !== 'string') return index
  try {
    return CID.parse(index)
  } catch (err) {
    throw new InvalidArgumentError(`index ${JSON.stringify(index)} is not a CID`, {}, { cause: err })
  }
}

/**
 * An http(s) URL with no query or fragment. A gateway is named by its origin alone: helia's trustless
 * gateway client asks for `/ipfs/<cid>` at the root of the host and would drop a path.
 */
function checkUrl (text: string, kind: Source['kind']): string {
  let url: URL
  try {
    url = new URL(text)
  } catch (err) {
    throw new InvalidArgumentError(`${kind} ${JSON.stringify(text)} is not a URL`, {}, { cause: err })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`${kind} ${text} is not http or https`)
  if (url.search !== '' || url.hash !== '') throw new InvalidArgumentError(`${kind} ${text} has a query or fragment`)
  if (kind === 'gateway' && url.pathname !== '/') throw new InvalidArgumentError(`gateway ${text} has a path; give its origin (the gateway answers /ipfs/<cid> there)`)
  return kind === 'gateway' ? url.origin : text
}
