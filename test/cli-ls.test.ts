/**
 * `ls` prints what GNU tar's `tar -tv` prints (in UTC), byte for byte, plus why an entry is outside the
 * tree; `roots` prints every CID a user may want and whether the CAR holds it (#17).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pythonTar, removeDir, tempDir } from './helpers/archives.js'
import { cli, repo } from './helpers/cli.js'

let dir: string
beforeAll(() => { dir = tempDir('iam-ls-') })
afterAll(() => { removeDir(dir) })

/** The CAR of `archive`, made by the CLI. */
function carOf (archive: string, name: string): string {
  const car = join(dir, `${name}.car`)
  const r = cli('create', archive, '--car', car)
  expect(r.status, r.stderr).toBe(0)
  return car
}

const gnuList = (archive: string, ...members: string[]): string =>
  execFileSync('tar', ['-tv', '-f', archive, ...members], { env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' }, encoding: 'utf8' })

describe('ls (#17)', () => {
  it('is GNU tar -tv (TZ=UTC) byte for byte on real tars (GNU, node-tar) and a .tar.gz; PATH selects as GNU tar does', () => {
    for (const name of ['hello-2.10', 'is-number-7.0.0', 'tar-stream-3.1.7']) {
      const tar = join(repo, 'test/fixtures/real', `${name}.tar`)
      const car = carOf(tar, name)
      const r = cli('ls', car)
      expect(r.status, r.stderr).toBe(0)
      expect(r.stdout, name).toBe(gnuList(tar))
    }
    const gz = join(dir, 'hello.tar.gz')
    writeFileSync(gz, execFileSync('gzip', ['-n', '-c', join(repo, 'test/fixtures/real/hello-2.10.tar')]))
    const car = carOf(gz, 'hello-gz')
    expect(cli('ls', car).stdout).toBe(gnuList(gz))
    expect(cli('ls', car, 'hello-2.10/src').stdout).toBe(gnuList(gz, 'hello-2.10/src'))
    expect(cli('ls', car, './hello-2.10/src/').stdout).toBe(gnuList(gz, 'hello-2.10/src'))
    const missing = cli('ls', car, 'hello-2.10/nope')
    expect(missing.status).toBe(1)
    expect(missing.stderr).toMatch(/^error ERR_FILE_NOT_FOUND: hello-2.10\/nope: no entry of the archive is at or below this path/)
  })

  it('says why an entry is outside the tree; symlinks, hardlinks and special modes as tar -tv shows them', () => {
    const tar = join(dir, 'odd.tar')
    const owner = { uname: 'alice', gname: 'users' }
    pythonTar(tar, [
      { name: 'top/', type: 'dir', mode: 0o1777, ...owner },
      { name: 'top/run', data: '#!/bin/sh\n', mode: 0o6755, ...owner },
      { name: 'top/link', type: 'symlink', link: '/etc/passwd', mode: 0o777, ...owner },
      { name: 'top/hard', type: 'hardlink', link: 'top/run', ...owner },
      { name: 'top/fifo', type: 'fifo', ...owner },
      { name: 'top/run/x', data: 'under a file', ...owner },
      { name: '../up', data: 'x', ...owner }
    ])
    const ours = cli('ls', carOf(tar, 'odd')).stdout.split('\n')
    const theirs = gnuList(tar).split('\n')
    const notes = [
      '',
      '',
      '',
      '',
      '  (not in the tree: a device or FIFO)',
      '  (not in the tree: a parent in its path is a file or a symlink)',
      '  (not in the tree: its path climbs out with ".." or names the root)',
      ''
    ]
    expect(ours).toEqual(theirs.map((line, i) => line + notes[i]!))
    expect(ours.slice(0, 3)).toEqual([
      'drwxrwxrwt alice/users       0 2023-11-14 22:13 top/',
      '-rwsr-sr-x alice/users      10 2023-11-14 22:13 top/run',
      'lrwxrwxrwx alice/users       0 2023-11-14 22:13 top/link -> /etc/passwd'
    ])
  })
})

describe('roots (#17)', () => {
  it('names the manifest, archive, tar, tree and stripped tree, and whether the CAR holds each', () => {
    const gz = join(dir, 'hello-roots.tar.gz')
    writeFileSync(gz, execFileSync('gzip', ['-n', '-9', '-c', join(repo, 'test/fixtures/real/hello-2.10.tar')]))
    const car = carOf(gz, 'roots')
    const created = JSON.parse(cli('create', gz, '--json').stdout)
    const r = cli('roots', car)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toBe([
      `manifest  ${created.manifest}  in this CAR`,
      `archive   ${created.archive.cid}  not in this CAR (rebuilt from the tar by recipe: restore writes its bytes)`,
      `tar       ${created.tar.cid}  not in this CAR (the tar's view: materialize writes its blocks)`,
      `tree      ${created.tree}  in this CAR`,
      `stripped  ${created.strippedTree}  in this CAR`
    ].join('\n') + '\n')
  })
})
