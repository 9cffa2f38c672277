/** `create --nar`, `inspect --json` and `nar` as a user runs them, against Nix's own tools. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { narOf, removeDir, tempDir } from '../helpers/archives.js'
import { gnuExtractFile, nixHash32 } from '../helpers/nix.js'
import { ensureRealArchives, realDir } from '../helpers/real-archives.js'

const root = join(import.meta.dirname, '../..')
const example = join(root, 'test/fixtures/real/hello-2.10.tar')

function cli (...args: string[]): { status: number | null, stdout: string, stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/node/cli.ts'), ...args], { encoding: 'utf8', cwd: root, maxBuffer: 1 << 28 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

let dir: string
beforeAll(() => { ensureRealArchives(); dir = tempDir('iam-nar-cli-') }, 660_000)
afterAll(() => { removeDir(dir) })

describe('create --nar, inspect, nar', () => {
  it('records what nix-hash computes, prints it as SRI and nix32, and `nar` writes nix-store --dump\'s bytes', () => {
    const car = join(dir, 'hello.car')
    const created = cli('create', example, '--nar', '--car', car)
    expect(created.status, created.stderr).toBe(0)
    const x = gnuExtractFile(example)
    try {
      const top = join(x, 'hello-2.10')
      const sri = (path: string): string => `sha256-${createHash('sha256').update(narOf(path)).digest('base64')}`
      expect(created.stdout).toContain(`nar strip ${sri(top)}  (sha256:${nixHash32(top)}, ${narOf(top).length} bytes)`)

      const inspected = cli('inspect', car, '--json')
      expect(inspected.status, inspected.stderr).toBe(0)
      expect(JSON.parse(inspected.stdout).nar).toEqual({
        tree: { sri: sri(x), nix32: nixHash32(x), size: narOf(x).length },
        stripped: { sri: sri(top), nix32: nixHash32(top), size: narOf(top).length }
      })
      // The SRI string is what `nix hash path` prints (fetchzip's `hash`).
      const nixSri = execFileSync('nix', ['--extra-experimental-features', 'nix-command', 'hash', 'path', top], { encoding: 'utf8' }).trim()
      expect(JSON.parse(inspected.stdout).nar.stripped.sri).toBe(nixSri)

      const out = join(dir, 'hello.nar')
      expect(cli('nar', car, '--strip', '-o', out).status).toBe(0)
      expect(readFileSync(out).equals(narOf(top))).toBe(true)
      const whole = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/node/cli.ts'), 'nar', car], { cwd: root, maxBuffer: 1 << 28 })
      expect(whole.status).toBe(0)
      expect(Buffer.from(whole.stdout).equals(narOf(x))).toBe(true)
    } finally { removeDir(x) }
  })

  it('builtins.fetchTarball of a real npm tarball accepts the stripped tree\'s recorded hash, and its store path is the one computed', async () => {
    const tgz = join(realDir, 'multiformats-14.0.5.tgz')
    const car = join(dir, 'multiformats.car')
    expect(cli('create', tgz, '--nar', '--car', car).status).toBe(0)
    const nar = JSON.parse(cli('inspect', car, '--json').stdout).nar
    const expected = execFileSync('nix-store', ['--print-fixed-path', '--recursive', 'sha256', nar.stripped.nix32, 'source'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const remove = (): void => { try { execFileSync('nix-store', ['--delete', expected], { stdio: 'ignore' }) } catch {} }
    remove()
    try {
      // A file:// URL and no substituter: Nix unpacks the tarball itself (libarchive) and checks the hash.
      const path = execFileSync('nix-instantiate', ['--eval', '--option', 'substituters', '', '--option', 'tarball-ttl', '0', '-E',
        `builtins.fetchTarball { url = "file://${tgz}"; sha256 = "${nar.stripped.sri as string}"; }`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
      expect(path).toBe(`"${expected}"`)
    } finally { remove() }
  }, 120_000)

  it('without --nar the summary has no nar key; nar --strip of a tree with no single top directory is a typed error and no file', () => {
    const car = join(dir, 'plain.car')
    expect(cli('create', join(root, 'test/fixtures/real/is-number-7.0.0.tar'), '--car', car).status).toBe(0)
    expect(Object.keys(JSON.parse(cli('inspect', car, '--json').stdout))).not.toContain('nar')
    const flat = join(dir, 'flat.car')
    const tree = tempDir('iam-nar-flat-')
    try {
      execFileSync('sh', ['-c', 'echo a > a && echo b > b'], { cwd: tree })
      execFileSync('tar', ['-cf', join(dir, 'flat.tar'), 'a', 'b'], { cwd: tree })
    } finally { removeDir(tree) }
    expect(cli('create', join(dir, 'flat.tar'), '--car', flat).status).toBe(0)
    const out = join(dir, 'flat.nar')
    const r = cli('nar', flat, '--strip', '-o', out)
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('error ERR_INVALID_ARGUMENT')
    expect(existsSync(out)).toBe(false)
  })
})
