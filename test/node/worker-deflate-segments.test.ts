/**
 * createWorkerBlockEncoders' parseDeflate: a deflate segment parsed on a block worker answers exactly what
 * parseDeflateSegment answers for the same job in this thread, whichever that is (the parse: tokens, end,
 * converged; or the error, by name, message and code, as rebuiltError makes it again), so these hold for
 * the stub on main and for the real parse alike. Jobs given at once to one worker are answered in order;
 * a job's data inside a larger buffer is sent intact, the caller's buffer left whole; `here` parses in this
 * thread only while the worker is busy; close() fails the jobs in flight (ERR_WORKER_FAILED).
 */
import { createHash } from 'node:crypto'
import { afterAll, describe, expect, it, vi } from 'vitest'
import * as segments from '../../src/compression/deflate/gnu-gzip-segments.js'
import type { DeflateSegment, DeflateSegmentJob } from '../../src/compression/deflate/gnu-gzip-segments.js'
import { createWorkerBlockEncoders } from '../../src/node/worker-block-encoders.js'

// Counts the parses in this thread (the workers load their own, unmocked, modules).
vi.mock('../../src/compression/deflate/gnu-gzip-segments.js', async (original) => {
  const actual = await original<typeof import('../../src/compression/deflate/gnu-gzip-segments.js')>()
  return { ...actual, parseDeflateSegment: vi.fn(actual.parseDeflateSegment) }
})

/** Text-like input: numbered lines of words drawn by a seeded xorshift32 (seed 16). */
function textInput (bytes: number): Uint8Array {
  const words = ['deflate', 'segment', 'worker', 'token', 'match', 'literal', 'window', 'chain', 'lazy', 'gzip', 'block', 'restart']
  let seed = 16
  const next = (): number => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % words.length }
  const lines: string[] = []
  let length = 0
  for (let i = 0; length < bytes; i++) {
    const line = `${i} ${words[next()]} ${words[next()]} ${words[next()]} of the segment test\n`
    lines.push(line)
    length += line.length
  }
  return new TextEncoder().encode(lines.join('')).subarray(0, bytes).slice()
}

const input = textInput(400_000)
/** The last segment: from the start, to the end of the input. */
const whole: DeflateSegmentJob = { level: 9, data: input, dataStart: 0, from: 0, next: undefined, ends: true }
/** A middle segment: its data from 32 KiB before its restart (the window) to past the next restart. */
const middle: DeflateSegmentJob = { level: 9, data: input.subarray(150_000 - 32_768, 300_000), dataStart: 150_000 - 32_768, from: 150_000, next: 250_000, ends: false }

/**
 * A job's outcome, comparable: the parse (its tokens by count and sha2-256: deep equality of ~10^5 tokens
 * element by element takes seconds), or the error's name, message and code.
 */
type Outcome = { parsed: { tokens: { count: number, sha256: string }, end: number, converged: boolean } } | { error: { name: string, message: string, code: unknown } }

const digest = (tokens: Uint32Array): { count: number, sha256: string } =>
  ({ count: tokens.length, sha256: createHash('sha256').update(new Uint8Array(tokens.buffer, tokens.byteOffset, tokens.byteLength)).digest('hex') })
const parsedOutcome = (s: DeflateSegment): Outcome => ({ parsed: { tokens: digest(s.tokens), end: s.end, converged: s.converged } })
const errorOutcome = (err: unknown): Outcome => {
  const e = err as { name: string, message: string, code?: unknown }
  return { error: { name: e.name, message: e.message, code: e.code } }
}

/** parseDeflateSegment's outcome in this thread, on a copy of the job's data (the job stays usable). */
function inThread (job: DeflateSegmentJob): Outcome {
  try {
    return parsedOutcome(segments.parseDeflateSegment({ ...job, data: job.data.slice() }))
  } catch (err) {
    return errorOutcome(err)
  }
}

async function settled (answer: Promise<DeflateSegment>): Promise<Outcome> {
  return await answer.then(parsedOutcome, errorOutcome)
}

/** The job with a copy of its data, all of a buffer of its own (transferred, so the original stays). */
const copied = (job: DeflateSegmentJob): DeflateSegmentJob => ({ ...job, data: job.data.slice() })

const workers = createWorkerBlockEncoders(1)
afterAll(async () => { await workers.close() })

describe('deflate segments parsed on block workers', () => {
  it('answers as parseDeflateSegment in this thread: the last segment and a middle one', async () => {
    for (const job of [whole, middle]) {
      const want = inThread(job)
      const got = await settled(workers.parseDeflate!(copied(job)))
      expect(got).toEqual(want)
    }
  }, 120_000)

  it('jobs given at once to a one-thread pool are all answered, in order of submission', async () => {
    const jobs = [whole, middle, { ...middle, from: 200_000, next: undefined }, { ...whole, data: input.subarray(0, 100_000), ends: false, next: 60_000 }]
    const want = jobs.map(inThread)
    const order: number[] = []
    const answers = jobs.map(async (job, i) => await settled(workers.parseDeflate!(copied(job)).finally(() => { order.push(i) })))
    expect(await Promise.all(answers)).toEqual(want)
    expect(order).toEqual([0, 1, 2, 3])
  }, 120_000)

  it('a job whose data is a subarray of a larger buffer: its own bytes arrive, and the caller\'s buffer is left whole', async () => {
    const larger = input.slice()
    const job = { ...middle, data: larger.subarray(middle.dataStart, middle.dataStart + middle.data.length) }
    const want = inThread(job)
    expect(await settled(workers.parseDeflate!(job))).toEqual(want)
    // Transferring the view's buffer would have detached it (length 0) and sent the whole larger buffer.
    expect(larger.length).toBe(input.length)
    expect(Buffer.from(larger).equals(Buffer.from(input))).toBe(true)
  }, 120_000)

  it('here: parses in this thread only while every worker is busy', async () => {
    const mixed = createWorkerBlockEncoders(1, { here: true })
    try {
      const want = inThread(middle)
      const parse = vi.mocked(segments.parseDeflateSegment)
      const before = parse.mock.calls.length
      // Given at once: the first goes to the worker, the second, the worker still busy, is parsed here.
      const got = await Promise.all([middle, middle].map(async job => await settled(mixed.parseDeflate!(copied(job)))))
      expect(got).toEqual([want, want])
      expect(parse.mock.calls.length - before).toBe(1)
      // The worker idle again, the next goes to it.
      const next = parse.mock.calls.length
      expect(await settled(mixed.parseDeflate!(copied(middle)))).toEqual(want)
      expect(parse.mock.calls.length).toBe(next)
    } finally {
      await mixed.close()
    }
  }, 120_000)

  it('close() fails the jobs with the worker or waiting for it (ERR_WORKER_FAILED); a later job starts the pool afresh', async () => {
    const pool = createWorkerBlockEncoders(1)
    try {
      // Both given before close(), with no turn of the event loop between: no reply can have come.
      const outcomes = [whole, middle].map(async job => await pool.parseDeflate!(copied(job)).then(() => 'parsed', (err: { code?: string }) => err.code))
      await pool.close()
      expect(await Promise.all(outcomes)).toEqual(['ERR_WORKER_FAILED', 'ERR_WORKER_FAILED'])
      expect(await settled(pool.parseDeflate!(copied(middle)))).toEqual(inThread(middle))
    } finally {
      await pool.close()
    }
  }, 120_000)
})
