/**
 * Throughput of the GNU-gzip-exact encoder next to the gzip binary.
 * Run: npx tsx test/compression/deflate/measure-throughput.ts [file] [levels...]
 * (default: test/fixtures/real/hello-2.10.tar at levels 6 and 9). Best of 5 runs each.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gnuGzipDeflateSync } from '../../../src/compression/deflate/gnu-gzip.js'
import { firstDifference, gzipRawDeflateFile } from './gnu-gzip-oracle.js'

const file = process.argv[2] ?? join(import.meta.dirname, '../../fixtures/real/hello-2.10.tar')
const levels = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [6, 9]
const data = new Uint8Array(readFileSync(file))
const mb = data.length / 1e6

function best (f: () => void, runs = 5): number {
  let min = Infinity
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    f()
    min = Math.min(min, performance.now() - t0)
  }
  return min
}

for (const level of levels) {
  const want = gzipRawDeflateFile(file, level)
  const got = gnuGzipDeflateSync(data, level)
  const same = firstDifference(want, got) === -1
  const ours = best(() => gnuGzipDeflateSync(data, level))
  const theirs = best(() => execFileSync('gzip', ['-n', `-${level}`, '-c', file], { maxBuffer: 1 << 30 }))
  console.log(`${file} (${mb.toFixed(2)} MB) -${level}: identical=${same} ours ${ours.toFixed(0)} ms = ${(mb / ours * 1000).toFixed(1)} MB/s; ` +
    `gzip binary ${theirs.toFixed(0)} ms = ${(mb / theirs * 1000).toFixed(1)} MB/s (incl. process start)`)
}
