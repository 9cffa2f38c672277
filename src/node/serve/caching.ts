/**
 * HTTP caching of immutable resources: everything this server answers with 200 is named by its own hash
 * (an archive by its digest, a block or DAG by its CID), so it never changes and may be cached for good.
 */

/** Cache-Control of every successful response (a year, as IPFS gateways send for /ipfs/). */
export const IMMUTABLE = 'public, max-age=29030400, immutable'

/**
 * Whether an `If-None-Match` header names `etag` (or is `*`), by weak comparison (RFC 9110 §13.1.2):
 * the client's copy is current, so the answer is 304 without a body.
 */
export function etagMatches (header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  if (header.trim() === '*') return true
  const bare = etag.replace(/^W\//, '')
  return header.split(',').some(tag => tag.trim().replace(/^W\//, '') === bare)
}
