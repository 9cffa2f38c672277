/**
 * BENCH_ONLY=speed (issue #16): the issue's table, every case beside its baseline measured in the same
 * run, the CLI end to end (`create --json`, no CAR) as the issue measured it. Each time is the median of
 * three, baseline and subject interleaved (a loaded machine slows both alike); the load average is
 * printed with the table, which is also written to .bench-data/speed.md, and with BENCH_README=1 put
 * into README.md between its `speed` markers, dated.
 *   - CLI start-up: `create` on left-pad's 1 KB .tgz beside `node -e 0` spawned the same way;
 *   - CPython 3.11.2's source tar (99 MB, 4,770 entries) beside ipfs-unixfs-importer importing its files
 *     from memory, and the time per entry beyond the hashing floor and the CLI's start-up;
 *   - one 512 MiB file in a tar beside the two-core floor for its digests:
 *     bytes / ((2 × t_sha256 + t_sha512) / 2), each t measured now;
 *   - compressed: creating and rebuilding (`restore` from a CAR) beside the native compressor at the
 *     recipe's settings on the same tar, and the native decompressor, with the peak RSS of `create`.
 * Archives come from `apt-get source` (Debian's upstream tarballs) and `npm pack`, into .bench-data/speed.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { createCipheriv, createHash } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { delimiter, join } from 'node:path'
import { loadManifest } from '../src/index.js'
import { openCarFile } from '../src/node/index.js'
import { cliBin } from './bin.js'

/** A run's wall time, and (from GNU time, when present) its CPU time over all threads and its peak RSS. */
interface Run { seconds: number, cpu?: number, maxRssMB?: number }

/** Runs per case (the median is reported); BENCH_RUNS overrides 3, for a quick look. */
const RUNS = Number(process.env.BENCH_RUNS ?? 3)

export async function speedBench (root: string): Promise<void> {
  const dir = join(root, '.bench-data', 'speed')
  mkdirSync(dir, { recursive: true })
  const cli = cliBin(root)
  const measureScript = join(root, 'dist/bench/measure.js')
  const loadBefore = loadavg()[0] as number
  const started = new Date()

  const inputs = prepare(root, dir)
  const rows: string[][] = []
  const row = (...cells: string[]): void => { rows.push(cells); console.log(`  ${cells.join(' | ')}`) }
  const create = (file: string, flags: string[] = []): Run => timed(process.execPath, [cli, 'create', file, '--json', ...flags])
  // measure.js times its own part (the importer's import, a hash), without its process's start-up.
  const measure = (kind: string, file: string): Run => {
    const out = execFileSync(process.execPath, [measureScript, kind, file], { encoding: 'utf8', maxBuffer: 1 << 26 })
    return { seconds: (JSON.parse(out.trim().split('\n').pop() as string) as { seconds: number }).seconds }
  }
  console.log(`speed (issue #16): medians of ${RUNS}, baseline and subject interleaved; load average ${loadBefore.toFixed(2)} at the start`)

  // CLI start-up.
  const [startup, node0] = interleaved(() => create(inputs.leftPad), () => timed(process.execPath, ['-e', '0']))
  row('CLI start-up (`create` on left-pad\'s 1 KB .tgz)', s(startup), `\`node -e 0\` spawned the same way: ${s(node0)}`,
    `+${(startup.seconds - node0.seconds).toFixed(2)} s (${ratio(startup, node0)}x)`, 'at most +0.1 s')

  // Many small files.
  const entries = (JSON.parse(execFileSync(process.execPath, [cli, 'create', inputs.pythonTar, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 })) as { entryCount: number }).entryCount
  const [python, importer] = interleaved(() => create(inputs.pythonTar), () => measure('importer', inputs.pythonTar))
  const pyFloor = floorOf(inputs.pythonTar, measure)
  const perEntry = (python.seconds - startup.seconds - pyFloor) / entries * 1e6
  row(`CPython 3.11.2 source tar (${mb(inputs.pythonTar)} MB, ${entries} entries)`, `${s(python)}, ${rate(inputs.pythonTar, python)}`,
    `ipfs-unixfs-importer on the same files from memory: ${s(importer)}, ${rate(inputs.pythonTar, importer)}`,
    `${ratio(importer, python)}x; ${perEntry.toFixed(0)} µs an entry beyond the hashing floor (${pyFloor.toFixed(2)} s) and start-up`,
    'at least 1.5x (aim 3x); well under 30 µs an entry')

  // Large files.
  const [large] = interleaved(() => create(inputs.largeTar))
  const floor = floorOf(inputs.largeTar, measure)
  row('one 512 MiB file in a tar', `${s(large)}, ${rate(inputs.largeTar, large)}`,
    `two-core floor (2 × sha256 + sha512) / 2: ${floor.toFixed(2)} s, ${(bytes(inputs.largeTar) / 1e6 / floor).toFixed(0)} MB/s`,
    (floor / large.seconds).toFixed(2), 'at least 0.85 (aim 0.95)')

  // Compressed.
  for (const c of inputs.compressed) {
    const car = join(dir, 'bench.car')
    execFileSync(process.execPath, [cli, 'create', c.file, '--car', car], { stdio: 'ignore' })
    const recipe = await recipesIn(car)
    const [made, native] = interleaved(() => create(c.file, c.flags), () => timed('bash', ['-c', `${c.native} -c "$1" > /dev/null`, 'bench', c.tar]))
    const [rebuilt, nativeDecompress] = interleaved(() => timed('bash', ['-c', `"$1" "$2" restore "$3" > /dev/null`, 'bench', process.execPath, cli, car]),
      () => timed('bash', ['-c', `${c.tool} -dc "$1" > /dev/null`, 'bench', c.file]))
    rmSync(car, { force: true })
    row(`${c.label} (${mb(c.tar)} MB tar; recipe ${recipe})`, `create ${s(made)} (peak RSS ${made.maxRssMB ?? '?'} MB), rebuild ${s(rebuilt)}`,
      `\`${c.native}\` ${s(native)}; \`${c.tool} -d\` ${s(nativeDecompress)}`,
      `create ${ratio(made, native)}x, rebuild ${ratio(native, rebuilt)}x`, 'create at most 1.5x, rebuild at least 0.8x')
  }

  const loadAfter = loadavg()[0] as number
  const load = Math.max(loadBefore, loadAfter)
  // The bench keeps at most every core busy itself: a load above the core count is other work.
  const cores = availableParallelism()
  const machine = load <= cores ? `an idle machine (load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)} on ${cores} cores, the bench's own work included)` : `a **loaded** machine (load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)} on ${cores} cores: other work shared them, so absolute times are long; ratios hold better)`
  const table = [
    `Measured ${started.toISOString().slice(0, 10)} on ${machine} by \`BENCH_ONLY=speed npm run bench\`: the CLI end to end,`,
    `medians of ${RUNS}, baseline and subject interleaved; wall time, with the CPU time of all the process's threads in parentheses.`,
    '',
    '| case | this project | baseline in the same run | ratio | target |',
    '|---|---|---|---|---|',
    ...rows.map(cells => `| ${cells.join(' | ')} |`)
  ].join('\n')
  writeFileSync(join(root, '.bench-data', 'speed.md'), table + '\n')
  if (process.env.BENCH_README === '1') updateReadme(join(root, 'README.md'), table)
  console.log(`\n${table}\n`)
}

/** The recipes a manifest in a CAR file records, e.g. "xz level=6 extreme=1", or "none". */
async function recipesIn (path: string): Promise<string> {
  const car = await openCarFile(path)
  try {
    const members = (await loadManifest(car.root, car)).compression?.members ?? []
    const names = members.map(m => m.recipe === undefined ? 'none' : [m.recipe.encoder, ...Object.entries(m.recipe.params).map(([k, v]) => `${k}=${v}`)].join(' '))
    return [...new Set(names)].join(', ') + (members.length > 1 ? ` (${members.length} members)` : '')
  } finally {
    await car.close()
  }
}

/** The two-core floor for a manifest's digests of `file`: (2 × t_sha256 + t_sha512) / 2, medians. */
function floorOf (file: string, measure: (kind: string, file: string) => Run): number {
  const [sha256, sha512] = interleaved(() => measure('sha256', file), () => measure('sha512', file))
  return (2 * sha256.seconds + sha512.seconds) / 2
}

/** Medians of RUNS runs of each function, interleaved. */
function interleaved<T extends Array<() => Run>> (...fns: T): { [K in keyof T]: Run } {
  const runs: Run[][] = fns.map(() => [])
  for (let i = 0; i < RUNS; i++) fns.forEach((fn, j) => runs[j]?.push(fn()))
  return runs.map(r => {
    const sorted = [...r].sort((a, b) => a.seconds - b.seconds)
    return sorted[Math.floor(sorted.length / 2)] as Run
  }) as { [K in keyof T]: Run }
}

/** GNU time (the program, not the shell's keyword), found on PATH. */
const gnuTime = (process.env.PATH ?? '').split(delimiter).map(dir => join(dir, 'time')).find(path => existsSync(path))

/** Wall time of a command (its output discarded), and with GNU time its CPU time (user + system, all threads) and peak RSS. */
function timed (command: string, args: string[]): Run {
  const options = { stdio: ['ignore', 'ignore', 'pipe'] as Array<'ignore' | 'pipe'>, encoding: 'utf8' as const, maxBuffer: 1 << 26 }
  const t = performance.now()
  const r = gnuTime ? spawnSync(gnuTime, ['-f', '%M %U %S', command, ...args], options) : spawnSync(command, args, options)
  const seconds = (performance.now() - t) / 1000
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr}`)
  const [kb, user, system] = gnuTime ? (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number) : []
  const run: Run = { seconds }
  if (kb !== undefined && Number.isFinite(kb)) run.maxRssMB = Math.round(kb / 1024)
  if (user !== undefined && system !== undefined && Number.isFinite(user + system)) run.cpu = user + system
  return run
}

/** Wall seconds, and CPU seconds (all threads) when known. */
const s = (r: Run): string => `${r.seconds.toFixed(2)} s${r.cpu === undefined ? '' : ` (CPU ${r.cpu.toFixed(2)} s)`}`
const ratio = (a: Run, b: Run): string => (a.seconds / b.seconds).toFixed(2)
const bytes = (file: string): number => statSync(file).size
const mb = (file: string): string => (bytes(file) / 1e6).toFixed(1)
const rate = (file: string, r: Run): string => `${(bytes(file) / 1e6 / r.seconds).toFixed(0)} MB/s`

/** A compressed case; `flags` are given to `create` (the opt-in trade of memory for speed). */
interface Compressed { label: string, file: string, tar: string, tool: string, native: string, flags?: string[] }

/** The archives, fetched or made once. */
function prepare (root: string, dir: string): { leftPad: string, pythonTar: string, largeTar: string, compressed: Compressed[] } {
  const leftPad = join(dir, 'left-pad-1.3.0.tgz')
  if (!existsSync(leftPad)) execFileSync('npm', ['pack', '--silent', 'left-pad@1.3.0'], { cwd: dir, stdio: 'ignore' })
  const source = (pkg: string, pattern: RegExp): string => {
    let found = readdirSync(dir).find(f => pattern.test(f))
    if (found === undefined) {
      execFileSync('bash', [join(root, 'test/setup/enable-deb-src.sh')], { stdio: 'inherit' })
      execFileSync('apt-get', ['source', '--download-only', '-qq', pkg], { cwd: dir, stdio: 'ignore' })
      found = readdirSync(dir).find(f => pattern.test(f))
      if (found === undefined) throw new Error(`apt-get source ${pkg} gave no file like ${pattern}`)
    }
    return join(dir, found)
  }
  const tarOf = (file: string, tool: string): string => {
    const tar = file.replace(/\.(gz|bz2|xz)$/, '')
    if (!existsSync(tar)) execFileSync('bash', ['-c', `${tool} -dc "$1" > "$2"`, 'bench', file, tar])
    return tar
  }
  const python = source('python3.11', /^python3\.11_.*\.orig\.tar\.gz$/)
  const hello = source('hello', /^hello_.*\.orig\.tar\.gz$/)
  const alsa = source('alsa-lib', /^alsa-lib_.*\.orig\.tar\.bz2$/)
  const sed = source('sed', /^sed_.*\.orig\.tar\.xz$/)
  const git = source('git', /^git_.*\.orig\.tar\.xz$/)
  const sedTar = tarOf(sed, 'xz')
  const zst = `${sedTar}.19.zst`
  if (!existsSync(zst)) execFileSync('zstd', ['-q', '-f', '-19', sedTar, '-o', zst])
  return {
    leftPad,
    pythonTar: tarOf(python, 'gzip'),
    largeTar: largeTar(dir),
    compressed: [
      { label: 'hello 2.10 .tar.gz', file: hello, tar: tarOf(hello, 'gzip'), tool: 'gzip', native: 'gzip -n -9' },
      { label: 'alsa-lib 1.2.8 .tar.bz2', file: alsa, tar: tarOf(alsa, 'bzip2'), tool: 'bzip2', native: 'bzip2 -9' },
      { label: 'sed 4.9 .tar.xz', file: sed, tar: sedTar, tool: 'xz', native: 'xz -6e -T1' },
      { label: 'sed 4.9 tar, `zstd -19` of the file', file: zst, tar: sedTar, tool: 'zstd', native: 'zstd -q -19' },
      { label: 'CPython 3.11.2 .tar.gz', file: python, tar: tarOf(python, 'gzip'), tool: 'gzip', native: 'gzip -n -9' },
      { label: 'git 2.39.5 .tar.xz (`xz -T2` layout)', file: git, tar: tarOf(git, 'xz'), tool: 'xz', native: 'xz -6e -T2' },
      { label: 'the same, `create --xz-blocks` (both cores, more memory)', file: git, tar: tarOf(git, 'xz'), tool: 'xz', native: 'xz -6e -T2', flags: ['--xz-blocks'] }
    ]
  }
}

/** A tar of one 512 MiB file of ChaCha20 bytes (GNU tar's headers), made once. */
function largeTar (dir: string): string {
  const tar = join(dir, 'one-512MiB.tar')
  if (existsSync(tar)) return tar
  const work = join(dir, 'large')
  mkdirSync(work, { recursive: true })
  const fd = openSync(join(work, 'file.bin'), 'w')
  const cipher = createCipheriv('chacha20', createHash('sha256').update('speed').digest(), Buffer.alloc(16))
  for (let left = 512 << 20; left > 0; left -= 4 << 20) writeSync(fd, cipher.update(Buffer.alloc(Math.min(left, 4 << 20))))
  closeSync(fd)
  execFileSync('tar', ['--format=gnu', '-cf', tar, '-C', work, 'file.bin'])
  rmSync(work, { recursive: true, force: true })
  return tar
}

/** Replaces README.md's text between `<!-- speed:begin -->` and `<!-- speed:end -->`. */
function updateReadme (path: string, table: string): void {
  const text = readFileSync(path, 'utf8')
  const begin = '<!-- speed:begin -->'
  const end = '<!-- speed:end -->'
  const from = text.indexOf(begin)
  const to = text.indexOf(end)
  if (from < 0 || to < from) throw new Error(`README.md has no ${begin} … ${end} section`)
  writeFileSync(path, `${text.slice(0, from + begin.length)}\n${table}\n${text.slice(to)}`)
}
