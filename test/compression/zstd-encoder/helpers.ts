/**
 * The reference for the zstd recipe encoder: Debian bookworm's `zstd` 1.5.4 binary, spawned. Tests fail
 * (they do not skip) when it is missing: CI installs it (apt-get install zstd).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createZstdEncoder } from '../../../src/compression/zstd/encoder.js'
import { loadLibzstd } from '../../../src/compression/zstd/libzstd.js'
import { seededBytes } from '../../helpers/seeded.js'

// The encoder and zstdCandidateParams are synchronous: libzstd is loaded once, for every file that imports these helpers.
await loadLibzstd()

export interface CliCase {
  level: number
  /** Input given as a file argument (the CLI pledges its size) rather than on stdin. */
  file?: boolean
  noCheck?: boolean
  singleThread?: boolean
  /** --long=N */
  long?: number
}

/** The recipe parameters a CLI invocation corresponds to, in canonical form. */
export function paramsFor (c: CliCase): Record<string, number> {
  const p: Record<string, number> = { level: c.level }
  if (c.noCheck === true) p.checksum = 0
  if (c.file === true) p.pledged = 1
  if (c.singleThread === true) p.workers = 0
  if (c.long !== undefined) p.long = c.long
  return p
}

// The CLI reads ZSTD_CLEVEL and ZSTD_NBTHREADS from the environment: keep them out.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'ZSTD_CLEVEL' && k !== 'ZSTD_NBTHREADS'))

export function zstdCli (c: CliCase, input: Uint8Array): Buffer {
  const args = ['-q', '-c']
  args.push(c.level < 0 ? `--fast=${-c.level}` : `-${c.level}`)
  if (c.level > 19) args.push('--ultra')
  if (c.noCheck === true) args.push('--no-check')
  if (c.singleThread === true) args.push('--single-thread')
  if (c.long !== undefined) args.push(`--long=${c.long}`)
  if (c.file !== true) return execFileSync('zstd', args, { input, env, maxBuffer: 1 << 30 })
  const dir = mkdtempSync(join(tmpdir(), 'zstd-encoder-'))
  try {
    const path = join(dir, 'input')
    writeFileSync(path, input)
    return execFileSync('zstd', [...args, path], { env, maxBuffer: 1 << 30 })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Our encoder's whole output, the input written in pieces of `cut` bytes. */
export function encode (params: Readonly<Record<string, number>>, input: Uint8Array, cut = 1 << 20, contentSize: number | undefined = input.length): Buffer {
  const e = createZstdEncoder(params, params.pledged === 1 ? contentSize : undefined)
  const out: Uint8Array[] = []
  for (let i = 0; i < input.length; i += cut) out.push(...e.write(input.subarray(i, i + cut)))
  out.push(...e.end())
  return Buffer.concat(out)
}

/**
 * Text-like bytes that compress to roughly a third: words drawn from a seeded vocabulary, with seeded
 * noise, so that levels and paths give different outputs.
 */
export function semiCompressible (seed: string, n: number): Uint8Array {
  const r = seededBytes(seed, n + 65536)
  const vocab: Uint8Array[] = []
  let p = 0
  for (let i = 0; i < 4096; i++) {
    const len = 2 + (r[p++]! % 9)
    vocab.push(Uint8Array.from(r.subarray(p, p + len), (b) => 97 + (b % 26)))
    p += len
  }
  const out = new Uint8Array(n)
  let o = 0
  let q = p
  while (o < n) {
    const a = r[q % r.length]!; const b = r[(q + 1) % r.length]!
    q += 2
    if (a < 8) { // some noise
      const m = Math.min(n - o, 1 + (b % 24))
      out.set(r.subarray(q % (r.length - 32), q % (r.length - 32) + m), o)
      o += m
      continue
    }
    const w = vocab[((a << 8) | b) % (a < 128 ? 256 : vocab.length)]!
    const m = Math.min(n - o, w.length)
    out.set(w.subarray(0, m), o)
    o += m
    if (o < n) out[o++] = b % 13 === 0 ? 10 : 32
  }
  return out
}

export function describe_ (c: CliCase): string {
  return `zstd ${c.level < 0 ? `--fast=${-c.level}` : `-${c.level}`}${c.noCheck === true ? ' --no-check' : ''}${c.singleThread === true ? ' --single-thread' : ''}${c.long !== undefined ? ` --long=${c.long}` : ''} ${c.file === true ? 'FILE' : '< stdin'}`
}
