/** The CLI as a user runs it: a real process, real files, exit codes and the stable --json summary. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { narOf, removeDir, tempDir, gnuExtract } from './helpers/archives.js'

const root = join(import.meta.dirname, '..')
const example = join(root, 'test/fixtures/real/hello-2.10.tar')

function cli (...args: string[]): { status: number | null, stdout: string, stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/node/cli.ts'), ...args], { encoding: 'utf8', cwd: root })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

let dir: string
beforeAll(() => { dir = tempDir('iam-cli-') })
afterAll(() => { removeDir(dir) })

describe('ipld-archive-manifest CLI', () => {
  it('create --car --json, then verify, restore, extract --strip and inspect --json on the same CAR', () => {
    const car = join(dir, 'hello.car')
    const created = cli('create', example, '--car', car, '--json')
    expect(created.status, created.stderr).toBe(0)
    const summary = JSON.parse(created.stdout)
    expect(Object.keys(summary)).toEqual(['manifest', 'profile', 'archive', 'tree', 'strippedTree', 'entryCount', 'entries'])
    expect(summary.archive.sha256).toBe(createHash('sha256').update(readFileSync(example)).digest('hex'))
    expect(summary.entryCount).toBe(315)
    expect(summary.entries[1]).toEqual({ path: 'hello-2.10/COPYING', type: 'file', size: 35147, content: expect.stringMatching(/^bafk/) })

    expect(cli('verify', car).stdout).toContain(`ok: manifest ${summary.manifest}`)
    const out = join(dir, 'restored.tar')
    expect(cli('restore', car, '-o', out).status).toBe(0)
    expect(readFileSync(out).equals(readFileSync(example))).toBe(true)

    const x = join(dir, 'x')
    expect(cli('extract', car, x, '--strip').status).toBe(0)
    const theirs = gnuExtract(new Uint8Array(readFileSync(example)))
    try {
      expect(narOf(x).equals(narOf(join(theirs, 'hello-2.10')))).toBe(true)
    } finally { removeDir(theirs) }

    const inspected = JSON.parse(cli('inspect', car, '--json').stdout)
    expect(inspected).toEqual(summary)
  }, 60_000)

  it('a .tar.gz: the summary says how it is rebuilt, and shares are of the tar', () => {
    const gz = join(dir, 'hello-2.10.tar.gz')
    writeFileSync(gz, execFileSync('gzip', ['-n', '-9', '-c', example]))
    const r = cli('create', gz)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('(tar+gzip, ')
    expect(r.stdout).toContain('rebuild   from the tar by recipe: gnu-gzip 9 (1 member)')
    expect(r.stdout).toContain('shared with the tree: 92.67% of the tar\'s bytes')
  })

  it('the v0 profile gives CIDv0 trees', () => {
    const r = cli('create', example, '--profile', 'unixfs-v0-2015', '--json')
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).tree).toMatch(/^Qm/)
  })

  it('typed errors exit 1 with their code; usage errors exit 2', () => {
    const bad = join(dir, 'bad.tar')
    writeFileSync(bad, Buffer.concat([readFileSync(example).subarray(0, 700)]))
    const r = cli('create', bad)
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^error ERR_TRUNCATED_ARCHIVE: .*offset 700/m)
    expect(cli('create', example, '--profile', 'nope').stderr).toMatch(/ERR_UNKNOWN_PROFILE/)
    expect(cli('frobnicate').status).toBe(2)
    expect(cli('create').status).toBe(2)
    expect(cli('create', example, '--no-such-flag').status).toBe(2)
  })
})
