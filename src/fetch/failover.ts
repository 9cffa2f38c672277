/**
 * One archive from the first of several sources that gives it whole and right. Each source is tried in
 * turn; one that fails (unreachable, missing blocks, wrong bytes) is recorded and the next is asked, from
 * the start. The caller's stream does not start over: bytes already handed out are not handed out again,
 * the next source's first bytes are only hashed until it reaches the point where the last one stopped.
 *
 * Two digests make that safe without keeping any bytes: one over each source's own stream, which decides
 * whether that source was right (and the next should be tried if not), and one over the bytes handed out,
 * which decides whether the caller got the right archive. They differ only when an earlier source handed
 * out wrong bytes and then failed (a mirror that answers 200 with an error page, say). A caller that can
 * take bytes back (a temporary file) passes `onRestart`: it is told to discard them, and the source found
 * right is read again from the start. Without it that ends the fetch with an error. As with restoreArchive,
 * a consumer treats the bytes as good only once the stream has ended without an error.
 */
import { equalBytes } from '../blocks.js'
import { createDigest, type DigestName } from '../digest/incremental.js'
import { ArchiveManifestError, DigestMismatchError, FetchFailedError, SourceUnavailableError, type SourceFailure } from '../errors.js'

/** One place to fetch the archive from. */
export interface Source {
  kind: SourceFailure['kind']
  url: string
  /** The archive's bytes from the start. Ending without an error does not yet mean they are right. */
  open: () => AsyncIterable<Uint8Array>
  /** Whether an error of this source should move on to the next one; any other is thrown as it is. */
  isSourceFault: (err: unknown) => boolean
}

export interface Expected {
  algorithm: DigestName
  digest: Uint8Array
}

export interface FailoverEvents {
  /** A source is being asked. */
  onAttempt?: (source: { kind: Source['kind'], url: string }) => void
  /** A source failed and the next one will be asked. */
  onFailure?: (failure: SourceFailure) => void
  /**
   * The bytes handed out so far are wrong (a source that failed later gave them): discard them all; the
   * stream starts again from byte 0 once this resolves. Without it, that case is ERR_DIGEST_MISMATCH.
   */
  onRestart?: () => void | Promise<void>
  signal?: AbortSignal
}

export async function * firstGoodSource (sources: readonly Source[], expected: Expected, events: FailoverEvents = {}): AsyncGenerator<Uint8Array> {
  const failures: SourceFailure[] = []
  let handedOut = createDigest(expected.algorithm)
  let emitted = 0
  for (let i = 0; i < sources.length; i++) {
    const source = sources[i] as Source
    events.signal?.throwIfAborted()
    events.onAttempt?.({ kind: source.kind, url: source.url })
    const own = createDigest(expected.algorithm)
    const before = emitted
    let read = 0
    try {
      for await (const chunk of source.open()) {
        own.update(chunk)
        const start = read
        read += chunk.length
        if (read <= emitted) continue
        const fresh = start >= emitted ? chunk : chunk.subarray(emitted - start)
        handedOut.update(fresh)
        emitted += fresh.length
        yield fresh
      }
      if (!equalBytes(own.digest(), expected.digest)) {
        throw new DigestMismatchError(`the ${read} bytes ${source.kind === 'mirror' ? 'served' : 'rebuilt'} do not have the requested ${expected.algorithm}`, { url: source.url })
      }
    } catch (err) {
      // The caller's own abort ends the fetch as the caller's abort, whatever it interrupted.
      if (events.signal?.aborted === true) throw events.signal.reason
      if (!source.isSourceFault(err)) throw err
      const failure = failureOf(source, err)
      failures.push(failure)
      events.onFailure?.(failure)
      continue
    }
    if (before > 0 && !equalBytes(handedOut.digest(), expected.digest)) {
      if (events.onRestart === undefined) {
        throw new DigestMismatchError(`${source.url} gave the right archive, but the first ${before} bytes handed out came from a source that failed later and were wrong`,
          { failures })
      }
      // Read the source just found right again, handing out all of it. It is then the only source of
      // what is handed out, so it cannot come back here: each source is read at most twice.
      await events.onRestart()
      handedOut = createDigest(expected.algorithm)
      emitted = 0
      i--
      continue
    }
    return
  }
  throw new FetchFailedError(summary(failures), { failures })
}

/**
 * A failure as reported: the code of the innermost typed error in the cause chain (a block read wraps what
 * the gateway did, "served wrong bytes", in "block not found"), or ERR_SOURCE_UNAVAILABLE for an untyped one.
 */
export function failureOf (source: Pick<Source, 'kind' | 'url'>, err: unknown): SourceFailure {
  let typed: ArchiveManifestError | undefined
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof ArchiveManifestError) typed = e
  }
  if (typed === undefined) return { kind: source.kind, url: source.url, code: SourceUnavailableError.code, message: causeText(err) }
  return { kind: source.kind, url: source.url, code: typed.code, message: causeText(typed) }
}

/** An error's message followed by those of its causes that add something ("fetch failed: connect ECONNREFUSED …"). */
export function causeText (err: unknown): string {
  const parts: string[] = []
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    const text = e instanceof AggregateError && e.errors.length > 0
      ? `${e.message} [${e.errors.map(causeText).join('; ')}]`
      : e instanceof Error ? e.message : String(e)
    if (text !== '' && !parts.some(p => p.includes(text))) parts.push(text)
    if (e instanceof AggregateError) break
    e = e instanceof Error ? e.cause : undefined
  }
  return parts.join(': ')
}

function summary (failures: readonly SourceFailure[]): string {
  if (failures.length === 0) return 'no gateway or mirror to fetch from'
  return `every source failed: ${failures.map(f => `${f.kind} ${f.url}: ${f.code}`).join('; ')}`
}
