/**
 * The NAR view (#15 item 1): `nar()` streams from the blocks exactly what `nix-store --dump` writes for
 * GNU tar's (or unzip's) extraction, for the whole tree and for the stripped one, and `create --nar`
 * records the sha256 and size Nix computes (`nix-hash --type sha256 --base32`). Real archives: the
 * committed and fetched release tars, and Debian data tars chosen for absolute symlinks (tzdata,
 * libc-bin), a hardlink to an executable (perl-base) and an empty directory (libc-bin); built ones for
 * what no real archive here has (HAMT directories, names whose UTF-8 and UTF-16 orders differ, modes
 * replaced by later entries, zip symlinks).
 */
import { describe, it, expect, beforeAll } from 'vitest'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MemoryBlocks, manifestFromTarball, manifestFromZip, type ManifestResult, type AnyEntry } from '../../src/index.js'
import { encodeManifest } from '../../src/codec/manifest-codec.js'
import { nar } from '../../src/nar/nar.js'
import { toNixBase32 } from '../../src/nar/nix-base32.js'
import { DigestMismatchError, InvalidArgumentError } from '../../src/errors.js'
import type { ProfileName } from '../../src/unixfs/profile.js'
import { gnuTar, narOf, packTar, removeDir, tempDir, writeTree } from '../helpers/archives.js'
import { collect, gnuExtractFile, nixHash32, onlyChild, unzipFile } from '../helpers/nix.js'
import { ensureRealArchives, realDir, repoRoot } from '../helpers/real-archives.js'

const nixDir = join(realDir, 'nix')

beforeAll(() => {
  ensureRealArchives()
  execFileSync('bash', [join(repoRoot, 'test/setup/fetch-nix-real.sh')], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 })
}, 660_000)

const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest()
/** The environment for tools whose listings are read here: in the C locale, so that `tar -tv` says "link to" in English. */
const inC = { ...process.env, LC_ALL: 'C' }

/**
 * Describes an archive with `nar`. The Debian data tars other than tzdata's are described decompressed:
 * the NAR does not depend on the compression, and finding their xz recipes takes a minute.
 */
async function describeFile (path: string, profile: ProfileName = 'unixfs-v1-2025'): Promise<{ result: ManifestResult<AnyEntry>, blocks: MemoryBlocks }> {
  const blocks = new MemoryBlocks()
  const bytes = new Uint8Array(path.endsWith('.tar.xz') && !path.includes('tzdata') ? execFileSync('xz', ['-dc', path], { maxBuffer: 1 << 30 }) : readFileSync(path))
  const options = { blockstore: blocks, profile, nar: true }
  const result = path.endsWith('.zip') || path.endsWith('.whl') ? await manifestFromZip(bytes, options) : await manifestFromTarball(bytes, options)
  return { result, blocks }
}

/** nar() of the tree and of the stripped tree equal nix-store --dump of `extracted`, and the recorded hashes Nix's. */
async function expectSameAsNix (result: ManifestResult<AnyEntry>, blocks: MemoryBlocks, extracted: string): Promise<void> {
  const tree = result.manifest.tree
  const theirs = narOf(extracted)
  const ours = await collect(nar(result.cid, blocks))
  expect(ours.length).toBe(theirs.length)
  expect(ours.equals(theirs)).toBe(true)
  expect(tree.nar?.size).toBe(theirs.length)
  expect(Buffer.from(tree.nar?.sha256 ?? []).equals(sha256(theirs))).toBe(true)
  expect(toNixBase32(tree.nar?.sha256 ?? new Uint8Array(0))).toBe(nixHash32(extracted))
  if (tree.stripped === undefined) {
    expect(tree.strippedNar).toBeUndefined()
    await expect(collect(nar(result.cid, blocks, { strip: true }))).rejects.toBeInstanceOf(InvalidArgumentError)
    return
  }
  const top = onlyChild(extracted)
  const theirsStripped = narOf(top)
  expect((await collect(nar(result.cid, blocks, { strip: true }))).equals(theirsStripped)).toBe(true)
  expect(tree.strippedNar?.size).toBe(theirsStripped.length)
  expect(toNixBase32(tree.strippedNar?.sha256 ?? new Uint8Array(0))).toBe(nixHash32(top))
}

const realTars = [
  ...readdirSync(join(repoRoot, 'test/fixtures/real')).filter(f => f.endsWith('.tar')).map(f => join(repoRoot, 'test/fixtures/real', f)),
  ...['sed_4.9.orig.tar', 'make-dfsg_4.3.orig.tar', 'pcre2_10.42.orig.tar', 'zlib_1.2.13.dfsg.orig.tar', 'hello-deb-data.tar',
    'typescript-5.9.3.tar', 'multiformats-14.0.5.tar', 'fflate-0.8.3.tar'].map(f => join(realDir, f)),
  ...['tzdata-data.tar.xz', 'perl-base-data.tar.xz', 'libc-bin-data.tar.xz'].map(f => join(nixDir, f))
]

describe('nar() against nix-store --dump of GNU tar\'s extraction: real archives', () => {
  it.each(realTars.map(p => [p.slice(repoRoot.length + 1), p]))('%s', async (_name, path) => {
    const { result, blocks } = await describeFile(path)
    const extracted = gnuExtractFile(path)
    try {
      await expectSameAsNix(result, blocks, extracted)
    } finally { removeDir(extracted) }
  }, 300_000)

  it('the Debian archives have what they were chosen for', () => {
    const list = (name: string): string => execFileSync('tar', ['-tvf', join(nixDir, name)], { encoding: 'utf8', env: inC })
    expect(list('tzdata-data.tar.xz')).toMatch(/^l.* -> \//m)
    expect(list('libc-bin-data.tar.xz')).toMatch(/^l.* -> \//m)
    expect(list('perl-base-data.tar.xz')).toMatch(/^hrwx.* link to /m)
    const x = gnuExtractFile(join(nixDir, 'libc-bin-data.tar.xz'))
    try {
      expect(execFileSync('find', [x, '-type', 'd', '-empty'], { encoding: 'utf8' }).trim()).not.toBe('')
    } finally { removeDir(x) }
  })
})

describe('nar(): built trees', () => {
  /** A tree with every kind of node, a HAMT directory, and names whose bytewise order is not JavaScript's. */
  const spec = {
    dirs: ['top/empty', 'top/a/empty2'],
    files: {
      'top/bin/run': '#!/bin/sh\necho run\n',
      'top/bin/plain': 'plain\n',
      'top/a/deep/file': 'x'.repeat(3_000_000),
      // UTF-8 order: "Z" < "a b" < "z" < "é" (C3 A9) < "ｚ" (EF BD 9A) < "😀" (F0 …); UTF-16 puts "😀" (D83D) before "ｚ" (FF5A).
      'top/names/z': 'z', 'top/names/Z': 'Z', 'top/names/é': 'e', 'top/names/ｚ': 'fullwidth', 'top/names/😀': 'emoji', 'top/names/a b': 'space',
      ...Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`top/many/${'n'.repeat(50)}-${(i * 7919 % 3000).toString().padStart(5, '0')}`, `${i}\n`]))
    },
    executable: ['top/bin/run'],
    symlinks: { 'top/abs': '/nonexistent/absolute/target', 'top/rel': 'bin/run', 'top/dirlink': 'a' },
    hardlinks: { 'top/bin/run2': 'top/bin/run', 'top/plain2': 'top/bin/plain' }
  }

  it.each(['unixfs-v1-2025', 'unixfs-v0-2015'] as const)('%s: GNU tar archive of a tree with executables, symlinks, empty dirs, hardlinks, a HAMT', async (profile) => {
    const source = writeTree(spec)
    const work = tempDir('iam-nar-')
    try {
      const path = join(work, 'edge.tar')
      writeFileSync(path, gnuTar(source, ['top'], 'gnu'))
      expect(execFileSync('tar', ['-tvf', path], { encoding: 'utf8', env: inC })).toMatch(/^h.* link to /m)
      const { result, blocks } = await describeFile(path, profile)
      const extracted = gnuExtractFile(path)
      try {
        await expectSameAsNix(result, blocks, extracted)
      } finally { removeDir(extracted) }
    } finally { removeDir(source); removeDir(work) }
  }, 300_000)

  it('modes as extraction leaves them: a replaced file, a hardlink to the replaced inode, a hardlink chain', async () => {
    const tar = await packTar([
      [{ name: 'x/', type: 'directory', mode: 0o755 }],
      [{ name: 'x/f', mode: 0o755 }, 'first\n'],
      [{ name: 'x/h', type: 'link', linkname: 'x/f', mode: 0o644 }],
      [{ name: 'x/f', mode: 0o644 }, 'second\n'],
      [{ name: 'x/h2', type: 'link', linkname: 'x/h', mode: 0o600 }],
      [{ name: 'x/g', mode: 0o644 }, 'g\n'],
      [{ name: 'x/g', mode: 0o700 }, 'g again\n'],
      [{ name: 'x/s', mode: 0o755 }, 'becomes a link\n'],
      [{ name: 'x/s', type: 'symlink', linkname: 'f' }],
      [{ name: 'x/k', mode: 0o4755 }, 'setuid and executable\n'],
      [{ name: 'x/o', mode: 0o655 }, 'group and others execute, not the owner\n']
    ])
    const work = tempDir('iam-nar-modes-')
    try {
      const path = join(work, 'modes.tar')
      writeFileSync(path, tar)
      const { result, blocks } = await describeFile(path)
      const extracted = gnuExtractFile(path)
      try {
        await expectSameAsNix(result, blocks, extracted)
        // What the cases come to in Nix's terms: h and h2 keep the first x/f's executable inode.
        const dump = narOf(join(extracted, 'x')).toString('latin1')
        const executables = [...dump.matchAll(/name\0{4}.{8}(\w+)\0*.{8}node.{12}\(\0{7}.{8}type\0{4}.{8}regular\0.{8}executable/gs)].map(m => m[1])
        expect(executables.sort()).toEqual(['g', 'h', 'h2', 'k'])
      } finally { removeDir(extracted) }
    } finally { removeDir(work) }
  })

  it('a zip made by Info-ZIP (executable, symlink, empty directory) against unzip\'s extraction', async () => {
    const source = writeTree({
      dirs: ['pkg/empty'],
      files: { 'pkg/tool': '#!/bin/sh\n', 'pkg/data.txt': 'data\n'.repeat(1000) },
      executable: ['pkg/tool'],
      symlinks: { 'pkg/link': 'data.txt', 'pkg/abs': '/etc/hostname' }
    })
    const work = tempDir('iam-nar-zip-')
    try {
      const path = join(work, 'pkg.zip')
      execFileSync('zip', ['-q', '-r', '-y', path, 'pkg'], { cwd: source })
      const { result, blocks } = await describeFile(path)
      const extracted = unzipFile(path)
      try {
        await expectSameAsNix(result, blocks, extracted)
      } finally { removeDir(extracted) }
    } finally { removeDir(source); removeDir(work) }
  })

  it('a real wheel (pip, Python\'s zipfile) against unzip\'s extraction', async () => {
    const path = join(nixDir, 'pip.whl')
    const { result, blocks } = await describeFile(path)
    const extracted = unzipFile(path)
    try {
      await expectSameAsNix(result, blocks, extracted)
    } finally { removeDir(extracted) }
  }, 120_000)
})

describe('recorded NAR hashes', () => {
  it('are absent without `nar`, so manifests made without it do not change', async () => {
    const tar = new Uint8Array(readFileSync(join(repoRoot, 'test/fixtures/real/hello-2.10.tar')))
    const plain = await manifestFromTarball(tar)
    const withNar = await manifestFromTarball(tar, { nar: true })
    expect(plain.manifest.tree.nar).toBeUndefined()
    expect(withNar.manifest.tree.root.equals(plain.manifest.tree.root)).toBe(true)
    expect(withNar.cid.equals(plain.cid)).toBe(false)
    // Without a readable blockstore the tree's blocks were kept in memory for the walk: the same hashes.
    const blocks = new MemoryBlocks()
    const stored = await manifestFromTarball(tar, { nar: true, blockstore: blocks })
    expect(stored.cid.equals(withNar.cid)).toBe(true)
  })

  it('nar() checks the stream against a recorded hash, after the last chunk', async () => {
    const { result, blocks } = await describeFile(join(repoRoot, 'test/fixtures/real/is-number-7.0.0.tar'))
    const tree = result.manifest.tree
    const forged = { ...result.manifest, tree: { ...tree, nar: { sha256: new Uint8Array(32), size: tree.nar?.size ?? 0 } } }
    const block = await encodeManifest(forged)
    blocks.put(block.cid, block.bytes)
    const chunks: Uint8Array[] = []
    const error = await (async () => { try { for await (const c of nar(block.cid, blocks)) chunks.push(c) } catch (err) { return err } })()
    expect(error).toBeInstanceOf(DigestMismatchError)
    expect(Buffer.concat(chunks).length).toBe(tree.nar?.size)
  })
})
