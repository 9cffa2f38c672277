/** Test helpers for the decompressors: sample data, running the real tools, collecting events. */
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import type { DecompressEvent } from '../../../src/compression/decompress/events.js'

export const tmp = mkdtempSync(join(tmpdir(), 'decompress-test-'))
afterAll(() => { rmSync(tmp, { recursive: true, force: true }) })

/** Deterministic, compressible sample: words from a small vocabulary chosen by an LCG, with some binary runs. */
export function sample (size: number, seed = 1): Uint8Array {
  const words = ['tar', 'gzip', 'deflate', 'block', 'stream', 'header', 'the', 'of', 'and', '\n', 'ipld', 'manifest', '0123456789', 'archive', ' ']
  const out = new Uint8Array(size)
  let s = seed >>> 0
  let o = 0
  const enc = new TextEncoder()
  const bytes = words.map(w => enc.encode(w + ' '))
  while (o < size) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    if ((s >>> 24) < 8) { // a short run of noise
      for (let i = 0; i < 32 && o < size; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[o++] = s >>> 24 }
      continue
    }
    const w = bytes[(s >>> 16) % bytes.length]!
    for (let i = 0; i < w.length && o < size; i++) out[o++] = w[i]!
  }
  return out
}

export function sha256 (b: Uint8Array): string { return createHash('sha256').update(b).digest('hex') }

export function has (tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0
}

/** Run a tool with `input` on stdin, return stdout. */
export function run (cmd: string, args: string[], input: Uint8Array): Uint8Array {
  const out = execFileSync(cmd, args, { input, maxBuffer: 1 << 30 })
  return new Uint8Array(out.buffer, out.byteOffset, out.length)
}

/** Write a file in the temp dir and return its path. */
export function file (name: string, data: Uint8Array): string {
  const p = join(tmp, name)
  writeFileSync(p, data)
  return p
}

export function read (p: string): Uint8Array { const b = readFileSync(p); return new Uint8Array(b.buffer, b.byteOffset, b.length) }

export function concat (...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) { out.set(p, o); o += p.length }
  return out
}

/** Split `data` into chunks of varying sizes (1 byte up to `max`), deterministic by seed. */
export function * chunked (data: Uint8Array, max = 70000, seed = 7): Generator<Uint8Array> {
  let s = seed
  for (let o = 0; o < data.length;) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    const n = Math.max(1, (s >>> 8) % max)
    yield data.subarray(o, o + n)
    o += n
  }
}

export interface Collected {
  data: Uint8Array
  events: Exclude<DecompressEvent, { kind: 'data' }>[]
}

export async function collect (it: AsyncIterable<DecompressEvent>): Promise<Collected> {
  const parts: Uint8Array[] = []
  const events: Collected['events'] = []
  for await (const e of it) {
    if (e.kind === 'data') parts.push(e.bytes)
    else events.push(e)
  }
  return { data: concat(...parts), events }
}

/** The error code a decompression fails with (undefined when it succeeds). */
export async function errorCode (it: AsyncIterable<DecompressEvent>): Promise<{ code?: string, offset?: number } | undefined> {
  try {
    for await (const _ of it) { /* drain */ }
    return undefined
  } catch (e) {
    return { code: (e as { code?: string }).code, offset: (e as { offset?: number }).offset }
  }
}
