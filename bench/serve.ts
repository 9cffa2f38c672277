/**
 * `serve` (issue #14): time to first byte and throughput of GET /sha256/<hex> for a plain tar, a GNU gzip
 * .tar.gz and an xz .tar.xz, each rebuilt from a store on disk, beside the same file served from disk by
 * a plain static handler (bench/static-serve.ts) and beside the native compressor making the same bytes
 * from the tar. Mirror and static server run in their own processes (built output, as a user runs the
 * CLI); each figure is the best of three requests on a warm page cache. Ratios are printed in the same run.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { get } from 'node:http'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { openStore } from '../src/node/store.js'
import { cliBin } from './bin.js'

interface Case { label: string, file: string, tar?: string, native?: string }
interface Timing { ttfb: number, seconds: number, bytes: number }

export async function serveBench (root: string): Promise<void> {
  execFileSync('bash', [join(root, 'test/setup/fetch-real.sh')], { stdio: 'inherit' })
  const real = join(root, '.cache/real')
  const data = join(root, '.bench-data/serve')
  const files = join(data, 'files')
  mkdirSync(files, { recursive: true })
  const cases: Case[] = [
    { label: 'pcre2 10.42 .tar (plain, 11.4 MB)', file: join(real, 'pcre2_10.42.orig.tar') },
    { label: 'pcre2 10.42 .orig.tar.gz (GNU gzip -9)', file: join(real, 'pcre2_10.42.orig.tar.gz'), tar: join(real, 'pcre2_10.42.orig.tar'), native: 'gzip -n -9' },
    { label: 'sed 4.9 .orig.tar.xz (xz -6e)', file: join(real, 'sed_4.9.orig.tar.xz'), tar: join(real, 'sed_4.9.orig.tar'), native: 'xz -6e -T1' }
  ]
  // A fresh store, the archives added as a user would (described, verified, indexed).
  const storeDir = join(data, 'store')
  rmSync(storeDir, { recursive: true, force: true })
  const store = await openStore(storeDir)
  const hexes: string[] = []
  for (const c of cases) {
    hexes.push((await store.add(c.file)).sha256)
    copyFileSync(c.file, join(files, c.file.split('/').pop() as string))
  }
  await store.close()

  const mirror = await start(process.execPath, [cliBin(root), 'serve', '--store', storeDir, '--listen', '127.0.0.1:0', '--json'], line => (JSON.parse(line) as { url: string }).url)
  const disk = await start(process.execPath, [join(root, 'dist/bench/static-serve.js'), files], line => line)
  try {
    console.log('serve: GET /sha256/<hex> from a store on disk, beside a static file handler and the native compressor')
    for (const [i, c] of cases.entries()) {
      const expected = createHash('sha256').update(readFileSync(c.file)).digest('hex')
      const m = await best(`${mirror.url}sha256/${hexes[i]}`, expected)
      const s = await best(`${disk.url}${c.file.split('/').pop()}`, expected)
      const rows = [row('mirror (rebuilt from blocks)', m), row('static file from disk', s)]
      let nativeRatio = ''
      if (c.tar !== undefined && c.native !== undefined && existsSync(c.tar)) {
        const n = nativeCompress(c.native, c.tar)
        rows.push(`  ${`${c.native} of the tar (native)`.padEnd(32)} ${'-'.padStart(9)}     ${(m.bytes / 1e6 / n).toFixed(1).padStart(7)} MB/s of output  ${n.toFixed(2).padStart(6)} s`)
        nativeRatio = `, mirror/native = ${(n / m.seconds).toFixed(2)}`
      }
      console.log(`${c.label}: ${(m.bytes / 1e6).toFixed(2)} MB\n${rows.join('\n')}\n  ratios: throughput mirror/static = ${(s.seconds / m.seconds).toFixed(3)}, ` +
        `time to first byte mirror/static = ${(m.ttfb / s.ttfb).toFixed(1)}${nativeRatio}\n`)
    }
  } finally {
    await stop(mirror.child)
    await stop(disk.child)
  }
}

function row (label: string, t: Timing): string {
  return `  ${label.padEnd(32)} ${(t.ttfb * 1000).toFixed(1).padStart(7)} ms  ${(t.bytes / 1e6 / t.seconds).toFixed(1).padStart(7)} MB/s  ${t.seconds.toFixed(2).padStart(12)} s`
}

/** The best of three GETs (by total time; its time to first byte beside it); every body checked. */
async function best (url: string, sha256: string): Promise<Timing> {
  let out: Timing | undefined
  for (let i = 0; i < 3; i++) {
    const t = await timedGet(url, sha256)
    if (out === undefined || t.seconds < out.seconds) out = t
  }
  return out as Timing
}

async function timedGet (url: string, sha256: string): Promise<Timing> {
  return await new Promise((resolve, reject) => {
    const t0 = performance.now()
    let ttfb: number | undefined
    let bytes = 0
    const hash = createHash('sha256')
    get(url, { agent: false }, (res) => {
      if (res.statusCode !== 200) { reject(new Error(`${url}: ${res.statusCode}`)); return }
      res.on('data', (chunk: Buffer) => {
        ttfb ??= (performance.now() - t0) / 1000
        bytes += chunk.length
        hash.update(chunk)
      })
      res.on('end', () => {
        const seconds = (performance.now() - t0) / 1000
        if (hash.digest('hex') !== sha256) reject(new Error(`${url}: wrong body`))
        else resolve({ ttfb: ttfb ?? seconds, seconds, bytes })
      })
      res.on('error', reject)
    }).on('error', reject)
  })
}

/** Seconds the native compressor takes over the tar (output discarded), best of three. */
function nativeCompress (command: string, tar: string): number {
  let bestSeconds = Infinity
  for (let i = 0; i < 3; i++) {
    const t = performance.now()
    execFileSync('sh', ['-c', `${command} < '${tar}' > /dev/null`])
    bestSeconds = Math.min(bestSeconds, (performance.now() - t) / 1000)
  }
  return bestSeconds
}

async function start (command: string, args: string[], urlOf: (line: string) => string): Promise<{ child: ChildProcess, url: string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve)
    child.once('exit', code => reject(new Error(`${args.join(' ')} exited with ${code}`)))
  })
  return { child, url: urlOf(line) }
}

async function stop (child: ChildProcess): Promise<void> {
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}
