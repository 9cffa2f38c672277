/**
 * The CLI loads what the command it runs needs, and no more (#16's start-up target: `create --json` on a
 * small archive within 0.1 s of `node -e 0`, most of which went to loading modules no step used). Observed
 * in a real CLI process through a module loader hook that reports every module it loads: counts and names,
 * never times. (The bundled bin: test/cli-bundle.test.ts.)
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync } from 'node:child_process'
import { createCipheriv } from 'node:crypto'
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { removeDir, tempDir } from './helpers/archives.js'
import { repo } from './helpers/cli.js'
import { loadedModules } from './helpers/loaded-modules.js'

const tsx = createRequire(join(repo, 'package.json')).resolve('tsx/package.json').replace(/package\.json$/, 'dist/loader.mjs')

/** Runs the CLI; returns the modules it loaded (paths under the repository, package names, node: builtins). */
function cliModules (...args: string[]): string[] {
  const r = loadedModules([join(repo, 'src/node/cli.ts'), ...args], repo, [tsx])
  expect(r.status, r.stderr).toBe(0)
  return r.urls.map(url => {
    if (url.startsWith('node:')) return url
    const path = decodeURIComponent(new URL(url).pathname)
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)
    return pkg !== null ? `package ${pkg[1]}` : path.slice(repo.length + 1)
  })
}

let dir: string
beforeAll(() => {
  dir = tempDir('iam-startup-')
  copyFileSync(join(repo, 'test/fixtures/real/is-number-7.0.0.tar'), join(dir, 'a.tar'))
  writeFileSync(join(dir, 'a.tgz'), gzipSync(readFileSync(join(dir, 'a.tar')), { level: 9 }))
  writeFileSync(join(dir, 'gnu.tgz'), execFileSync('gzip', ['-n', '-9', '-c', join(dir, 'a.tar')]))
  // 9 MB that do not compress (a seeded keystream), for an archive big enough to start workers.
  writeFileSync(join(dir, 'noise'), createCipheriv('chacha20', Buffer.alloc(32), Buffer.alloc(16)).update(Buffer.alloc(9_000_000)))
})
afterAll(() => { removeDir(dir) })

describe('CLI start-up loads only what the command uses (#16)', () => {
  it('create --json on a small tar loads no other command, no zip, compression, NAR or worker code, no HTTP', () => {
    const loaded = cliModules('create', join(dir, 'a.tar'), '--json')
    // The create command itself and the helpers it prints with; no other command's module.
    const commandFiles = loaded.filter(m => m.startsWith('src/node/cli/')).sort()
    expect(commandFiles).toEqual(['src/node/cli/command.ts', 'src/node/cli/commands.ts', 'src/node/cli/create.ts', 'src/node/cli/nar-summary.ts', 'src/node/cli/progress.ts', 'src/node/cli/summary.ts', 'src/node/cli/tier-up.ts'])
    const unused = loaded.filter(m =>
      /^src\/(manifest\/(zip|compressed|load)|compression\/(recipe\/(?!params\.ts$)|decompress\/)|nar\/nar\.ts$|node\/(worker-|car-file|serve\/|store)|fetch\/|codec\/(dag-json|car))/.test(m) ||
      ['node:http', 'node:worker_threads', 'package @ipld/dag-json', 'package @ipld/car', 'package blockstore-fs'].includes(m))
    expect(unused).toEqual([])
  }, 60_000)

  it('create --json on a small tar loads no ipfs-unixfs (only nodes past 2^31 bytes are read back) and no @noble/hashes (Node hashes)', () => {
    const loaded = cliModules('create', join(dir, 'a.tar'), '--json')
    expect(loaded).toContain('src/unixfs/balanced.ts')
    expect(loaded).toContain('src/archive/tar/style/git-oid.ts')
    expect(loaded.filter(m => ['package ipfs-unixfs', 'package protons-runtime', 'package @noble/hashes'].includes(m))).toEqual([])
  }, 60_000)

  it('create --json on a small .tgz races its recipes in this thread: no worker, no zip, no other command', () => {
    const loaded = cliModules('create', join(dir, 'a.tgz'), '--json')
    expect(loaded).toContain('src/compression/recipe/race.ts')
    const unused = loaded.filter(m => /^src\/(manifest\/zip|node\/(worker-|cli\/(?!command|commands|create|progress|summary|nar-summary|tier-up)))/.test(m) || m === 'node:worker_threads')
    expect(unused).toEqual([])
  }, 60_000)

  it('a .tgz race loads a candidate\'s deflate code only to run it: for GNU gzip -9 (the first) no other, for Node\'s zlib 9 its pako, never Go\'s flate', () => {
    // (pako itself is the gzip decompressor's inflate, so it is always loaded.)
    const deflaters = (loaded: string[]): string[] => loaded.filter(m => ['package pako-chromium', 'src/compression/deflate/go/go-flate.ts'].includes(m))
    expect(deflaters(cliModules('create', join(dir, 'gnu.tgz'), '--json'))).toEqual([])
    expect(deflaters(cliModules('create', join(dir, 'a.tgz'), '--json'))).toEqual(['package pako-chromium'])
  }, 60_000)

  it('a description that starts workers starts them before loading the describer, which then loads while they boot', () => {
    // Big enough for a race worker (a .tar.gz of 128 KiB or more) and for digest workers (a tar of 8 MiB or more).
    const big = join(dir, 'big.tar')
    execFileSync('tar', ['-cf', big, '-C', dir, 'noise'])
    writeFileSync(join(dir, 'big.tar.gz'), execFileSync('gzip', ['-n', '-9', '-c', big], { maxBuffer: 1 << 26 }))
    const cases: Array<[string, string]> = [['big.tar.gz', 'src/node/worker-races.ts'], ['big.tar', 'src/node/worker-digester.ts']]
    for (const [archive, worker] of cases) {
      const loaded = cliModules('create', join(dir, archive), '--json')
      const describer = loaded.indexOf('src/manifest/create.ts')
      expect(describer, archive).toBeGreaterThan(0)
      expect(loaded.indexOf(worker), archive).toBeGreaterThan(0)
      expect(loaded.indexOf(worker), archive).toBeLessThan(describer)
    }
  }, 60_000)

  it('--help still lists every command (loading them all)', () => {
    const loaded = cliModules('--help')
    expect(loaded).toContain('src/node/cli/serve.ts')
    expect(loaded).toContain('src/node/cli/nar.ts')
  }, 60_000)
})
