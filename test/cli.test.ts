/** The CLI as a user runs it: a real process, real files, exit codes and the stable --json summary. */
import { TreePathResolver } from '../src/unixfs/path-resolver.js'
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import * as dagPb from '@ipld/dag-pb'
import type { CID } from 'multiformats/cid'
import { MemoryBlocks, manifestFromTarball, type Entry, type ManifestResult } from '../src/index.js'
import { encodeManifest } from '../src/codec/manifest-codec.js'
import { narOf, removeDir, tempDir, gnuExtract } from './helpers/archives.js'
import { tampered, writeCarFile } from './helpers/blocks.js'
import { cli, cliProcess, cliWith, repo } from './helpers/cli.js'


const example = join(repo, 'test/fixtures/real/hello-2.10.tar')


let dir: string
beforeAll(() => { dir = tempDir('iam-cli-') })
afterAll(() => { removeDir(dir) })

describe('ipld-archive-manifest CLI', () => {
  it('create --car --json, then verify, restore, extract --strip and inspect --json on the same CAR', () => {
    const car = join(dir, 'hello.car')
    const created = cli('create', example, '--car', car, '--json')
    expect(created.status, created.stderr).toBe(0)
    const summary = JSON.parse(created.stdout)
    expect(Object.keys(summary)).toEqual(['manifest', 'profile', 'archive', 'tar', 'compression', 'tree', 'strippedTree', 'entryCount', 'entries'])
    expect(summary.archive.sha256).toBe(createHash('sha256').update(readFileSync(example)).digest('hex'))
    expect(summary.entryCount).toBe(315)
    // An in-tree file's content is the tree's file at its path: its record names none.
    expect(summary.entries[1]).toEqual({
      path: 'hello-2.10/COPYING', type: 'file', size: 35147, mode: 0o644, mtime: 1386879250, linkTarget: null,
      uid: 0, gid: 0, uname: null, gname: null, content: null, excluded: null
    })

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

    const { sideData, ...inspected } = JSON.parse(cli('inspect', car, '--json').stdout)
    expect(inspected).toEqual(summary)
    expect(sideData).toEqual({ bytes: 8951, blocks: 2, byCodec: { 'dag-cbor': 8951, 'dag-pb': 0, raw: 0 } })
  })

  it('a .tar.gz: the summary says how it is rebuilt, and shares are of the tar', () => {
    const gz = join(dir, 'hello-2.10.tar.gz')
    writeFileSync(gz, execFileSync('gzip', ['-n', '-9', '-c', example]))
    const r = cli('create', gz)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('(tar+gzip, ')
    expect(r.stdout).toContain('rebuild   from the tar by recipe: gnu-gzip 9 (1 member)\n          its blocks are not in the CAR (rebuilt by recipe, so an IPFS node cannot serve this CID)')
    expect(r.stdout).toMatch(/^tar       bafybei\S+  \(3338240 bytes, sha256 b5f638ee\S+; its view: not in the CAR until materialize writes it\)$/m)
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

describe('CLI: damaged CARs are reported, and failed output leaves nothing behind', () => {
  let result: ManifestResult<Entry>
  let blocks: MemoryBlocks
  /** The second leaf of hello-2.10/configure (449,922 bytes: two leaves under v0-2015). */
  let leaf: CID
  /** A fresh directory to hold one command's output, so that leftovers beside it show. */
  const place = (name: string): string => { const p = join(dir, name); mkdirSync(p); return p }

  beforeAll(async () => {
    blocks = new MemoryBlocks()
    result = await manifestFromTarball(new Uint8Array(readFileSync(example)), { blockstore: blocks, profile: 'unixfs-v0-2015' })
    const configure = (await new TreePathResolver(result.treeCid, blocks).resolve(new TextEncoder().encode('hello-2.10/configure')))!.cid
    leaf = (dagPb.decode(blocks.get(configure)).Links[1] as dagPb.PBLink).Hash
  })

  it('verify lists every missing or corrupt block (text and --json) and exits 1', async () => {
    const m = result.manifest
    const car = join(place('verify'), 'damaged.car')
    await writeCarFile(car, result.cid, tampered(blocks, { drop: [m.tree.root], flip: [m.tree.stripped as CID] }))
    const text = cli('verify', car)
    expect(text.status).toBe(1)
    expect(text.stdout).toBe([
      `missing ${m.tree.root} (ERR_BLOCK_NOT_FOUND): tree`,
      `corrupt ${m.tree.stripped} (ERR_BLOCK_HASH_MISMATCH): stripped tree`
    ].join('\n') + '\n')
    expect(text.stderr).toMatch(/^error ERR_VERIFY_FAILED: 2 of the \d+ blocks manifest \S+ reaches are missing, corrupt or undecodable$/m)
    const json = cli('verify', car, '--json')
    expect(json.status).toBe(1)
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      manifest: result.cid.toString(),
      error: { code: 'ERR_VERIFY_FAILED' },
      problems: [
        { cid: m.tree.root.toString(), code: 'ERR_BLOCK_NOT_FOUND', where: ['tree'] },
        { cid: m.tree.stripped?.toString(), code: 'ERR_BLOCK_HASH_MISMATCH', where: ['stripped tree'] }
      ]
    })

    const intact = join(dir, 'verify', 'intact.car')
    await writeCarFile(intact, result.cid, blocks)
    expect(JSON.parse(cli('verify', intact, '--json').stdout)).toEqual({
      ok: true, manifest: result.cid.toString(), blocks: blocks.size, entries: 315, archiveBytes: 3338240, problems: []
    })
  })

  it('restore -o: a restore that fails its final digest check leaves OUT absent, or as it was', async () => {
    // The manifest records a wrong sha256: every block is sound, so the whole archive is written first.
    const m = result.manifest
    const wrong = await encodeManifest({ ...m, archive: { ...m.archive, sha256: new Uint8Array(32) }, tar: { ...m.tar!, sha256: new Uint8Array(32) } })
    const store = tampered(blocks, {})
    store.put(wrong.cid, wrong.bytes)
    const where = place('restore')
    const car = join(dir, 'wrong-digest.car')
    await writeCarFile(car, wrong.cid, store)
    const out = join(where, 'hello.tar')
    const r = cli('restore', car, '-o', out)
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^error ERR_DIGEST_MISMATCH: /m)
    expect(existsSync(out)).toBe(false)
    expect(readdirSync(where)).toEqual([])

    writeFileSync(out, 'an earlier file')
    expect(cli('restore', car, '-o', out).status).toBe(1)
    expect(readFileSync(out, 'utf8')).toBe('an earlier file')
    expect(readdirSync(where)).toEqual(['hello.tar'])
  })

  it('extract: a block missing midway leaves no DIR and nothing beside it', async () => {
    const where = place('extract')
    const car = join(dir, 'missing-leaf.car')
    await writeCarFile(car, result.cid, tampered(blocks, { drop: [leaf] }))
    const r = cli('extract', car, join(where, 'x'))
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^error ERR_BLOCK_NOT_FOUND: .*; nothing was left behind: \S+ is not created$/m)
    expect(readdirSync(where)).toEqual([])
  })
})

describe('CLI: every failure is one typed line (--json: an object on stdout) and its exit status (#13 item 6)', () => {
  let car: string
  beforeAll(() => {
    car = join(dir, 'failures.car')
    expect(cli('create', example, '--car', car).status).toBe(0)
  })

  /** The failure's code, after checking that it is the only line on stderr and that --json gives it too. */
  const failure = (status: number, ...args: string[]): string => {
    const r = cli(...args)
    expect(r.status, r.stderr).toBe(status)
    expect(r.stderr).toMatch(/^error ERR_[A-Z_]+: .+\n$/)
    const code = /^error (\S+):/.exec(r.stderr)![1]!
    const json = cli(...args, '--json')
    expect(json.status).toBe(status)
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code, message: expect.any(String) } })
    return code
  }

  it('create: a missing archive, a directory, a --car in a missing directory', () => {
    expect(failure(1, 'create', join(dir, 'no-such.tar'))).toBe('ERR_FILE_NOT_FOUND')
    expect(failure(1, 'create', dir)).toBe('ERR_NOT_A_FILE')
    expect(failure(1, 'create', example, '--car', join(dir, 'no-such-dir', 'x.car'))).toBe('ERR_FILE_NOT_FOUND')
    expect(existsSync(join(dir, 'no-such-dir'))).toBe(false)
  })

  it('create: text and empty input are not archives (ERR_NOT_AN_ARCHIVE, the format guessed); other formats are named', () => {
    const text = join(dir, 'notes.txt')
    writeFileSync(text, 'these are notes, not a tarball\n')
    const empty = join(dir, 'empty.tar')
    writeFileSync(empty, '')
    expect(failure(1, 'create', text)).toBe('ERR_NOT_AN_ARCHIVE')
    expect(cli('create', text).stderr).toMatch(/looks like text/)
    expect(failure(1, 'create', empty)).toBe('ERR_NOT_AN_ARCHIVE')
    expect(cli('create', empty).stderr).toMatch(/is empty: not an archive/)
    expect(JSON.parse(cliWith({ input: '' }, 'create', '-', '--json').stdout).error.code).toBe('ERR_NOT_AN_ARCHIVE')
    expect(cliWith({ input: 'text from a pipe\n' }, 'create', '-').stderr).toMatch(/^error ERR_NOT_AN_ARCHIVE: .*looks like text/)
    // 7z by p7zip, cpio by bsdtar; lz4, RAR 5 and compress (.Z) by their magic numbers.
    execFileSync('7z', ['a', '-bd', join(dir, 'x.7z'), text], { stdio: 'ignore' })
    execFileSync('bsdtar', ['--format=newc', '-cf', join(dir, 'x.cpio'), '-C', dir, 'notes.txt'])
    writeFileSync(join(dir, 'x.lz4'), Buffer.concat([Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x64, 0x40, 0xa7]), Buffer.alloc(600, 1)]))
    writeFileSync(join(dir, 'x.rar'), Buffer.concat([Buffer.from('Rar!\x1a\x07\x01\x00', 'latin1'), Buffer.alloc(600, 1)]))
    writeFileSync(join(dir, 'x.Z'), Buffer.concat([Buffer.from([0x1f, 0x9d, 0x90]), Buffer.alloc(600, 1)]))
    for (const [name, says] of [['x.7z', 'a 7z archive'], ['x.cpio', 'a cpio archive'], ['x.lz4', 'lz4 data'], ['x.rar', 'a RAR 5 archive'], ['x.Z', 'compress (.Z) data']]) {
      const r = cli('create', join(dir, name!))
      expect(r.stderr, name).toMatch(new RegExp(`^error ERR_UNSUPPORTED_FORMAT: input is ${says!.replace(/[().]/g, '\\$&')}`))
    }
  })

  it('create --car: a failed description leaves no CAR (nor a temporary file) behind', () => {
    const where = join(dir, 'failed-car')
    mkdirSync(where)
    const bad = join(dir, 'cut.tar')
    writeFileSync(bad, readFileSync(example).subarray(0, 100_000))
    expect(failure(1, 'create', bad, '--car', join(where, 'out.car'))).toBe('ERR_TRUNCATED_ARCHIVE')
    expect(readdirSync(where)).toEqual([])
    writeFileSync(join(where, 'out.car'), 'an earlier file')
    expect(cli('create', bad, '--car', join(where, 'out.car')).status).toBe(1)
    expect(readFileSync(join(where, 'out.car'), 'utf8')).toBe('an earlier file')
    expect(readdirSync(where)).toEqual(['out.car'])
  })

  it('restore -o into a missing directory; verify and inspect of a missing CAR or a directory', () => {
    expect(failure(1, 'restore', car, '-o', join(dir, 'no-such-dir', 'x.tar'))).toBe('ERR_FILE_NOT_FOUND')
    expect(failure(1, 'verify', join(dir, 'no-such.car'))).toBe('ERR_FILE_NOT_FOUND')
    expect(failure(1, 'inspect', dir)).toBe('ERR_NOT_A_FILE')
  })

  it('extract onto a file, under a missing directory, and under /proc (where a recursive mkdir never settles)', () => {
    const file = join(dir, 'a-file')
    writeFileSync(file, 'x')
    expect(failure(1, 'extract', car, file)).toBe('ERR_UNSAFE_EXTRACTION')
    expect(failure(1, 'extract', car, join(dir, 'no-such-dir', 'x'))).toBe('ERR_FILE_NOT_FOUND')
    expect(existsSync(join(dir, 'no-such-dir'))).toBe(false)
    // Both return: the parent is checked, never created; mkdir in /proc itself fails with ENOENT.
    expect(failure(1, 'extract', car, '/proc/iam-x/y')).toBe('ERR_FILE_NOT_FOUND')
    expect(failure(1, 'extract', car, '/proc/iam-x')).toBe('ERR_FILE_NOT_FOUND')
  })

  it('restore to a pipe whose reader is gone: ERR_OUTPUT_CLOSED, exit 1', async () => {
    const child = cliProcess('restore', car)
    // Closed before the 3.3 MB archive (far more than a pipe holds) is written: some write must fail.
    child.stdout.destroy()
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    const status = await new Promise<number | null>(resolve => child.on('close', resolve))
    expect(stderr).toMatch(/^error ERR_OUTPUT_CLOSED: .+\n$/)
    expect(status).toBe(1)
  })

  it('usage errors exit 2 as ERR_USAGE, and --limit names the bad limit', () => {
    expect(failure(2, 'frobnicate')).toBe('ERR_USAGE')
    expect(failure(2, 'create', example, '--no-such-flag')).toBe('ERR_USAGE')
    expect(cli('create', example, '--limit', 'maxEntrys=5').stderr).toMatch(/^error ERR_USAGE: .*unknown limit "maxEntrys"/)
    expect(cli('create', example, '--limit', 'maxEntries=lots').stderr).toMatch(/^error ERR_USAGE: .*limit maxEntries needs a non-negative integer/)
    expect(cli('create', example, '--limit', 'maxEntries').status).toBe(2)
    expect(cli('inspect', car, '--limit', 'maxEntries=5').status).toBe(2)
    expect(failure(2, 'verify', car, '--limit', 'maxPathDepth=-1')).toBe('ERR_USAGE')
  })

  it('--limit overrides a limit of create and verify', () => {
    const r = cli('create', example, '--limit', 'maxEntries=10', '--json')
    expect(r.status).toBe(1)
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'ERR_LIMIT_EXCEEDED', offset: expect.any(Number) } })
    expect(cli('verify', car, '--limit', 'maxEntries=10', '--limit', 'maxPathDepth=100').status).toBe(0)
    expect(cli('verify', car, '--limit', 'maxPathDepth=1').stderr).toMatch(/^error ERR_LIMIT_EXCEEDED: /)
  })
})

describe('zip compression ratio (#13 item 7)', () => {
  /** Python's zipfile, one member of 64 MiB of zeros, with `method` at its highest level. */
  const pythonZip = (name: string, method: string): string => {
    const path = join(dir, name)
    execFileSync('python3', ['-c', `import zipfile, sys
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.${method}, compresslevel=9) as z: z.writestr('zeros', bytes(64 << 20))`, path])
    return path
  }

  it('an honest deflated zip at 1028.8:1 is described; the limit still applies when lowered', () => {
    const zip = pythonZip('zeros-deflate.zip', 'ZIP_DEFLATED')
    expect(execFileSync('unzip', ['-t', zip]).toString()).toContain('No errors detected')
    const r = cli('create', zip, '--json')
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).entries[0]).toMatchObject({ path: 'zeros', size: 64 << 20 })
    const lowered = cli('create', zip, '--limit', 'maxCompressionRatio=1000')
    expect(lowered.stderr).toMatch(/^error ERR_LIMIT_EXCEEDED: .*ratio over 1000/)
  })

  it('a bzip2 zip of zeros (over 800 000:1) is described: only deflate has a ratio ceiling', () => {
    const r = cli('create', pythonZip('zeros-bzip2.zip', 'ZIP_BZIP2'), '--json')
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).entries[0]).toMatchObject({ path: 'zeros', excluded: 'unsupported-method' })
  })
})
