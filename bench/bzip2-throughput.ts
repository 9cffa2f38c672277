/**
 * This library's bzip2 encoder and decoder against the native `bzip2` binary on one file, several rounds,
 * native and ours interleaved in each round so load from other processes hits both alike.
 *
 *   npx tsx bench/bzip2-throughput.ts FILE [rounds=3] [level=9]
 *
 * Prints MB/s (of uncompressed data) for each and ours/native throughput ratios per round; the decoder is
 * timed alone (bzip2Decompress) and inside decompress/bzip2.ts's stream splitter (bunzip2).
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Bzip2Encoder, bzip2Decompress, loadLibbz2 } from '../src/compression/bzip2/index.js'
import { bunzip2 } from '../src/compression/decompress/bzip2.js'

const [file, roundsArg, levelArg] = process.argv.slice(2)
if (file === undefined) throw new Error('usage: bench/bzip2-throughput.ts FILE [rounds] [level]')
const rounds = Number(roundsArg ?? 3)
const level = Number(levelArg ?? 9)
const data = new Uint8Array(readFileSync(file))
await loadLibbz2()
const mb = data.length / 1e6
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

function time<T> (f: () => T): [number, T] {
  const t = performance.now()
  const r = f()
  return [(performance.now() - t) / 1000, r]
}

function ourCompress (): Uint8Array {
  const enc = new Bzip2Encoder(level)
  const parts: Uint8Array[] = []
  const step = 1 << 20 // as the rebuild path feeds it: chunk by chunk
  for (let i = 0; i < data.length; i += step) parts.push(enc.write(data.subarray(i, i + step)))
  parts.push(enc.finish())
  return Buffer.concat(parts)
}

async function ourDecompress (bz: Uint8Array): Promise<string> {
  async function * chunks (): AsyncIterable<Uint8Array> {
    for (let i = 0; i < bz.length; i += 65536) yield bz.subarray(i, i + 65536)
  }
  const h = createHash('sha256')
  for await (const part of bzip2Decompress(chunks())) h.update(part)
  return h.digest('hex')
}

/** The whole path manifest creation takes: stream splitting (decompress/bzip2.ts) around the decoder. */
async function ourBunzip2 (bz: Uint8Array): Promise<string> {
  async function * chunks (): AsyncIterable<Uint8Array> {
    for (let i = 0; i < bz.length; i += 65536) yield bz.subarray(i, i + 65536)
  }
  const h = createHash('sha256')
  for await (const ev of bunzip2(chunks())) if (ev.kind === 'data') h.update(ev.bytes)
  return h.digest('hex')
}

const expected = sha(data)
console.log(`${file}: ${mb.toFixed(1)} MB, bzip2 -${level}`)
for (let r = 1; r <= rounds; r++) {
  const [tNc, nativeBz] = time(() => new Uint8Array(execFileSync('bzip2', [`-${level}`, '-c', file], { maxBuffer: 1 << 30 })))
  const [tOc, ourBz] = time(ourCompress)
  if (sha(ourBz) !== sha(nativeBz)) throw new Error('our output differs from bzip2\'s')
  const [tNd, nativeOut] = time(() => new Uint8Array(execFileSync('bzip2', ['-dc'], { input: nativeBz, maxBuffer: 1 << 30 })))
  const t = performance.now()
  const ourSha = await ourDecompress(nativeBz)
  const tOd = (performance.now() - t) / 1000
  const t2 = performance.now()
  const ourSha2 = await ourBunzip2(nativeBz)
  const tOb = (performance.now() - t2) / 1000
  if (ourSha !== expected || ourSha2 !== expected || sha(nativeOut) !== expected) throw new Error('decompressed bytes differ from the input')
  console.log(`round ${r}: compress native ${(mb / tNc).toFixed(1)} MB/s, ours ${(mb / tOc).toFixed(1)} MB/s, ratio ${(tNc / tOc).toFixed(2)}; ` +
    `decompress native ${(mb / tNd).toFixed(1)} MB/s, ours ${(mb / tOd).toFixed(1)} MB/s, ratio ${(tNd / tOd).toFixed(2)}; ` +
    `bunzip2 (with stream splitting) ${(mb / tOb).toFixed(1)} MB/s, ratio ${(tNd / tOb).toFixed(2)}`)
}
