/**
 * firstGoodSource: the next source is asked when one fails, the caller's stream never repeats or skips a
 * byte, and bytes already handed out that turn out wrong end the fetch instead of being passed as good.
 */
import { describe, it, expect } from 'vitest'
import { createHash } from 'node:crypto'
import { firstGoodSource, type Source } from '../../src/fetch/failover.js'
import { BlockNotFoundError, DigestMismatchError, FetchFailedError, InvalidManifestError, SourceUnavailableError, type SourceFailure } from '../../src/errors.js'
import { patternBytes } from '../helpers/archives.js'

const archive = patternBytes(100_000, 7)
const expected = { algorithm: 'sha256' as const, digest: new Uint8Array(createHash('sha256').update(archive).digest()) }

/** A source that yields `bytes` in 4 KiB chunks, then throws `error` if given. */
function source (url: string, bytes: Uint8Array, error?: Error, log?: string[]): Source {
  return {
    kind: 'mirror',
    url,
    isSourceFault: (err) => !(err instanceof InvalidManifestError),
    open: async function * () {
      log?.push(`open ${url}`)
      try {
        for (let at = 0; at < bytes.length; at += 4096) yield bytes.subarray(at, at + 4096)
        if (error !== undefined) throw error
      } finally { log?.push(`close ${url}`) }
    }
  }
}

async function collect (chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const c of chunks) parts.push(c)
  return new Uint8Array(Buffer.concat(parts))
}

async function failureOf (chunks: AsyncIterable<Uint8Array>): Promise<unknown> {
  try { await collect(chunks) } catch (err) { return err }
  throw new Error('expected the fetch to fail')
}

describe('firstGoodSource', () => {
  it('skips a source that fails before any byte and reports it', async () => {
    const failures: SourceFailure[] = []
    const out = await collect(firstGoodSource([
      source('http://a', new Uint8Array(0), new SourceUnavailableError('GET http://a: connect ECONNREFUSED')),
      source('http://b', archive)
    ], expected, { onFailure: f => failures.push(f) }))
    expect(Buffer.from(out).equals(archive)).toBe(true)
    expect(failures).toEqual([{ kind: 'mirror', url: 'http://a', code: 'ERR_SOURCE_UNAVAILABLE', message: 'GET http://a: connect ECONNREFUSED' }])
  })

  it('a source cut short mid-stream: the next one is read from the start and the caller gets each byte once', async () => {
    const log: string[] = []
    const out = await collect(firstGoodSource([
      source('http://a', archive.subarray(0, 50_001), new SourceUnavailableError('body cut short'), log),
      source('http://b', archive.subarray(0, 70_000), new BlockNotFoundError('no block'), log),
      source('http://c', archive, undefined, log)
    ], expected))
    expect(out.length).toBe(archive.length)
    expect(Buffer.from(out).equals(archive)).toBe(true)
    expect(log).toEqual(['open http://a', 'close http://a', 'open http://b', 'close http://b', 'open http://c', 'close http://c'])
  })

  it('a whole wrong body is that source\'s failure; all sources bad: ERR_FETCH_FAILED lists each in order', async () => {
    const wrong = patternBytes(100_000, 8)
    const err = await failureOf(firstGoodSource([
      source('http://a', new Uint8Array(0), new SourceUnavailableError('404 Not Found')),
      source('http://b', new Uint8Array(0), new Error('fetch failed'))
    ], expected))
    expect(err).toBeInstanceOf(FetchFailedError)
    expect((err as FetchFailedError).code).toBe('ERR_FETCH_FAILED')
    expect((err as FetchFailedError).failures.map(f => [f.url, f.code])).toEqual([['http://a', 'ERR_SOURCE_UNAVAILABLE'], ['http://b', 'ERR_SOURCE_UNAVAILABLE']])
    expect((err as FetchFailedError).message).toContain('http://a: ERR_SOURCE_UNAVAILABLE')

    // Wrong bytes already handed out cannot be taken back: a right second source does not make them right.
    const late = await failureOf(firstGoodSource([source('http://a', wrong), source('http://b', archive)], expected))
    expect(late).toBeInstanceOf(DigestMismatchError)
    expect((late as DigestMismatchError).details.failures).toEqual([expect.objectContaining({ url: 'http://a', code: 'ERR_DIGEST_MISMATCH' })])
  })

  it('with onRestart, wrong bytes handed out are taken back and the source found right is read again, whole', async () => {
    const log: string[] = []
    let parts: Uint8Array[] = []
    let restarts = 0
    const chunks = firstGoodSource([
      source('http://a', patternBytes(60_000, 9), new SourceUnavailableError('cut'), log),
      source('http://b', patternBytes(100_000, 8), undefined, log),
      source('http://c', archive, undefined, log)
    ], expected, { onRestart: () => { restarts++; parts = [] } })
    for await (const chunk of chunks) parts.push(chunk)
    expect(restarts).toBe(1)
    expect(Buffer.concat(parts).equals(archive)).toBe(true)
    expect(log).toEqual(['open http://a', 'close http://a', 'open http://b', 'close http://b', 'open http://c', 'close http://c', 'open http://c', 'close http://c'])
  })

  it('a failure that every source would give (not the source\'s fault) ends the fetch at once', async () => {
    const log: string[] = []
    const err = await failureOf(firstGoodSource([
      source('http://a', new Uint8Array(0), new InvalidManifestError('bad manifest'), log),
      source('http://b', archive, undefined, log)
    ], expected))
    expect(err).toBeInstanceOf(InvalidManifestError)
    expect(log).toEqual(['open http://a', 'close http://a'])
  })

  it('a consumer that stops early closes the source it was reading', async () => {
    const log: string[] = []
    for await (const chunk of firstGoodSource([source('http://a', archive, undefined, log)], expected)) { expect(chunk.length).toBe(4096); break }
    expect(log).toEqual(['open http://a', 'close http://a'])
  })

  it('the caller\'s abort ends the fetch with its reason, not as a failure of the source', async () => {
    const controller = new AbortController()
    const reason = new Error('stop')
    const chunks = firstGoodSource([source('http://a', archive, new SourceUnavailableError('cut')), source('http://b', archive)], expected, { signal: controller.signal })
    const err = await failureOf((async function * () { for await (const c of chunks) { controller.abort(reason); yield c } })())
    expect(err).toBe(reason)
  })
})
