/**
 * readZipLayout against archives written by real tools: Info-ZIP zip 3.0 (levels, -X, -D, -y, -z, streaming
 * with data descriptors, -A), 7-Zip, bsdtar (libarchive), Python's zipfile (every method it writes, zip64,
 * more than 65535 entries), git archive, the JDK's jar, fflate. Each is checked against the bytes themselves
 * (segments tile the file, data inflates to the CRC; helpers.ts), against Python's zipfile, and where
 * useful against `zipinfo -v`.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { zipSync } from 'fflate'
import { checkLayout, compareWithPython, pythonInfo, readChecked, run, zipinfoEntries, type PyInfo } from './helpers.js'
import { patternBytes } from '../../helpers/archives.js'
import type { ZipEntry, ZipLayout } from '../../../src/archive/zip/index.js'

const MTIME = 1700000000 // 2023-11-14T22:13:20Z, an even second (DOS time has 2 s resolution)
let root: string
let tree: string
let counter = 0

function out (ext = 'zip'): string { return join(root, `out-${counter++}.${ext}`) }
function sh (script: string, cwd = tree): Buffer {
  return run('sh', ['-c', script], { cwd }).valueOf() as Buffer
}
function named (layout: ZipLayout, name: string): ZipEntry {
  const e = layout.entries.find(x => Buffer.from(x.path).toString() === name)
  if (e === undefined) throw new Error(`no entry ${name} in ${layout.entries.map(x => Buffer.from(x.path).toString()).join(', ')}`)
  return e
}
/** Reads the file, checks the invariants and agreement with Python; returns the layout. */
async function check (path: string): Promise<{ layout: ZipLayout, bytes: Uint8Array, py: { comment: string, entries: PyInfo[] } }> {
  const bytes = new Uint8Array(readFileSync(path))
  const layout = await readChecked(bytes)
  const py = pythonInfo(path)
  compareWithPython(layout, py)
  return { layout, bytes, py }
}
function checkZipinfo (path: string, layout: ZipLayout): void {
  const zi = zipinfoEntries(path)
  expect(zi.map(z => z.offset)).toEqual(layout.entries.map(e => e.localHeaderOffset))
  expect(zi.map(z => z.descriptor)).toEqual(layout.entries.map(e => e.dataDescriptor !== undefined))
  for (const [i, z] of zi.entries()) {
    if (z.unixMode !== undefined) expect(layout.entries[i]!.unixMode?.toString(8).padStart(6, '0')).toBe(z.unixMode.padStart(6, '0'))
  }
}

const text = 'The quick brown fox jumps over the lazy dog.\n'.repeat(2000)
const random = patternBytes(150_000, 7)

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'iam-zip-'))
  tree = join(root, 'tree')
  mkdirSync(join(tree, 'dir/sub'), { recursive: true })
  mkdirSync(join(tree, 'emptydir'))
  writeFileSync(join(tree, 'hello.txt'), 'hello\n')
  writeFileSync(join(tree, 'empty'), '')
  writeFileSync(join(tree, 'dir/text.txt'), text)
  writeFileSync(join(tree, 'dir/sub/random.bin'), random)
  writeFileSync(join(tree, 'naïve-ü.txt'), 'unicode name\n')
  writeFileSync(join(tree, 'run.sh'), '#!/bin/sh\necho hi\n')
  chmodSync(join(tree, 'run.sh'), 0o755)
  symlinkSync('hello.txt', join(tree, 'link'))
  for (const p of ['hello.txt', 'empty', 'dir/text.txt', 'dir/sub/random.bin', 'naïve-ü.txt', 'run.sh', 'dir/sub', 'dir', 'emptydir']) {
    utimesSync(join(tree, p), MTIME, MTIME)
  }
})
afterAll(() => { rmSync(root, { recursive: true, force: true }) })

describe('Info-ZIP zip 3.0', () => {
  for (const level of ['-0', '-1', '-6', '-9']) {
    it(`zip ${level} -r -y: files, directories, a symlink, modes, times, uid/gid`, async () => {
      const path = out()
      run('zip', ['-q', '-r', '-y', level, path, '.'], { cwd: tree })
      const { layout } = await check(path)
      checkZipinfo(path, layout)
      expect(layout.prefixLength).toBe(0)
      expect(layout.offsetShift).toBe(0)
      expect(layout.segments.map(s => s.kind)).not.toContain('gap')
      const link = named(layout, 'link')
      expect(link.type).toBe('symlink')
      expect(link.unixMode! & 0o170000).toBe(0o120000)
      expect(Buffer.from(readFileSync(path).subarray(link.dataOffset, link.dataOffset + link.compressedSize)).toString()).toBe('hello.txt')
      expect(named(layout, 'dir/').type).toBe('directory')
      expect(named(layout, 'emptydir/').type).toBe('directory')
      expect(named(layout, 'run.sh').unixMode).toBe(0o100755)
      const t = named(layout, 'dir/text.txt')
      expect(t).toMatchObject({ type: 'file', method: level === '-0' ? 0 : 8, uncompressedSize: text.length, mtime: MTIME, uid: process.getuid!(), gid: process.getgid!() })
      expect(t.extraFields.map(f => f.id)).toEqual([0x5455, 0x7875])
      expect(t.localExtraFields.map(f => f.id)).toEqual([0x5455, 0x7875])
      expect(named(layout, 'naïve-ü.txt').type).toBe('file')
      for (const e of layout.entries) expect(e.dataDescriptor).toBeUndefined()
    })
  }

  it('zip -X (no extra fields) and -D (no directory entries)', async () => {
    const path = out()
    run('zip', ['-q', '-r', '-X', '-D', path, 'dir', 'hello.txt'], { cwd: tree })
    const { layout } = await check(path)
    expect(layout.entries.map(e => Buffer.from(e.path).toString()).sort()).toEqual(['dir/sub/random.bin', 'dir/text.txt', 'hello.txt'])
    for (const e of layout.entries) {
      expect(e.extraFields).toEqual([])
      expect(e.localExtraFields).toEqual([])
      expect(e.uid).toBeUndefined()
      expect(e.type).toBe('file')
      expect(e.mtime).toBe(MTIME) // from the DOS fields, written in TZ=UTC
    }
  })

  it('zip -z: the archive comment', async () => {
    const path = out()
    run('zip', ['-q', '-z', path, 'hello.txt'], { cwd: tree, input: 'an archive comment\nsecond line\n' })
    const { layout } = await check(path)
    expect(Buffer.from(layout.comment).toString()).toContain('an archive comment')
    expect(layout.endOfCentralDirectory.length).toBe(22 + layout.comment.length)
  })

  it('streaming `zip - -` to a pipe writes data descriptors (zip64 ones by default, 32-bit with -fz-)', async () => {
    for (const [opts, length] of [[[], 24], [['-fz-'], 16]] as const) {
      const path = out()
      writeFileSync(path, run('zip', ['-q', ...opts, '-', '-'], { input: text }))
      const { layout } = await check(path)
      checkZipinfo(path, layout)
      const e = layout.entries[0]!
      expect(e.dataDescriptor).toEqual({ offset: e.dataOffset + e.compressedSize, length, signed: true })
      expect(e.uncompressedSize).toBe(text.length)
      if (length === 24) expect(e.localExtraFields.map(f => f.id)).toContain(0x0001)
    }
  })

  it('streaming several files to a pipe: every entry has a descriptor', async () => {
    const path = out()
    writeFileSync(path, run('zip', ['-q', '-r', '-', 'dir', 'hello.txt', 'empty'], { cwd: tree }))
    const { layout } = await check(path)
    checkZipinfo(path, layout)
    for (const e of layout.entries) if (e.type === 'file') expect(e.dataDescriptor).toBeDefined()
  })

  it('a self-extracting prefix: unadjusted (offsets shifted) and adjusted by zip -A', async () => {
    const plain = out()
    run('zip', ['-q', '-r', plain, 'dir', 'hello.txt'], { cwd: tree })
    const stub = Buffer.from('#!/bin/sh\necho "self-extracting stub"\nexit 0\n'.padEnd(1000, '#'))
    const sfx = out()
    writeFileSync(sfx, Buffer.concat([stub, readFileSync(plain)]))
    const base = (await check(plain)).layout
    const shifted = (await check(sfx)).layout
    expect(shifted.offsetShift).toBe(1000)
    expect(shifted.prefixLength).toBe(1000)
    expect(shifted.segments[0]).toEqual({ offset: 0, length: 1000, kind: 'prefix' })
    expect(shifted.entries.map(e => e.localHeaderOffset)).toEqual(base.entries.map(e => e.localHeaderOffset + 1000))
    run('zip', ['-q', '-A', sfx])
    const adjusted = (await check(sfx)).layout
    expect(adjusted.offsetShift).toBe(0)
    expect(adjusted.prefixLength).toBe(1000)
    expect(adjusted.entries.map(e => e.localHeaderOffset)).toEqual(shifted.entries.map(e => e.localHeaderOffset))
  })

  it('trailing bytes after the end record', async () => {
    const path = out()
    run('zip', ['-q', '-r', path, 'hello.txt', 'dir'], { cwd: tree })
    const plain = readFileSync(path)
    writeFileSync(path, Buffer.concat([plain, Buffer.from('trailing garbage, not a comment\n')]))
    const { layout } = await check(path)
    expect(layout.segments.at(-1)).toEqual({ offset: plain.length, length: 32, kind: 'trailing' })
  })
})

describe('7-Zip (7z a -tzip)', () => {
  for (const [name, args, method] of [
    ['store', ['-mx0'], 0], ['deflate -mx9', ['-mx9'], 8], ['bzip2', ['-mm=BZip2'], 12], ['lzma', ['-mm=LZMA'], 14]
  ] as const) {
    it(name, async () => {
      const path = out()
      run('7z', ['a', '-tzip', '-bd', '-bso0', ...args, path, '.'], { cwd: tree })
      const { layout } = await check(path)
      checkZipinfo(path, layout)
      const t = named(layout, 'dir/text.txt')
      expect(t.method).toBe(method)
      // 7-Zip writes NTFS times (0x000a) and no extended timestamp: mtime comes from there.
      expect(t.extraFields.map(f => f.id)).toContain(0x000a)
      expect(t.mtime).toBe(MTIME)
      expect(named(layout, 'dir/').type).toBe('directory')
      expect(named(layout, 'link').type).toBe('symlink')
    })
  }
})

describe('bsdtar --format zip', () => {
  it('deflate: data descriptors after compressed entries', async () => {
    const path = out()
    run('bsdtar', ['--format', 'zip', '-cf', path, '.'], { cwd: tree })
    const { layout } = await check(path)
    checkZipinfo(path, layout)
    const t = named(layout, './dir/text.txt')
    expect(t.method).toBe(8)
    expect(t.dataDescriptor).toBeDefined()
    expect(t.mtime).toBe(MTIME)
    expect(named(layout, './link').type).toBe('symlink')
  })
  it('zip:compression=store', async () => {
    const path = out()
    run('bsdtar', ['--format', 'zip', '--options', 'zip:compression=store', '-cf', path, '.'], { cwd: tree })
    const { layout } = await check(path)
    checkZipinfo(path, layout)
    for (const e of layout.entries) expect(e.method).toBe(0)
  })
})

describe("Python's zipfile", () => {
  it('stored, deflated, bzip2 and lzma entries, zip64 local headers, directories, comments, UTF-8 names', async () => {
    const path = out()
    const script = `
import sys, zipfile
text = open(sys.argv[2], 'rb').read()
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    z.comment = b'python archive comment'
    for name, ct in [('stored.txt', zipfile.ZIP_STORED), ('deflated.txt', zipfile.ZIP_DEFLATED),
                     ('bzip2.txt', zipfile.ZIP_BZIP2), ('lzma.txt', zipfile.ZIP_LZMA)]:
        zi = zipfile.ZipInfo(name, (2023, 11, 14, 22, 13, 20))
        zi.compress_type = ct
        zi.comment = ('comment of ' + name).encode()
        zi.external_attr = 0o100640 << 16
        z.writestr(zi, text)
    with z.open('forced-zip64.txt', 'w', force_zip64=True) as f:
        f.write(text)
    z.mkdir('a-dir')
    z.writestr('ünïcode/名前.txt', b'utf-8 name')
    z.writestr(zipfile.ZipInfo('dos-dir/', (1999, 12, 31, 23, 59, 58)), b'')
`
    run('python3', ['-c', script, path, join(tree, 'dir/text.txt')])
    const { layout } = await check(path)
    expect(Buffer.from(layout.comment).toString()).toBe('python archive comment')
    expect(layout.entries.map(e => e.method)).toEqual([0, 8, 12, 14, 0, 0, 0, 0])
    expect(named(layout, 'stored.txt')).toMatchObject({ unixMode: 0o100640, mtime: MTIME, dosDate: 0x576e })
    expect(Buffer.from(named(layout, 'lzma.txt').comment).toString()).toBe('comment of lzma.txt')
    const z64 = named(layout, 'forced-zip64.txt')
    expect(z64.localExtraFields.map(f => f.id)).toEqual([0x0001])
    expect(z64.dataDescriptor).toBeUndefined()
    expect(named(layout, 'a-dir/').type).toBe('directory')
    const u = named(layout, 'ünïcode/名前.txt')
    expect(u.utf8Flag).toBe(true)
    expect(named(layout, 'dos-dir/')).toMatchObject({ type: 'directory', mtime: Date.UTC(1999, 11, 31, 23, 59, 58) / 1000 })
  })

  it('an empty archive, with and without a comment', async () => {
    for (const comment of ['', 'nothing here']) {
      const path = out()
      run('python3', ['-c', 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], "w")\nz.comment = sys.argv[2].encode()\nz.close()', path, comment])
      const { layout, bytes } = await check(path)
      expect(bytes.length).toBe(22 + comment.length)
      expect(layout.entries).toEqual([])
      expect(layout.segments).toEqual([{ offset: 0, length: bytes.length, kind: 'end-records' }])
      expect(Buffer.from(layout.comment).toString()).toBe(comment)
    }
  })

  it('more than 65535 entries: zip64 end records', async () => {
    const path = out()
    const n = 66_000
    run('python3', ['-c', `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    for i in range(${n}):
        z.writestr(zipfile.ZipInfo('f/%05d' % i, (2023, 11, 14, 22, 13, 20)), b'%d' % i)
`, path])
    const bytes = new Uint8Array(readFileSync(path))
    const layout = await readChecked(bytes)
    expect(layout.entries.length).toBe(n)
    const z = layout.endOfCentralDirectory.zip64!
    expect(z).toBeDefined()
    expect(z.recordLength).toBe(56)
    expect(z.locatorOffset).toBe(z.recordOffset + 56)
    expect(layout.segments.filter(s => s.kind === 'end-records')).toEqual([{ offset: z.recordOffset, length: 56 + 20 + 22, kind: 'end-records' }])
    // The full oracle is slow on 66 000 entries: names and offsets (the other fields are compared above).
    const py = run('python3', ['-c', 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(",".join("%s:%d" % (i.orig_filename, i.header_offset) for i in z.infolist()))', path]).toString().trim()
    expect(py).toBe(layout.entries.map(e => `${Buffer.from(e.path).toString()}:${e.localHeaderOffset}`).join(','))
    await expect(readChecked(bytes, { limits: { maxEntries: 65_536 } })).rejects.toMatchObject({ code: 'ERR_LIMIT_EXCEEDED', details: { limit: 'maxEntries' } })
  })
})

describe('other writers', () => {
  it('git archive --format=zip', async () => {
    const repo = join(root, 'repo')
    mkdirSync(repo)
    const gitEnv = 'GIT_AUTHOR_DATE=@1700000000 GIT_COMMITTER_DATE=@1700000000 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t'
    sh(`git init -q . && cp -a ${JSON.stringify(tree)}/. . && git add -A && ${gitEnv} git -c commit.gpgsign=false commit -q -m m`, repo)
    const path = out()
    sh(`git archive --format=zip --prefix=p/ -o ${JSON.stringify(path)} HEAD`, repo)
    const { layout } = await check(path)
    checkZipinfo(path, layout)
    const commit = sh('git rev-parse HEAD', repo).toString().trim()
    expect(Buffer.from(layout.comment).toString()).toBe(commit)
    expect(named(layout, 'p/link').type).toBe('symlink')
    expect(named(layout, 'p/run.sh').unixMode).toBe(0o100755)
    expect(named(layout, 'p/dir/text.txt').mtime).toBe(MTIME)
  })

  it('a jar written by the JDK (descriptors, the 0xCAFE extra field)', async () => {
    const path = out('jar')
    run('jar', ['cf', path, '-C', tree, 'dir', '-C', tree, 'hello.txt'])
    const { layout } = await check(path)
    checkZipinfo(path, layout)
    expect(Buffer.from(layout.entries[0]!.path).toString()).toBe('META-INF/')
    expect(layout.entries[0]!.extraFields).toEqual([{ id: 0xcafe, data: new Uint8Array(0) }])
    for (const e of layout.entries) {
      if (e.method === 8) expect(e.dataDescriptor).toMatchObject({ length: 16, signed: true })
    }
  })

  it('fflate zipSync: levels, unknown extra fields, comments', async () => {
    const path = out()
    writeFileSync(path, zipSync({
      'a.txt': [new TextEncoder().encode(text), { level: 9, extra: { 0x4242: new Uint8Array([1, 2, 3]) }, comment: 'file comment' }],
      'b.bin': [random, { level: 0 }],
      'd/': new Uint8Array(0)
    }, { mtime: new Date(MTIME * 1000), comment: 'fflate comment' } as never))
    const { layout } = await check(path)
    const a = named(layout, 'a.txt')
    expect(a.extraFields).toEqual([{ id: 0x4242, data: new Uint8Array([1, 2, 3]) }])
    expect(a.localExtraFields).toEqual([{ id: 0x4242, data: new Uint8Array([1, 2, 3]) }])
    expect(Buffer.from(a.comment).toString()).toBe('file comment')
    expect(named(layout, 'b.bin').method).toBe(0)
    expect(named(layout, 'd/').type).toBe('directory')
  })
})

describe('encrypted entries', () => {
  it('Info-ZIP traditional encryption (zip -P) and 7-Zip AES-256 (method 99)', async () => {
    const traditional = out()
    run('zip', ['-q', '-P', 'secret', traditional, 'hello.txt', 'dir/text.txt'], { cwd: tree })
    const t = (await check(traditional)).layout
    for (const e of t.entries) {
      expect(e).toMatchObject({ encrypted: true })
      expect(e.flags & 1).toBe(1)
    }
    // The 12-byte encryption header is part of the compressed data.
    expect(named(t, 'hello.txt').compressedSize).toBe(6 + 12)
    const aes = out()
    run('7z', ['a', '-tzip', '-bd', '-bso0', '-psecret', '-mem=AES256', aes, 'hello.txt'], { cwd: tree })
    const a = (await check(aes)).layout
    expect(a.entries[0]).toMatchObject({ method: 99, encrypted: true })
    expect(a.entries[0]!.extraFields.map(f => f.id)).toContain(0x9901)
  })
})

describe('a random-access source', () => {
  it('reads only what it needs, and never outside [0, size)', async () => {
    const path = out()
    run('zip', ['-q', '-r', path, '.'], { cwd: tree })
    const bytes = new Uint8Array(readFileSync(path))
    let read = 0
    const { readZipLayout } = await import('../../../src/archive/zip/index.js')
    const layout = await readZipLayout({
      size: bytes.length,
      read: async (offset, length) => {
        expect(offset).toBeGreaterThanOrEqual(0)
        expect(offset + length).toBeLessThanOrEqual(bytes.length)
        read += length
        return bytes.slice(offset, offset + length)
      }
    })
    checkLayout(bytes, layout)
    // The tail, the directory and the headers: not the 150 kB of data.
    expect(read).toBeLessThan(bytes.length / 2)
  })

  it('reads no byte of entry data for Info-ZIP (local timestamps longer than central ones), the JDK and Python', async () => {
    // A rebuilt zip (verify) makes an entry's data to give any byte of it: the local header reads must stop
    // at the header, guessing its length from the directory's.
    const zip = out()
    run('zip', ['-q', '-r', '-y', zip, '.'], { cwd: tree })
    const jar = out('jar')
    run('jar', ['cf', jar, '-C', tree, 'dir', '-C', tree, 'hello.txt'])
    const py = out()
    run('python3', ['-c', 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:\n  z.write(sys.argv[2], "text.txt")\n  z.writestr("s.txt", "small")', py, join(tree, 'dir/text.txt')])
    const { readZipLayout } = await import('../../../src/archive/zip/index.js')
    for (const path of [zip, jar, py]) {
      const bytes = new Uint8Array(readFileSync(path))
      const reads: Array<[number, number]> = []
      const layout = await readZipLayout({ size: bytes.length, read: async (offset, length) => { reads.push([offset, offset + length]); return bytes.slice(offset, offset + length) } })
      const data = layout.segments.filter(s => s.kind === 'data')
      expect(data.length, path).toBeGreaterThan(1)
      // The end record search reads the file's last 64 KiB whatever they hold: every other read is checked.
      for (const [from, to] of reads.filter(([, to]) => to !== bytes.length)) {
        expect(data.filter(d => from < d.offset + d.length && d.offset < to), `read [${from}, ${to}) of ${path}`).toEqual([])
      }
    }
  })
})
