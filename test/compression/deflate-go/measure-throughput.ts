/**
 * Throughput of the Go-compress/flate-exact encoder next to Go itself (the oracle binary, io.Copy from the file).
 * Run: npx tsx test/compression/deflate-go/measure-throughput.ts [file] [levels...]
 * (default: test/fixtures/real/hello-2.10.tar at levels 1-9). Best of 5 runs each.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { goFlateDeflateSync } from '../../../src/compression/deflate/go/go-flate.js'
import { buildOracle, cleanupOracle, firstDifference, goCopyFile } from './go-oracle.js'

const file = process.argv[2] ?? join(import.meta.dirname, '../../fixtures/real/hello-2.10.tar')
const levels = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [1, 2, 3, 4, 5, 6, 7, 8, 9]
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

buildOracle()
try {
  for (const level of levels) {
    const want = goCopyFile(file, level, 'copy')
    const got = goFlateDeflateSync(data, level)
    const same = firstDifference(want, got) === -1
    const ours = best(() => goFlateDeflateSync(data, level))
    const theirs = best(() => goCopyFile(file, level, 'copy'))
    console.log(`${file} (${mb.toFixed(2)} MB) level ${level}: identical=${same} size ${got.length}; ours ${ours.toFixed(0)} ms = ` +
      `${(mb / ours * 1000).toFixed(1)} MB/s; Go ${theirs.toFixed(0)} ms = ${(mb / theirs * 1000).toFixed(1)} MB/s (incl. process start)`)
  }
} finally {
  cleanupOracle()
}
