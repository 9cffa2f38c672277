/**
 * Which verifiable response a trustless-gateway request asks for (ipfs/specs trustless-gateway.md
 * "Accept" and "format"): a raw block or a CAR. `?format=` wins over `Accept`; Accept is negotiated as RFC
 * 9110 §12.5.1 says (q-values, first listed wins a tie). CARs are written CARv1, depth first, each block
 * once (`version=1; order=dfs; dups=n`): a CAR media range that asks for another variant is not
 * acceptable, and neither is a request that names no verifiable type at all (`*\/*`, or no Accept).
 */
import { HttpError } from './http-error.js'

export type ResponseFormat = 'raw' | 'car'

export const RAW_TYPE = 'application/vnd.ipld.raw'
export const CAR_TYPE = 'application/vnd.ipld.car'
/** The one CAR variant written, as the response's Content-Type states it. */
export const CAR_CONTENT_TYPE = `${CAR_TYPE}; version=1; order=dfs; dups=n`

/** Accept headers longer than this are refused rather than parsed. */
const MAX_ACCEPT_LENGTH = 1024

/**
 * The format asked for by `?format=` and the `car-*` query parameters, or else by `accept`. Throws a 400
 * HttpError for an unknown format or parameter value or when nothing names a verifiable type, and a 406
 * when Accept names only types or CAR variants this gateway does not write.
 *
 * @example
 * ```ts
 * negotiate(new URLSearchParams(), 'application/vnd.ipld.car;q=0.5, application/vnd.ipld.raw') // 'raw'
 * ```
 */
export function negotiate (params: URLSearchParams, accept: string | undefined): ResponseFormat {
  const format = params.get('format')
  if (format !== null) {
    if (format !== 'raw' && format !== 'car') throw new HttpError(400, `format=${format} is not served: this trustless gateway serves format=raw and format=car`)
    if (format === 'car') checkCarParams(params)
    return format
  }
  if (accept === undefined || accept.trim() === '') throw new HttpError(400, `send Accept: ${RAW_TYPE} or ${CAR_TYPE}, or ?format=raw|car`)
  if (accept.length > MAX_ACCEPT_LENGTH) throw new HttpError(400, `Accept header longer than ${MAX_ACCEPT_LENGTH} characters`)
  let best: { format: ResponseFormat, q: number } | undefined
  let named = false
  for (const range of accept.split(',')) {
    const [type = '', ...rest] = range.split(';').map(p => p.trim())
    const mediaType = type.toLowerCase()
    const values = new Map(rest.map(p => {
      const at = p.indexOf('=')
      return [p.slice(0, at < 0 ? p.length : at).trim().toLowerCase(), at < 0 ? '' : p.slice(at + 1).trim().replace(/^"(.*)"$/, '$1')]
    }))
    if (mediaType === RAW_TYPE || mediaType === CAR_TYPE) named = true
    const q = values.has('q') ? Number(values.get('q')) : 1
    if (!(q > 0 && q <= 1)) continue
    let candidate: ResponseFormat | undefined
    if (mediaType === RAW_TYPE) candidate = 'raw'
    else if (mediaType === CAR_TYPE) candidate = carVariantOk(values) ? 'car' : undefined
    if (candidate !== undefined && (best === undefined || q > best.q)) best = { format: candidate, q }
  }
  if (best !== undefined) return best.format
  if (!named) throw new HttpError(400, `Accept names no verifiable type: send Accept: ${RAW_TYPE} or ${CAR_TYPE}, or ?format=raw|car`)
  throw new HttpError(406, `not acceptable: this gateway writes ${RAW_TYPE} and ${CAR_CONTENT_TYPE}`)
}

/** A CAR media range's parameters that this gateway can honour. */
function carVariantOk (values: Map<string, string>): boolean {
  const version = values.get('version')
  const order = values.get('order')
  const dups = values.get('dups')
  return (version === undefined || version === '1') &&
    (order === undefined || order === 'dfs' || order === 'unk') &&
    (dups === undefined || dups === 'n')
}

/** `car-version`, `car-order` and `car-dups`, which take precedence over Accept's parameters. */
function checkCarParams (params: URLSearchParams): void {
  const allowed: Record<string, string[]> = { 'car-version': ['1'], 'car-order': ['dfs', 'unk'], 'car-dups': ['n'] }
  for (const [name, values] of Object.entries(allowed)) {
    const value = params.get(name)
    if (value !== null && !values.includes(value)) throw new HttpError(400, `${name}=${value} is not served: this gateway writes ${CAR_CONTENT_TYPE}`)
  }
}
