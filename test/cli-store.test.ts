/** `add` and `index` as a user runs them: real processes, a store directory on disk, exit codes, --json. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { progressLine } from '../src/node/cli/progress.js'
import { ensureRealArchives } from './helpers/real-archives.js'
import { removeDir, tempDir } from './helpers/archives.js'

const root = join(import.meta.dirname, '..')
const fixtures = join(root, 'test/fixtures/real')

function cli (...args: string[]): { status: number | null, stdout: string, stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/node/cli.ts'), ...args], { encoding: 'utf8', cwd: root })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

function quote (arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`
}

function sha (path: string, algorithm = 'sha256'): string {
  return createHash(algorithm).update(readFileSync(path)).digest('hex')
}

interface Report {
  indexRoot: string
  profile: string
  archives: Array<{ path: string, manifest: string, format: string, size: number, sha256: string, sha512: string, sideBytes: number, rebuild: string, added: boolean }>
  skipped: Array<{ path: string, reason: string }>
  failed: Array<{ path: string, code: string, message: string }>
  totals: { archives: number, added: number, bytes: number, sideBytes: number, recipes: number, verbatim: number }
}

let dir: string
beforeAll(() => { dir = tempDir('iam-cli-store-') })
afterAll(() => { removeDir(dir) })

describe('ipld-archive-manifest add / index', () => {
  it('add test/fixtures/real: every tar in it, the README skipped; index lists both digests; adding again changes nothing', () => {
    const store = join(dir, 'fixtures-store')
    const first = cli('add', fixtures, '--store', store, '--json')
    expect(first.status, first.stderr).toBe(0)
    const report = JSON.parse(first.stdout) as Report
    expect(report.archives.map(a => a.path.slice(fixtures.length + 1))).toEqual(['hello-2.10.tar', 'is-number-7.0.0.tar', 'tar-stream-3.1.7.tar'])
    expect(report.skipped).toEqual([{ path: join(fixtures, 'README.md'), reason: 'not a tar or zip archive (plain or compressed)' }])
    expect(first.stderr).toContain(`skipped ${join(fixtures, 'README.md')}`)
    expect(first.stderr).not.toContain('\r')
    for (const a of report.archives) {
      expect(a.sha256).toBe(sha(a.path))
      expect(a.sha512).toBe(sha(a.path, 'sha512'))
      expect([a.format, a.rebuild, a.added]).toEqual(['tar', 'plain', true])
    }
    expect(report.totals).toMatchObject({ archives: 3, added: 3, recipes: 0, verbatim: 0 })
    expect(readFileSync(join(store, 'index-root'), 'utf8')).toBe(`${report.indexRoot}\n`)

    const listed = JSON.parse(cli('index', '--store', store, '--json').stdout) as { root: string, entries: Array<{ algorithm: string, hex: string, manifest: string }> }
    expect(listed.root).toBe(report.indexRoot)
    expect(listed.entries).toHaveLength(6)
    for (const a of report.archives) {
      expect(listed.entries).toContainEqual({ algorithm: 'sha256', hex: a.sha256, manifest: a.manifest })
      expect(listed.entries).toContainEqual({ algorithm: 'sha512', hex: a.sha512, manifest: a.manifest })
    }
    const text = cli('index', '--store', store, '--algorithm', 'sha512')
    expect(text.stdout.split('\n')[0]).toBe(`root ${report.indexRoot}`)
    expect(text.stdout.trim().split('\n')).toHaveLength(4)

    const again = cli('add', fixtures, '--store', store)
    expect(again.status, again.stderr).toBe(0)
    expect(again.stdout).toMatch(/^format +archives +new +bytes +side data +side % +recipes found +verbatim$/m)
    expect(again.stdout).toMatch(/^total +3 +0 /m)
    expect(again.stdout.trim().split('\n').at(-1)).toBe(`index root ${report.indexRoot}`)
  }, 300_000)

  it('add DIR of real archives found by content (gzip, bzip2, xz; a .deb and compressed text skipped), with a bad file named outright', () => {
    const real = ensureRealArchives()
    const input = join(dir, 'mixed')
    mkdirSync(join(input, 'nested'), { recursive: true })
    symlinkSync(join(real, 'multiformats-14.0.5.tgz'), join(input, 'multiformats.bin'))
    symlinkSync(join(real, 'zlib_1.2.13.dfsg.orig.tar.bz2'), join(input, 'nested', 'zlib'))
    symlinkSync(join(real, 'deb', 'data.tar.xz'), join(input, 'nested', 'data.tar.xz'))
    symlinkSync(join(real, 'hello_2.10-3_amd64.deb'), join(input, 'hello.deb'))
    writeFileSync(join(input, 'notes.txt.gz'), execFileSync('gzip', ['-c'], { input: 'some notes\n'.repeat(100) }))
    const notArchive = join(dir, 'notes.txt')
    writeFileSync(notArchive, 'not an archive\n'.repeat(100))

    const store = join(dir, 'mixed-store')
    const r = cli('add', input, notArchive, '--store', store, '--json')
    expect(r.status, r.stderr).toBe(1)
    const report = JSON.parse(r.stdout) as Report
    expect(report.archives.map(a => [a.path.slice(input.length + 1), a.format, a.rebuild])).toEqual([
      ['multiformats.bin', 'tar+gzip', 'recipe'],
      ['nested/data.tar.xz', 'tar+xz', 'recipe'],
      ['nested/zlib', 'tar+bzip2', 'recipe']
    ])
    expect(report.skipped.map(s => s.path.slice(input.length + 1)).sort()).toEqual(['hello.deb', 'notes.txt.gz'])
    expect(report.failed).toEqual([expect.objectContaining({ path: notArchive, code: 'ERR_NOT_AN_ARCHIVE' })])
    expect(r.stderr).toContain(`error ERR_NOT_AN_ARCHIVE: ${notArchive}: `)
    for (const a of report.archives) expect(a.sha256).toBe(sha(a.path))

    const listed = cli('index', '--store', store)
    expect(listed.stdout.trim().split('\n')).toHaveLength(1 + 2 * 3)
  }, 600_000)

  it('usage and store errors', () => {
    expect(cli('add', fixtures).status).toBe(2)
    expect(cli('add', '--store', join(dir, 'x')).status).toBe(2)
    expect(cli('index', '--store', join(dir, 'x'), '--algorithm', 'md5').stderr).toMatch(/^error ERR_INVALID_HASH: /)
    const missing = cli('index', '--store', join(dir, 'absent'))
    expect(missing.status).toBe(1)
    expect(missing.stderr).toMatch(/^error ERR_FILE_NOT_FOUND: /)
    const damaged = join(dir, 'damaged')
    mkdirSync(damaged)
    writeFileSync(join(damaged, 'something'), 'x')
    const r = cli('add', join(fixtures, 'is-number-7.0.0.tar'), '--store', damaged, '--json')
    expect(r.status).toBe(1)
    expect(JSON.parse(r.stdout).error.code).toBe('ERR_INVALID_STORE')
  }, 120_000)

  it('on a terminal, a progress line; in a pipe, none', () => {
    const store = join(dir, 'tty-store')
    const command = [process.execPath, '--import', 'tsx', join(root, 'src/node/cli.ts'), 'add', join(fixtures, 'is-number-7.0.0.tar'), '--store', store]
    // script(1) runs the command on a pseudo-terminal and copies what it writes there.
    const r = spawnSync('script', ['-qec', command.map(quote).join(' '), '/dev/null'], { encoding: 'utf8', cwd: root })
    expect(r.status, r.stdout).toBe(0)
    expect(r.stdout).toContain('\r[1/1] 0.0 of 0.0 MB  is-number-7.0.0.tar')
    expect(r.stdout).toContain('index root ')
    const piped = cli('add', join(fixtures, 'is-number-7.0.0.tar'), '--store', store)
    expect(piped.stderr).toBe('')
  }, 120_000)

  it('the progress line: position, bytes, rate and time left', () => {
    expect(progressLine({ index: 2, count: 40, label: 'hello-2.10.tar', doneBytes: 12_300_000, totalBytes: 456_700_000, seconds: 0 }))
      .toBe('[3/40] 12.3 of 456.7 MB  hello-2.10.tar')
    expect(progressLine({ index: 2, count: 40, label: 'hello-2.10.tar', doneBytes: 12_300_000, totalBytes: 456_700_000, seconds: 2 }))
      .toBe('[3/40] 12.3 of 456.7 MB, 6.2 MB/s, 1:12 left  hello-2.10.tar')
    expect(progressLine({ index: 0, count: 1, label: 'x', doneBytes: 1e6, totalBytes: 4e9, seconds: 1 }))
      .toBe('[1/1] 1.0 of 4000.0 MB, 1.0 MB/s, 1:06:39 left  x')
  })
})
