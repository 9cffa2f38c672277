/**
 * Encoding throughput of the wasm liblzma encoder next to the native xz 5.4.1 binary, on a real ~53 MB tar
 * (typescript + pcre2 + sed + make from .cache/real; test/setup/fetch-real.sh fetches them). A measurement,
 * not a test. Run: npx tsx test/compression/xz-encoder/throughput.bench.mts [xz args, default -6 -T1]
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { createXzEncoder } from '../../../src/compression/xz/encoder.js'
import { loadLiblzma } from '../../../src/compression/xz/liblzma.js'

await loadLiblzma()

const real = join(import.meta.dirname, '../../../.cache/real')
const tar = Buffer.concat(['typescript-5.9.3.tar', 'pcre2_10.42.orig.tar', 'sed_4.9.orig.tar', 'make-dfsg_4.3.orig.tar'].map(f => readFileSync(join(real, f))))
const src = join(tmpdir(), 'xz-bench-input.tar')
writeFileSync(src, tar)
const runs: Array<[string[], Record<string, number>]> = [
  [['-6', '-T1'], { level: 6 }],
  [['-6', '-T2'], { level: 6, mt: 1 }],
  [['-0', '-T1'], { level: 0 }]
]
console.log(`input: ${(tar.length / 1e6).toFixed(1)} MB tar`)
console.log('args        ours MB/s  native MB/s  time ours/native  (uncompressed bytes per second; native -T2 uses 2 threads, ours 1)')
for (const [args, params] of runs) {
  let t = performance.now()
  const native = execFileSync('xz', ['-c', ...args, src], { maxBuffer: 1 << 30 })
  const nativeS = (performance.now() - t) / 1000
  t = performance.now()
  const enc = createXzEncoder(params)
  const hash = createHash('sha256')
  for (let i = 0; i < tar.length; i += 1 << 20) for (const b of enc.write(tar.subarray(i, i + (1 << 20)))) hash.update(b)
  for (const b of enc.end()) hash.update(b)
  const oursS = (performance.now() - t) / 1000
  const same = hash.digest('hex') === createHash('sha256').update(native).digest('hex')
  const mbps = (s: number): string => (tar.length / 1e6 / s).toFixed(2).padStart(9)
  console.log(`${args.join(' ').padEnd(10)} ${mbps(oursS)}  ${mbps(nativeS)}  ${(oursS / nativeS).toFixed(2).padStart(15)}x  ${same ? 'identical' : 'DIFFERENT'}`)
}
