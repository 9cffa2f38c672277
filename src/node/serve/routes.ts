/**
 * Strict parsing of request targets into what the mirror serves. Only two shapes exist, so the parser
 * accepts exactly them and answers 400 for anything that tries to look like them in another spelling: no
 * percent-encoding, no dot segments, no doubled or backslashes, no absolute-form targets, exact-length
 * lower-case hex. Nothing here touches a file system path, so there is nothing to traverse; the rules
 * keep one resource to one URL (caches and logs see what is served).
 */
import { CID } from 'multiformats/cid'
import { base32 } from 'multiformats/bases/base32'
import { base36 } from 'multiformats/bases/base36'
import { base58btc } from 'multiformats/bases/base58'
import { hashHexLength, isHashHex, type HashAlgorithm } from '../../store/hash-hex.js'
import { parseNixCacheTarget, type NixCacheRoute } from './binary-cache.js'
import { HttpError } from './http-error.js'

export type Route =
  /** `/sha256/<hex>`, `/sha512/<hex>`: an archive by digest (Nix's hashed-mirror layout). */
  | { kind: 'archive', algorithm: HashAlgorithm, hex: string }
  /** `/ipfs/<cid>[?params]`: the trustless gateway. */
  | { kind: 'ipfs', cid: CID, params: URLSearchParams }
  /** `/nix-cache-info`, `/<hash>.narinfo`, `/nar/<hash>.nar`: the Nix binary cache (binary-cache.ts). */
  | NixCacheRoute

/** Longest request target accepted: a sha512 URL is 136 characters, a CID with parameters a few hundred. */
export const MAX_TARGET_LENGTH = 2048

/** CIDs are accepted in the multibases gateways see: base32 (CIDv1's default), base36 (subdomains), base58btc (CIDv0). */
const cidBases = base32.decoder.or(base36.decoder).or(base58btc.decoder)

/** Query parameters of the trustless gateway that must not be given twice (anything else is ignored). */
const GATEWAY_PARAMS = ['format', 'dag-scope', 'entity-bytes', 'car-version', 'car-order', 'car-dups', 'filename', 'download']

/**
 * The route of a request target (`req.url`), or an HttpError: 400 for a malformed target, 404 for a
 * well-formed one that names nothing this server serves.
 *
 * @example
 * ```ts
 * parseTarget('/sha256/' + '0'.repeat(64)) // { kind: 'archive', algorithm: 'sha256', hex: '000…' }
 * ```
 */
export function parseTarget (target: string): Route {
  if (target.length > MAX_TARGET_LENGTH) throw new HttpError(414, `request target longer than ${MAX_TARGET_LENGTH} characters`)
  if (!target.startsWith('/')) throw new HttpError(400, 'request target must be a path starting with "/"')
  const q = target.indexOf('?')
  const path = q < 0 ? target : target.slice(0, q)
  const query = q < 0 ? undefined : target.slice(q + 1)
  if (/[%\\#]/.test(path) || path.includes('//')) throw new HttpError(400, 'path must not hold "%", "\\", "#" or "//"')
  const segments = path.slice(1).split('/')
  if (segments.some(s => s === '.' || s === '..')) throw new HttpError(400, 'path must not hold "." or ".." segments')
  const [first, second, ...rest] = segments
  if (first === 'sha256' || first === 'sha512') {
    if (second === undefined || rest.length > 0) throw new HttpError(400, `expected /${first}/<hex>`)
    if (query !== undefined) throw new HttpError(400, `/${first}/<hex> takes no query`)
    if (!isHashHex(first, second)) throw new HttpError(400, `a ${first} digest is ${hashHexLength[first]} lower-case hex digits`)
    return { kind: 'archive', algorithm: first, hex: second }
  }
  if (first === 'ipfs') {
    if (second === undefined || second === '') throw new HttpError(400, 'expected /ipfs/<cid>')
    if (rest.length > 0) throw new HttpError(400, 'this gateway serves /ipfs/<cid> only: no path under a CID (resolve it on the client, block by block)')
    return { kind: 'ipfs', cid: parseCid(second), params: parseParams(query) }
  }
  const nix = parseNixCacheTarget(segments, query)
  if (nix !== undefined) return nix
  throw new HttpError(404, 'this server serves /sha256/<hex>, /sha512/<hex>, /ipfs/<cid> and a Nix binary cache (/nix-cache-info)')
}

function parseCid (text: string): CID {
  if (!/^[A-Za-z0-9]+$/.test(text)) throw new HttpError(400, `not a CID: ${JSON.stringify(text.slice(0, 100))}`)
  try {
    return CID.parse(text, cidBases)
  } catch (err) {
    throw new HttpError(400, `not a CID in base32, base36 or base58btc: ${(err as Error).message}`)
  }
}

function parseParams (query: string | undefined): URLSearchParams {
  const params = new URLSearchParams(query ?? '')
  for (const name of GATEWAY_PARAMS) {
    if (params.getAll(name).length > 1) throw new HttpError(400, `query parameter ${name} given more than once`)
  }
  return params
}
