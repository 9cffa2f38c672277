/**
 * An archive from a hashed mirror: `GET <mirror>/<algorithm>/<hex>`, the layout of Nix's hashed mirrors
 * (tarballs.nixos.org) and of `serve`. The body is passed on as it arrives; whether it is the archive is
 * decided by its digest, which the caller (failover.ts) computes while streaming.
 */
import type { DigestName } from '../digest/incremental.js'
import { SourceUnavailableError } from '../errors.js'
import { causeText, type Source } from './failover.js'
import { idleTimer } from './idle-timer.js'

export interface MirrorOptions {
  /** Longest wait for the answer and then between two parts of the body, in milliseconds. */
  timeoutMs: number
  signal?: AbortSignal
}

/** `<mirror>/<algorithm>/<hex>`, with the mirror's own path kept (`https://host/tarballs/` → `https://host/tarballs/sha256/…`). */
export function mirrorUrl (mirror: string, algorithm: DigestName, hex: string): string {
  const url = new URL(mirror)
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${algorithm}/${hex}`
  return url.toString()
}

export function mirrorSource (mirror: string, algorithm: DigestName, hex: string, options: MirrorOptions): Source {
  return {
    kind: 'mirror',
    url: mirror,
    open: () => mirrorBytes(mirrorUrl(mirror, algorithm, hex), options),
    // Anything a mirror does wrong is that mirror's fault: the next one may have the archive.
    isSourceFault: () => true
  }
}

async function * mirrorBytes (url: string, options: MirrorOptions): AsyncGenerator<Uint8Array> {
  const timer = idleTimer(options.timeoutMs, options.signal)
  const unavailable = (err: unknown): SourceUnavailableError =>
    new SourceUnavailableError(`GET ${url}: ${timer.expired ? `no answer within ${options.timeoutMs} ms` : causeText(err)}`, { url }, { cause: err })
  let response: Response
  try {
    response = await fetch(url, { signal: timer.signal, redirect: 'follow', headers: { accept: 'application/octet-stream' } })
  } catch (err) {
    timer.clear()
    throw unavailable(err)
  }
  if (response.status !== 200 || response.body === null) {
    timer.clear()
    await response.body?.cancel().catch(() => {})
    throw new SourceUnavailableError(`GET ${url}: ${response.status} ${response.statusText}`, { url, status: response.status })
  }
  const reader = response.body.getReader()
  let done = false
  try {
    while (true) {
      timer.restart()
      let part: ReadableStreamReadResult<Uint8Array>
      try {
        part = await reader.read()
      } catch (err) {
        throw unavailable(err)
      }
      if (part.done) { done = true; return }
      if (part.value.length > 0) yield part.value
    }
  } finally {
    timer.clear()
    // Stopped early (a failure, or the consumer left): let go of the connection.
    if (!done) await reader.cancel().catch(() => {})
  }
}
