/**
 * Extraction of hostile archives (#17): symlinks are kept as they are (absolute ones and ones that climb out
 * too, as GNU tar and Nix's fetchzip keep them) and never followed while extracting, which is what keeps
 * everything inside the target; the result is GNU tar's, compared by NAR.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { narOf, pythonTar, removeDir, tempDir } from '../helpers/archives.js'
import { cli } from '../helpers/cli.js'

let dir: string
let victim: string
let car: string
beforeAll(() => {
  dir = tempDir('iam-hostile-')
  victim = join(dir, 'victim')
  mkdirSync(victim)
  pythonTar(join(dir, 'hostile.tar'), [
    { name: 'top/', type: 'dir' },
    { name: 'top/out', type: 'symlink', link: victim }, // a symlink out of the tree, then
    { name: 'top/out/evil', data: 'through the symlink\n' }, // a file through it
    { name: '../escape', data: 'climbs out\n' },
    { name: join(dir, 'abs-evil'), data: 'absolute path\n' },
    { name: 'top/passwd', type: 'hardlink', link: '../../../victim/passwd' },
    { name: 'top/abs', type: 'symlink', link: '/etc/passwd' },
    { name: 'top/up', type: 'symlink', link: '../../..' },
    { name: 'top/ok.txt', data: 'fine\n' }
  ])
  car = join(dir, 'hostile.car')
  const created = cli('create', join(dir, 'hostile.tar'), '--car', car)
  expect(created.status, created.stderr).toBe(0)
})
afterAll(() => { removeDir(dir) })

describe('extract: hostile archives (#17)', () => {
  it('symlinks are kept as they are; nothing is written outside the target; the tree is GNU tar\'s', () => {
    const ours = join(dir, 'ours')
    const r = cli('extract', car, ours)
    expect(r.status, r.stderr).toBe(0)
    expect(readlinkSync(join(ours, 'top/out'))).toBe(victim)
    expect(readlinkSync(join(ours, 'top/abs'))).toBe('/etc/passwd')
    expect(readlinkSync(join(ours, 'top/up'))).toBe('../../..')
    expect(readFileSync(join(ours, 'top/ok.txt'), 'utf8')).toBe('fine\n')
    // The absolute path lands inside the target, as GNU tar puts it (leading "/" removed).
    expect(readFileSync(join(ours, dir.slice(1), 'abs-evil'), 'utf8')).toBe('absolute path\n')
    expect(readdirSync(victim)).toEqual([])
    expect(existsSync(join(dir, 'escape'))).toBe(false)
    expect(existsSync(join(dir, 'abs-evil'))).toBe(false)
    expect(existsSync(join(ours, 'top/passwd'))).toBe(false)

    // GNU tar refuses some members (exit 2) and keeps the rest: the same tree, byte for byte.
    const theirs = join(dir, 'theirs')
    mkdirSync(theirs)
    spawnSync('tar', ['-x', '-f', join(dir, 'hostile.tar'), '-C', theirs, '--no-same-owner'], { stdio: 'ignore' })
    expect(readdirSync(victim)).toEqual([])
    expect(narOf(ours).equals(narOf(theirs))).toBe(true)
  })

  it('--allow-escaping-symlinks is accepted and changes nothing', () => {
    const r = cli('extract', car, join(dir, 'allowed'), '--allow-escaping-symlinks')
    expect(r.status, r.stderr).toBe(0)
    expect(narOf(join(dir, 'allowed')).equals(narOf(join(dir, 'ours')))).toBe(true)
  })

  it('--strip of a tree with no single top-level directory: its own code, and no DIR', () => {
    const r = cli('extract', car, join(dir, 'stripped'), '--strip', '--json')
    expect(r.status).toBe(1)
    expect(JSON.parse(r.stdout).error.code).toBe('ERR_NO_SINGLE_TOP_DIRECTORY')
    expect(existsSync(join(dir, 'stripped'))).toBe(false)
  })
})
