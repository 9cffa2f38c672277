/**
 * `serve --store DIR --sign-key FILE` as users run it (#15 item 2): archives added with `add`, their trees
 * served as a Nix binary cache with signed narinfos; `nix-build` of fetchzip's output (a fixed-output
 * derivation, recursive sha256, whose builder fails) with `require-sigs = true` and the key trusted is
 * realised from the server alone. A key file that is not a Nix secret key is a typed error.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFile, execFileSync, spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { narOf, removeDir, tempDir } from '../../helpers/archives.js'
import { gnuExtractFile, onlyChild } from '../../helpers/nix.js'
import { repoRoot } from '../../helpers/real-archives.js'

const run = promisify(execFile)
const cliPath = join(repoRoot, 'src/node/cli.ts')
const tarStream = join(repoRoot, 'test/fixtures/real/tar-stream-3.1.7.tar')

let dir: string
beforeAll(() => { dir = tempDir('iam-cli-nix-cache-') })
afterAll(() => { removeDir(dir) })

async function cli (...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', cliPath, ...args], { cwd: repoRoot })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number, stdout: string, stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('serve --sign-key', () => {
  it('a signed binary cache that nix-build with require-sigs substitutes from', async () => {
    const store = join(dir, 'store')
    expect((await cli('add', tarStream, '--store', store)).code).toBe(0)
    execFileSync('nix-store', ['--generate-binary-cache-key', 'iam-cli-1', join(dir, 'sec'), join(dir, 'pub')], { stdio: 'ignore' })
    const x = gnuExtractFile(tarStream)
    const child = spawn(process.execPath, ['--import', 'tsx', cliPath, 'serve', '--store', store, '--listen', '127.0.0.1:0', '--json', '--sign-key', join(dir, 'sec')], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] })
    const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
    try {
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve)
        child.once('exit', code => reject(new Error(`serve exited with ${code}`)))
      })
      const url = (JSON.parse(first) as { url: string }).url
      const top = onlyChild(x)
      const nix32 = execFileSync('nix-hash', ['--type', 'sha256', '--base32', top], { encoding: 'utf8' }).trim()
      const sri = `sha256-${Buffer.from(execFileSync('nix-hash', ['--type', 'sha256', '--to-base16', nix32], { encoding: 'utf8' }).trim(), 'hex').toString('base64')}`
      const expected = execFileSync('nix-store', ['--print-fixed-path', '--recursive', 'sha256', nix32, 'source'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
      const file = join(dir, 't.nix')
      writeFileSync(file, `derivation { name = "source"; system = builtins.currentSystem; builder = "/bin/sh"; args = [ "-c" "exit 1" ];
  outputHashMode = "recursive"; outputHashAlgo = "sha256"; outputHash = "${sri}"; }\n`)
      try { execFileSync('nix-store', ['--delete', expected], { stdio: 'ignore' }) } catch {}
      const drv = (await run('nix-instantiate', [file])).stdout.trim()
      try {
        const { stdout, stderr } = await run('nix-build', [drv, '--no-out-link', '--option', 'substituters', url, '--option', 'require-sigs', 'true',
          '--option', 'trusted-public-keys', readFileSync(join(dir, 'pub'), 'utf8').trim(), '--option', 'narinfo-cache-negative-ttl', '0', '--option', 'connect-timeout', '5'])
        expect(stdout.trim()).toBe(expected)
        expect(stderr).toContain(`copying path '${expected}' from '${url.replace(/\/$/, '')}'`)
        expect(narOf(expected).equals(narOf(top))).toBe(true)
        const { stdout: info } = await run('curl', ['-s', '-f', `${url}${expected.slice(11, 43)}.narinfo`])
        expect(info).toMatch(/^Sig: iam-cli-1:[A-Za-z0-9+/]{86}==$/m)
      } finally {
        for (const path of [expected, drv]) try { execFileSync('nix-store', ['--delete', path], { stdio: 'ignore' }) } catch {}
      }
    } finally {
      child.kill('SIGTERM')
      await exited
      removeDir(x)
    }
  }, 300_000)

  it('a key file that is not a Nix secret key is ERR_INVALID_ARGUMENT, before anything listens', async () => {
    const store = join(dir, 'store2')
    expect((await cli('add', tarStream, '--store', store)).code).toBe(0)
    writeFileSync(join(dir, 'bad'), 'iam:bm90IGEga2V5\n')
    const r = await cli('serve', '--store', store, '--listen', '127.0.0.1:0', '--sign-key', join(dir, 'bad'))
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('error ERR_INVALID_ARGUMENT')
    const missing = await cli('serve', '--store', store, '--listen', '127.0.0.1:0', '--sign-key', join(dir, 'absent'))
    expect(missing.stderr).toContain('error ERR_FILE_NOT_FOUND')
  }, 120_000)
})
