/**
 * Not a test: measurements for the zstd recipe encoder on a real tar (argument: its path, ~50 MB).
 *   1. Throughput of our wasm encoder against the native `zstd` 1.5.4 at -3 and -19 (both reading stdin,
 *      the CLI's default one-worker ZSTDMT path, and --single-thread).
 *   2. How fast wrong candidates die: for frames of the tar at -3 and -19 (stdin), every candidate that
 *      zstdCandidateParams lists runs over the input until its output first differs from the frame;
 *      printed is how much input it had consumed by then.
 * Run: npx tsx test/compression/zstd-encoder/measure.ts some.tar
 *
 * Measured (50 MiB of a tar of /usr/share, Node 20, one core each):
 *   -3: native 143 MiB/s, wasm 119 MiB/s (1.21x the time); -3 --single-thread: 165 vs 82 MiB/s (2.0x);
 *   -19: 1.4 vs 1.4 MiB/s (0.98x); -19 --single-thread: 1.5 vs 1.3 MiB/s (1.18x). All byte-identical.
 *   Candidates of the -3 frame (12): wrong levels differ at compressed byte 6, after 8 MiB of input (their
 *   first job) on the ZSTDMT path and after 128 KiB single-threaded; -3 --single-thread after 2.3 MiB.
 *   Of the -19 frame (6): after 32 MiB (ZSTDMT) or 128 KiB (single-threaded); -19 --single-thread after
 *   8.3 MiB.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { zstdCandidateParams } from '../../../src/compression/zstd/candidates.js'
import { createZstdEncoder } from '../../../src/compression/zstd/encoder.js'
import { loadLibzstd } from '../../../src/compression/zstd/libzstd.js'

await loadLibzstd()

const path = process.argv[2]
if (path === undefined) throw new Error('usage: measure.ts TAR')
const input = new Uint8Array(readFileSync(path))
const MiB = 1024 * 1024

function native (args: string[]): { out: Buffer, seconds: number } {
  const t = process.hrtime.bigint()
  const out = execFileSync('zstd', ['-q', '-c', ...args], { input, maxBuffer: 1 << 30 })
  return { out, seconds: Number(process.hrtime.bigint() - t) / 1e9 }
}

function wasm (params: Record<string, number>): { out: Buffer, seconds: number } {
  const t = process.hrtime.bigint()
  const e = createZstdEncoder(params)
  const parts: Uint8Array[] = []
  for (let i = 0; i < input.length; i += MiB) parts.push(...e.write(input.subarray(i, i + MiB)))
  parts.push(...e.end())
  return { out: Buffer.concat(parts), seconds: Number(process.hrtime.bigint() - t) / 1e9 }
}

console.log(`input: ${(input.length / MiB).toFixed(1)} MiB`)
const frames: Record<number, Buffer> = {}
for (const level of [3, 19]) {
  for (const single of [false, true]) {
    const n = native([`-${level}`, ...(single ? ['--single-thread'] : [])])
    const w = wasm({ level, ...(single ? { workers: 0 } : {}) })
    if (!single) frames[level] = n.out
    console.log(`-${level}${single ? ' --single-thread' : ''}: native ${(input.length / MiB / n.seconds).toFixed(1)} MiB/s, wasm ${(input.length / MiB / w.seconds).toFixed(1)} MiB/s, wasm/native time ${(w.seconds / n.seconds).toFixed(2)}, identical ${w.out.equals(n.out)}`)
  }
}

for (const level of [3, 19]) {
  const frame = frames[level]!
  const candidates = zstdCandidateParams(frame.subarray(0, 18))!
  console.log(`\nframe at -${level}: ${candidates.length} candidates`)
  for (const params of candidates) {
    const e = createZstdEncoder(params)
    let produced = 0
    let consumed = 0
    let diverged = -1
    const check = (chunks: Uint8Array[]): void => {
      for (const c of chunks) {
        for (let i = 0; i < c.length && diverged < 0; i++) if (c[i] !== frame[produced + i]) diverged = produced + i
        produced += c.length
      }
    }
    const t = process.hrtime.bigint()
    for (; consumed < input.length && diverged < 0; consumed += 65536) check(e.write(input.subarray(consumed, consumed + 65536)))
    if (diverged < 0) check(e.end())
    const seconds = Number(process.hrtime.bigint() - t) / 1e9
    console.log(`  ${JSON.stringify(params)}: ${diverged < 0 ? (produced === frame.length ? 'MATCHES' : 'length differs') : `differs at compressed byte ${diverged}, after ${(consumed / 1024).toFixed(0)} KiB of input`} (${seconds.toFixed(2)} s)`)
  }
}
