/**
 * BENCH_ONLY=startup (issues #16 and #17): how long the CLI takes to describe a tiny archive, beside
 * `node -e 0` spawned the same way in the same run, so what is measured is the CLI's own start-up (module
 * loading, codec loading, the work itself) and not Node's. Target: at most 0.1 s more than the baseline.
 * Cases: left-pad 1.3.0's npm tarball (3.6 KB .tgz: the gzip recipe race runs) and the same tar
 * uncompressed. Runs are interleaved (baseline, then each case) so load from other processes hits all
 * alike; the minimum and the median of the rounds are printed, each as a difference and a ratio to the
 * baseline's. Beside wall time, each process's own CPU time (all its threads, reported at exit by a
 * preloaded module given to every case alike): on a machine loaded by other work the wall times spread,
 * the minimum CPU times much less.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { cliBin } from './bin.js'

/** The left-pad .tgz: from the corpus if it was fetched, else `npm pack` into .bench-data. */
function leftPad (root: string): string {
  const corpus = join(root, '.cache/corpus/npm/left-pad-1.3.0.tgz')
  if (existsSync(corpus)) return corpus
  const dir = join(root, '.bench-data/startup')
  mkdirSync(dir, { recursive: true })
  if (!readdirSync(dir).includes('left-pad-1.3.0.tgz')) execFileSync('npm', ['pack', '--silent', 'left-pad@1.3.0'], { cwd: dir, stdio: 'ignore' })
  return join(dir, 'left-pad-1.3.0.tgz')
}

/** Prints the process's CPU time (user + system, microseconds) on stderr as it exits. */
const cpuReporter = 'data:text/javascript,' + encodeURIComponent("process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('CPU ' + (u.user + u.system) + '\\n') })")

/** Wall and CPU time of one spawn, in seconds (stdout read and discarded, as a user's shell would). */
function spawnSeconds (args: string[], cpu: boolean): { wall: number, cpu: number } {
  const t = performance.now()
  const r = spawnSync(process.execPath, cpu ? ['--import', cpuReporter, ...args] : args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const wall = (performance.now() - t) / 1000
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`)
  const reported = /^CPU (\d+)$/m.exec(r.stderr.toString())?.[1]
  return { wall, cpu: reported === undefined ? NaN : Number(reported) / 1e6 }
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] as number }

export function startupBench (root: string, rounds = 15): void {
  const tgz = leftPad(root)
  const tar = join(root, '.bench-data/startup/left-pad-1.3.0.tar')
  mkdirSync(join(root, '.bench-data/startup'), { recursive: true })
  writeFileSync(tar, gunzipSync(readFileSync(tgz)))
  const cli = cliBin(root)
  const cases: Array<[string, string[]]> = [
    ['node -e 0 (baseline)', ['-e', '0']],
    ['create left-pad-1.3.0.tgz --json', [cli, 'create', tgz, '--json']],
    ['create left-pad-1.3.0.tar --json', [cli, 'create', tar, '--json']]
  ]
  for (const [, args] of cases) spawnSeconds(args, false) // warm the page cache
  const walls = cases.map(() => [] as number[])
  const cpus = cases.map(() => [] as number[])
  for (let i = 0; i < rounds; i++) {
    cases.forEach(([, args], c) => {
      walls[c]!.push(spawnSeconds(args, false).wall)
      cpus[c]!.push(spawnSeconds(args, true).cpu)
    })
  }
  const stats = (xs: number[]): { min: number, median: number } => ({ min: Math.min(...xs), median: median(xs) })
  const base = { wall: stats(walls[0]!), cpu: stats(cpus[0]!) }
  const versus = (x: { min: number, median: number }, b: { min: number, median: number }): string =>
    `+${(x.min - b.min).toFixed(3)} s (${(x.min / b.min).toFixed(2)}x) min, +${(x.median - b.median).toFixed(3)} s median`
  console.log(`CLI start-up (${rounds} rounds, interleaved; target: at most 0.1 s more wall time than the baseline):`)
  cases.forEach(([label], c) => {
    const wall = stats(walls[c]!)
    const cpu = stats(cpus[c]!)
    console.log(`  ${label.padEnd(34)} wall min ${wall.min.toFixed(3)} s, median ${wall.median.toFixed(3)} s; CPU min ${cpu.min.toFixed(3)} s`)
    if (c > 0) console.log(`  ${''.padEnd(34)} vs baseline: wall ${versus(wall, base.wall)}; CPU ${versus(cpu, base.cpu)}`)
  })
  console.log('')
}
