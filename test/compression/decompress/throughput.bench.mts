/**
 * Decompression throughput of each codec on a real ~46 MB tar (typescript + pcre2 + sed from .cache/real),
 * next to the native binary. Run: npx tsx test/compression/decompress/throughput.bench.mts
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { decompress } from '../../../src/compression/decompress/index.js'

const real = join(import.meta.dirname, '../../../.cache/real')
const tar = Buffer.concat(['typescript-5.9.3.tar', 'pcre2_10.42.orig.tar', 'sed_4.9.orig.tar'].map(f => readFileSync(join(real, f))))
const src = join(tmpdir(), 'bench-input.tar')
writeFileSync(src, tar)
const mb = tar.length / 1e6
console.log(`input: ${mb.toFixed(1)} MB tar`)
console.log('codec   ratio  ours MB/s  native MB/s  (uncompressed bytes per second)')
for (const [name, tool, args] of [['gzip -6', 'gzip', ['-6']], ['bzip2 -9', 'bzip2', ['-9']], ['xz -6', 'xz', ['-6', '-T1']], ['zstd -19', 'zstd', ['-19', '-q']], ['zstd -3', 'zstd', ['-3', '-q']]] as const) {
  const comp = execFileSync(tool, [...args, '-c', src], { maxBuffer: 1 << 30 })
  const path = `${src}.${tool}`
  writeFileSync(path, comp)
  let t = performance.now()
  execFileSync('sh', ['-c', `${tool} -dc "$1" > /dev/null`, 'sh', path])
  const native = (performance.now() - t) / 1000
  t = performance.now()
  let n = 0
  const chunks = function * () { for (let i = 0; i < comp.length; i += 65536) yield comp.subarray(i, i + 65536) }
  for await (const e of decompress(chunks())) if (e.kind === 'data') n += e.bytes.length
  const ours = (performance.now() - t) / 1000
  if (n !== tar.length) throw new Error(`${name}: ${n} bytes, expected ${tar.length}`)
  console.log(`${name.padEnd(9)} ${(tar.length / comp.length).toFixed(2).padStart(5)}  ${(mb / ours).toFixed(0).padStart(8)}  ${(mb / native).toFixed(0).padStart(10)}`)
}
