/**
 * The CLI's --json outputs (#17): real outputs of every command, for every kind of archive, validate against
 * docs/cli-json.schema.json with ajv; the fields people asked for (mode, mtime, link target, exclusion,
 * whether the archive's CID is stored, the inner tar's CID) hold what the archive says.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync } from 'node:child_process'
import { readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { CID } from 'multiformats/cid'
import { pythonTar, removeDir, tempDir } from './helpers/archives.js'
import { readCarFile, tampered, writeCarFile } from './helpers/blocks.js'
import { cli, repo } from './helpers/cli.js'

const hello = join(repo, 'test/fixtures/real/hello-2.10.tar')
const schema = JSON.parse(readFileSync(join(repo, 'docs/cli-json.schema.json'), 'utf8')) as object
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false })
ajv.addSchema(schema)

/** Checks `value` against the schema's definition `name` and against the whole schema (one of them). */
function valid (name: string, value: unknown): void {
  const validate = ajv.getSchema(`https://github.com/ipld-archive-manifest/docs/cli-json.schema.json#/$defs/${name}`)!
  expect(validate(value), `${name}: ${JSON.stringify(validate.errors, null, 2)}`).toBe(true)
  const whole = ajv.getSchema('https://github.com/ipld-archive-manifest/docs/cli-json.schema.json')!
  expect(whole(value), `whole: ${JSON.stringify(whole.errors?.slice(0, 5), null, 2)}`).toBe(true)
}

/** Runs the command with --json and returns the parsed stdout, after checking the exit status. */
function json (status: number, ...args: string[]): any {
  const r = cli(...args, '--json')
  expect(r.status, r.stderr).toBe(status)
  return JSON.parse(r.stdout)
}

let dir: string
const archives: Record<string, string> = {}
beforeAll(() => {
  dir = tempDir('iam-json-')
  archives.tar = hello
  archives.gzip = join(dir, 'hello.tar.gz')
  writeFileSync(archives.gzip, execFileSync('gzip', ['-n', '-9', '-c', hello]))
  // xz's x86 filter: no recipe makes it, so the compressed file's own blocks are stored.
  archives.verbatim = join(dir, 'hello.tar.xz')
  writeFileSync(archives.verbatim, execFileSync('xz', ['--x86', '--lzma2=preset=1', '-T1', '-c', hello], { maxBuffer: 1 << 26 }))
  archives.zip = join(dir, 'fixtures.zip')
  execFileSync('zip', ['-q', '-r', '-X', '-y', archives.zip, 'real'], { cwd: join(repo, 'test/fixtures') })
  // Zips with symlinks, whose targets are their data: stored, deflated by zlib (a recipe rebuilds it, so
  // the data is the entry's content), empty, shadowed by a later entry (Python's zipfile); deflated by
  // 7-Zip (no recipe: the data is kept verbatim, and only the tree's symlink node holds the target).
  archives.zipLinks = join(dir, 'links.zip')
  execFileSync('python3', ['-c', `
import sys, warnings, zipfile
warnings.simplefilter('ignore')
def entry(name, mode, method=zipfile.ZIP_STORED):
    i = zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0))
    i.create_system = 3
    i.external_attr = mode << 16
    i.compress_type = method
    return i
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    z.writestr(entry('top/run', 0o100755), b'#!/bin/sh\\n')
    z.writestr(entry('top/link', 0o120777), b'run')
    z.writestr(entry('top/abs', 0o120777), b'/etc/passwd')
    z.writestr(entry('top/empty', 0o120777), b'')
    z.writestr(entry('top/deflated', 0o120777, zipfile.ZIP_DEFLATED), b'../' * 40 + b'run')
    z.writestr(entry('top/dup', 0o120777), b'first')
    z.writestr(entry('top/dup', 0o120777), b'second')
`, archives.zipLinks])
  const tree = join(dir, 'links7')
  execFileSync('mkdir', ['-p', join(tree, 'top')])
  writeFileSync(join(tree, 'top/run'), 'hi\n')
  symlinkSync(`${'../'.repeat(60)}run`, join(tree, 'top/long'))
  archives.zipLinks7 = join(dir, 'links7.zip')
  execFileSync('7z', ['a', '-tzip', '-snl', '-mx=9', archives.zipLinks7, 'top'], { cwd: tree, stdio: 'ignore' })
  // A tar with a symlink, a hardlink, a setuid file, and entries outside the tree (Python's tarfile).
  archives.odd = join(dir, 'odd.tar')
  const owner = { uid: 1000, gid: 100, uname: 'alice', gname: 'users' }
  pythonTar(archives.odd, [
    { name: 'top/', type: 'dir', ...owner },
    { name: 'top/run', data: '#!/bin/sh\n', mode: 0o4755, ...owner },
    { name: 'top/link', type: 'symlink', link: 'run', mode: 0o777, ...owner },
    { name: 'top/hard', type: 'hardlink', link: 'top/run', ...owner },
    { name: 'top/run', data: 'again\n', ...owner },
    { name: '../up', data: 'x', ...owner }
  ], 'pax')
})
afterAll(() => { removeDir(dir) })

describe('--json outputs validate against docs/cli-json.schema.json (#17)', () => {
  it('create, inspect, verify, ls and roots for a tar, .tar.gz, a .tar.xz no recipe makes, a zip and a tar of odd entries', () => {
    for (const [kind, path] of Object.entries(archives)) {
      const car = join(dir, `${kind}.car`)
      const created = json(0, 'create', path, '--car', car)
      valid('create', created)
      const inspected = json(0, 'inspect', car)
      valid('inspect', inspected)
      const { sideData, ...rest } = inspected
      expect(rest, kind).toEqual(created)
      expect(sideData.bytes, kind).toBeGreaterThan(0)
      valid('verify', json(0, 'verify', car))
      const listed = json(0, 'ls', car)
      valid('ls', listed)
      expect(listed.entries, kind).toEqual(created.entries)
      const roots = json(0, 'roots', car)
      valid('roots', roots)
      expect([roots.manifest.inCar, roots.tree.inCar, roots.archive.inCar], kind).toEqual([true, true, created.archive.stored])
      expect(roots.archive.cid).toBe(created.archive.cid)
      expect(roots.tar?.cid ?? null).toBe(created.tar?.cid ?? null)
    }
  })

  it('the archive says whether its CID is stored; a compressed tar gives the inner tar\'s CID, which is the plain tar\'s', () => {
    const tar = json(0, 'create', archives.tar!)
    const gz = json(0, 'create', archives.gzip!)
    const xz = json(0, 'create', archives.verbatim!)
    expect(tar.archive).toMatchObject({ format: 'tar', stored: false, rebuild: 'view', cid: tar.tar.cid })
    expect(gz.archive).toMatchObject({ format: 'tar+gzip', stored: false, rebuild: 'recipe' })
    expect(gz.compression.members).toEqual([{ offset: 0, size: gz.archive.size, tarOffset: 0, tarSize: 3338240, recipe: { encoder: 'gnu-gzip', params: { level: 9 } } }])
    expect(xz.archive).toMatchObject({ format: 'tar+xz', stored: true, rebuild: 'stored' })
    expect(xz.compression.members.every((m: { recipe: unknown }) => m.recipe === null)).toBe(true)
    expect([gz.tar, xz.tar]).toEqual([tar.tar, tar.tar])
    expect(json(0, 'create', archives.zip!).archive).toMatchObject({ format: 'zip', stored: false, rebuild: 'records' })
  })

  it('entries carry mode, mtime, owner, link target and why they are outside the tree', () => {
    const { entries } = json(0, 'create', archives.odd!)
    const common = { size: 0, mtime: 1700000000, uid: 1000, gid: 100, uname: 'alice', gname: 'users', content: null }
    expect(entries).toEqual([
      { ...common, path: 'top/', type: 'directory', mode: 0o755, linkTarget: null, excluded: null },
      { ...common, path: 'top/run', type: 'file', size: 10, mode: 0o4755, linkTarget: null, excluded: 'shadowed', content: expect.stringMatching(/^bafk/) },
      { ...common, path: 'top/link', type: 'symlink', mode: 0o777, linkTarget: 'run', excluded: null },
      { ...common, path: 'top/hard', type: 'hardlink', mode: 0o644, linkTarget: 'top/run', excluded: null },
      { ...common, path: 'top/run', type: 'file', size: 6, mode: 0o644, linkTarget: null, excluded: null },
      { ...common, path: '../up', type: 'file', size: 1, mode: 0o644, linkTarget: null, excluded: 'unsafe-path', content: expect.stringMatching(/^bafk/) }
    ])
  })

  it('a zip symlink\'s target is its linkTarget in create, inspect and ls, as unzip makes it', () => {
    const expected: Record<string, Array<[string, string | null]>> = {
      zipLinks: [['top/run', null], ['top/link', 'run'], ['top/abs', '/etc/passwd'], ['top/empty', ''], ['top/deflated', `${'../'.repeat(40)}run`], ['top/dup', 'first'], ['top/dup', 'second']],
      zipLinks7: [['top/', null], ['top/long', `${'../'.repeat(60)}run`], ['top/run', null]]
    }
    for (const [kind, targets] of Object.entries(expected)) {
      const car = join(dir, `${kind}-links.car`)
      const outputs = [json(0, 'create', archives[kind]!), json(0, 'create', archives[kind]!, '--car', car), json(0, 'inspect', car), json(0, 'ls', car)]
      for (const out of outputs) expect(out.entries.map((e: { path: string, linkTarget: string | null }) => [e.path, e.linkTarget]), kind).toEqual(targets)
      // unzip makes each symlink (the last of a path) with that target.
      const x = join(dir, `${kind}-unzipped`)
      execFileSync('unzip', ['-q', '-o', archives[kind]!, '-d', x], { stdio: 'ignore' })
      for (const [path, target] of new Map(targets)) if (target !== null && target !== '') expect(readlinkSync(join(x, path)), `${kind} ${path}`).toBe(target)
    }
  })

  it('failures: the error object (typed and usage errors), and verify\'s own report', async () => {
    const car = join(dir, 'failures.car')
    json(0, 'create', hello, '--car', car)
    valid('error', json(1, 'create', join(dir, 'missing.tar')))
    valid('error', json(2, 'create', hello, '--no-such-option'))
    valid('error', json(1, 'ls', car, 'no/such/path'))
    const cut = join(dir, 'cut.car')
    writeFileSync(cut, readFileSync(car).subarray(0, 3_000_000))
    valid('error', json(1, 'verify', cut))
    const { root, blocks } = await readCarFile(car)
    const damaged = join(dir, 'damaged.car')
    await writeCarFile(damaged, root, tampered(blocks, { drop: [CID.parse(json(0, 'roots', car).stripped.cid)] }))
    const report = json(1, 'verify', damaged)
    valid('verify', report)
    expect(report).toMatchObject({ ok: false, error: { code: 'ERR_VERIFY_FAILED' }, problems: [{ code: 'ERR_BLOCK_NOT_FOUND', where: ['tree/hello-2.10', 'stripped tree'] }] })
  })
})
