/**
 * An answer other than the resource: a status, a one-line reason sent as the text body, and any headers
 * the status calls for (`Allow`, `Retry-After`, `Content-Range`). Thrown by the parsers and handlers
 * before a response starts; the server turns it into the response.
 */
import { ArchiveManifestError, BlockNotFoundError } from '../../errors.js'

export class HttpError extends Error {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>

  constructor (status: number, message: string, headers: Record<string, string> = {}) {
    super(message)
    this.name = 'HttpError'
    this.status = status
    this.headers = headers
  }
}

/**
 * The answer for an error met before a response started: itself if it is one; 404 for a missing block
 * (the spec's answer when a gateway lacks the root, and what makes Nix try its next mirror); 500 for
 * anything else (a corrupt or undecodable block, a failed store): a fault of this server, not the request.
 */
export function httpErrorOf (err: unknown): HttpError {
  if (err instanceof HttpError) return err
  if (err instanceof BlockNotFoundError) return new HttpError(404, err.message)
  const code = err instanceof ArchiveManifestError ? `${err.code}: ` : ''
  return new HttpError(500, `${code}${err instanceof Error ? err.message : String(err)}`)
}
