/**
 * `serve --store DIR` as users run it, over a store made by `add`: Nix's builtin fetchurl gets archives
 * through `hashed-mirrors` while their URL is dead (a GNU gzip .tar.gz, an npm .tgz, a .tar.xz); 32
 * concurrent downloads of different archives are all exact (the server's peak RSS is printed); the store
 * and index persist across a restart; SIGTERM stops the server cleanly.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { patternBytes, removeDir, tempDir } from '../../helpers/archives.js'
import { ensureRealArchives, repoRoot } from '../../helpers/real-archives.js'

const execFileAsync = promisify(execFile)
const cliPath = join(repoRoot, 'src/node/cli.ts')

let dir: string
let store: string
let real: string
/** Every archive added to the store, by path, with its digest. */
const archives: Array<{ path: string, sha256: string }> = []

function sha256 (bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** 32 small archives that differ: seeded trees, as plain tar, GNU gzip -9, xz -6 and bzip2 -9. */
function makeArchives (into: string): void {
  mkdirSync(into)
  const compress = [undefined, ['gzip', '-n', '-9'], ['xz', '-6', '-T1'], ['bzip2', '-9']]
  for (let i = 0; i < 32; i++) {
    const tree = join(dir, `tree-${i}`)
    mkdirSync(join(tree, `pkg-${i}`, 'src'), { recursive: true })
    writeFileSync(join(tree, `pkg-${i}`, 'README'), `package ${i}\n`.repeat(50 + i))
    writeFileSync(join(tree, `pkg-${i}`, 'src', 'data.bin'), patternBytes(100_000 + i * 7_919, i + 1))
    writeFileSync(join(tree, `pkg-${i}`, 'src', 'text.txt'), Buffer.from(`line ${i} of some source text\n`.repeat(2_000 + 100 * i)))
    const tar = execFileSync('tar', ['--format=gnu', '--sort=name', '--mtime=2024-01-01', '--owner=0', '--group=0', '-C', tree, '-cf', '-', `pkg-${i}`], { maxBuffer: 1 << 26 })
    const tool = compress[i % 4]
    const name = join(into, `pkg-${i}.tar${tool === undefined ? '' : { gzip: '.gz', xz: '.xz', bzip2: '.bz2' }[tool[0] as string]}`)
    writeFileSync(name, tool === undefined ? tar : execFileSync(tool[0] as string, tool.slice(1), { input: tar, maxBuffer: 1 << 26 }))
  }
}

async function cli (...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', cliPath, ...args], { cwd: repoRoot, maxBuffer: 1 << 26 })
  return stdout
}

interface Running { child: ChildProcess, url: string, exited: Promise<number | null> }

/** `serve --store` on a free loopback port; resolves once it prints where it listens. */
async function startServe (...extra: string[]): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', cliPath, 'serve', '--store', store, '--listen', '127.0.0.1:0', '--json', ...extra], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve)
    child.once('exit', code => reject(new Error(`serve exited with ${code} before listening`)))
  })
  return { child, url: (JSON.parse(first) as { url: string }).url, exited }
}

async function stop (running: Running): Promise<number | null> {
  running.child.kill('SIGTERM')
  return await running.exited
}

async function curlSha256 (url: string): Promise<string> {
  const { stdout } = await execFileAsync('curl', ['-s', '-S', '-f', url], { encoding: 'buffer', maxBuffer: 1 << 28 })
  return sha256(stdout)
}

/** The server's peak resident memory so far, in MiB (Linux: VmHWM). */
function peakRssMiB (pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) / 1024
}

let server: Running | undefined

beforeAll(async () => {
  execFileSync('bash', [join(repoRoot, 'test/setup/ensure-peers.sh')], { stdio: 'inherit' })
  real = ensureRealArchives()
  dir = tempDir('iam-cli-serve-')
  store = join(dir, 'store')
  const many = join(dir, 'many')
  makeArchives(many)
  const corpus = [
    join(real, 'make-dfsg_4.3.orig.tar.gz'), join(real, 'multiformats-14.0.5.tgz'), join(real, 'sed_4.9.orig.tar.xz'),
    join(repoRoot, 'test/fixtures/real/hello-2.10.tar'), join(real, 'zlib_1.2.13.dfsg.orig.tar.bz2')
  ]
  await cli('add', ...corpus, many, '--store', store)
  for (const path of [...corpus, ...readdirSync(many).sort().map(f => join(many, f))]) archives.push({ path, sha256: sha256(readFileSync(path)) })
  server = await startServe()
}, 900_000)

afterAll(async () => {
  if (server !== undefined) await stop(server)
  removeDir(dir)
})

describe('serve --store DIR', () => {
  it('Nix fetches a GNU gzip .tar.gz, an npm .tgz and a .tar.xz through hashed-mirrors, the original URL dead', async () => {
    const url = (server as Running).url
    for (const name of ['make-dfsg_4.3.orig.tar.gz', 'multiformats-14.0.5.tgz', 'sed_4.9.orig.tar.xz']) {
      const archive = archives.find(a => a.path.endsWith(name))
      if (archive === undefined) throw new Error(`${name} not added`)
      // A fresh Nix store per build, so nothing fetched before can satisfy it.
      const nixRoot = tempDir('iam-nix-')
      try {
        const expr = join(nixRoot, 't.nix')
        writeFileSync(expr, `import <nix/fetchurl.nix> { url = "http://127.0.0.1:1/${name}"; sha256 = "${archive.sha256}"; }\n`)
        const { stdout } = await execFileAsync('nix-build', [
          '--store', nixRoot, '--no-out-link', '--option', 'build-users-group', '', '--option', 'substituters', '',
          '--option', 'hashed-mirrors', url, expr
        ], { maxBuffer: 1 << 24 })
        const outPath = stdout.trim().split('\n').pop() as string
        expect(outPath).toMatch(new RegExp(`^/nix/store/[a-z0-9]{32}-${name.replace(/\./g, '\\.')}$`))
        // The store is chrooted under nixRoot: the output is the archive, byte for byte.
        expect(sha256(readFileSync(join(nixRoot, outPath)))).toBe(archive.sha256)
      } finally {
        execFileSync('chmod', ['-R', 'u+w', nixRoot])
        removeDir(nixRoot)
      }
    }
  }, 600_000)

  it('32 concurrent downloads of different archives are all exact (peak RSS printed)', async () => {
    const running = server as Running
    const batch = archives.slice(-32)
    expect(batch.length).toBe(32)
    const got = await Promise.all(batch.map(async a => await curlSha256(`${running.url}sha256/${a.sha256}`)))
    expect(got).toEqual(batch.map(a => a.sha256))
    const peak = peakRssMiB(running.child.pid as number)
    console.log(`serve: peak RSS ${peak.toFixed(0)} MiB after 32 concurrent downloads (8 rebuilding at once)`)
    // Generous: eight liblzma -6 encoders at once are about 750 MiB; what matters is that it is bounded.
    expect(peak).toBeLessThan(1536)
  }, 600_000)

  it('the store and index persist: stopped with SIGTERM (exit 0) and started again, it serves every archive', async () => {
    expect(await stop(server as Running)).toBe(0)
    server = await startServe()
    const url = server.url
    for (const a of archives) expect(await curlSha256(`${url}sha256/${a.sha256}`), a.path).toBe(a.sha256)
  }, 600_000)

  it('finds an archive added by another process while it runs', async () => {
    const extra = join(repoRoot, 'test/fixtures/real/tar-stream-3.1.7.tar')
    const hex = sha256(readFileSync(extra))
    const url = (server as Running).url
    const before = await execFileAsync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `${url}sha256/${hex}`])
    expect(before.stdout).toBe('404')
    await cli('add', extra, '--store', store)
    expect(await curlSha256(`${url}sha256/${hex}`)).toBe(hex)
  }, 300_000)

  it('usage errors: no --store, a bad --listen, --upstream, --max-streams or --index', async () => {
    for (const args of [['serve'], ['serve', '--store', store, '--listen', 'nope:port'], ['serve', '--store', store, '--upstream', 'ftp://x/'], ['serve', '--store', store, '--max-streams', '0'], ['serve', '--store', store, '--index', 'notacid']]) {
      const r = await execFileAsync(process.execPath, ['--import', 'tsx', cliPath, ...args], { cwd: repoRoot }).then(() => ({ code: 0, stderr: '' }), (err: { code: number, stderr: string }) => err)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(/^error ERR_USAGE: /)
    }
    const missing = await execFileAsync(process.execPath, ['--import', 'tsx', cliPath, 'serve', '--store', join(dir, 'nothing')], { cwd: repoRoot }).then(() => ({ code: 0, stderr: '' }), (err: { code: number, stderr: string }) => err)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^error ERR_FILE_NOT_FOUND: /)
  }, 120_000)
})
