/**
 * `restore --from-dir` (#15 item 3): the exact archive from an unpacked tree on disk plus a CAR of the
 * manifest and its side data only (no block of the tree), for real .tar.gz, .tar.xz and .zip archives
 * extracted by GNU tar and unzip, with and without --strip; a file that is not what the tree had is a
 * typed error naming it, and no output file appears.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync, spawnSync } from 'node:child_process'
import { appendFileSync, existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'
import { MemoryBlocks, restoreArchive, walkBlocks, loadManifest } from '../../src/index.js'
import { directoryFiles } from '../../src/node/index.js'
import { DigestMismatchError, FileNotFoundError, NotAFileError } from '../../src/errors.js'
import { removeDir, tempDir } from '../helpers/archives.js'
import { readCarFile, writeCarFile } from '../helpers/blocks.js'
import { collect, gnuExtractFile, onlyChild, unzipFile } from '../helpers/nix.js'
import { ensureRealArchives, realDir, repoRoot } from '../helpers/real-archives.js'

function cli (...args: string[]): { status: number | null, stdout: string, stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/node/cli.ts'), ...args], { encoding: 'utf8', cwd: repoRoot })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

let dir: string
beforeAll(() => {
  ensureRealArchives()
  execFileSync('bash', [join(repoRoot, 'test/setup/fetch-nix-real.sh')], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 })
  dir = tempDir('iam-from-dir-')
}, 660_000)
afterAll(() => { removeDir(dir) })

/**
 * From a CAR of everything `create --car` wrote: a CAR of the manifest and its side data (every block the
 * manifest links except the tree's), and one that also has the tree's directories (not its files).
 */
async function sideCars (car: string): Promise<{ side: string, withDirectories: string, root: CID }> {
  const { root, blocks } = await readCarFile(car)
  const manifest = await loadManifest(root, blocks)
  const tree = new Set<string>()
  const directories = new MemoryBlocks()
  for await (const b of walkBlocks(manifest.tree.root, blocks)) {
    tree.add(b.cid.toString())
    if (b.cid.code === dagPb.code) {
      const type = UnixFS.unmarshal(dagPb.decode(b.bytes).Data ?? new Uint8Array(0)).type
      if (type === 'directory' || type === 'hamt-sharded-directory') directories.put(b.cid, b.bytes)
    }
  }
  const side = new MemoryBlocks()
  for await (const b of walkBlocks(root, blocks)) if (!tree.has(b.cid.toString())) { side.put(b.cid, b.bytes); directories.put(b.cid, b.bytes) }
  const paths = { side: `${car}.side.car`, withDirectories: `${car}.dirs.car`, root }
  await writeCarFile(paths.side, root, side)
  await writeCarFile(paths.withDirectories, root, directories)
  return paths
}

const cases = [
  { name: 'make-dfsg_4.3.orig.tar.gz (GNU gzip)', path: join(realDir, 'make-dfsg_4.3.orig.tar.gz'), extract: gnuExtractFile },
  { name: 'sed_4.9.orig.tar.xz (xz -6e)', path: join(realDir, 'sed_4.9.orig.tar.xz'), extract: gnuExtractFile },
  { name: 'pip wheel (zip, Python\'s zipfile)', path: join(realDir, 'nix/pip.whl'), extract: unzipFile }
]

describe('restore --from-dir', () => {
  it.each(cases.map(c => [c.name, c]))('%s: the exact archive from the extraction and a CAR without the tree', async (_name, c) => {
    const car = join(dir, `${c.name.split(' ')[0] as string}.car`)
    expect(cli('create', c.path, '--car', car).status).toBe(0)
    const { side } = await sideCars(car)
    const missing = cli('restore', side, '-o', join(dir, 'nothing'))
    expect(missing.stderr).toContain('error ERR_BLOCK_NOT_FOUND')
    const x = c.extract(c.path)
    try {
      const out = join(dir, 'restored')
      const r = cli('restore', side, '--from-dir', x, '-o', out)
      expect(r.status, r.stderr).toBe(0)
      expect(readFileSync(out).equals(readFileSync(c.path))).toBe(true)
      rmSync(out)
      if (c.extract === gnuExtractFile) {
        // A store path holds the stripped tree (fetchzip's stripRoot).
        const stripped = cli('restore', side, '--from-dir', onlyChild(x), '--strip', '-o', out)
        expect(stripped.status, stripped.stderr).toBe(0)
        expect(readFileSync(out).equals(readFileSync(c.path))).toBe(true)
        rmSync(out)
      }
    } finally { removeDir(x) }
  }, 300_000)

  it('a file that grew is named, and no output file appears', async () => {
    const c = cases[0] as typeof cases[number]
    const car = join(dir, 'grew.car')
    expect(cli('create', c.path, '--car', car).status).toBe(0)
    const { side } = await sideCars(car)
    const x = gnuExtractFile(c.path)
    try {
      appendFileSync(join(x, 'make-dfsg-4.3/src/main.c'), '\n')
      const out = join(dir, 'grew.tar.gz')
      const r = cli('restore', side, '--from-dir', x, '-o', out)
      expect(r.status).toBe(1)
      expect(r.stderr).toContain('error ERR_DIGEST_MISMATCH')
      expect(r.stderr).toContain('"make-dfsg-4.3/src/main.c"')
      expect(existsSync(out)).toBe(false)
    } finally { removeDir(x) }
  }, 120_000)

  it('a file changed in place: named through the tree\'s directories when the CAR has them; else the archive\'s sha256 fails', async () => {
    const c = cases[0] as typeof cases[number]
    const car = join(dir, 'changed.car')
    expect(cli('create', c.path, '--car', car).status).toBe(0)
    const { side, withDirectories, root } = await sideCars(car)
    const x = gnuExtractFile(c.path)
    try {
      const file = join(x, 'make-dfsg-4.3/README')
      const bytes = readFileSync(file)
      bytes[10] = (bytes[10] as number) ^ 1
      writeFileSync(file, bytes)
      const out = join(dir, 'changed.tar.gz')
      const named = cli('restore', withDirectories, '--from-dir', x, '-o', out)
      expect(named.status).toBe(1)
      expect(named.stderr).toMatch(/error ERR_DIGEST_MISMATCH: the file "make-dfsg-4.3\/README" is not the tree's file/)
      expect(existsSync(out)).toBe(false)
      const unnamed = cli('restore', side, '--from-dir', x, '-o', out)
      expect(unnamed.status).toBe(1)
      // Recompressed, the changed bytes come to another size or another sha256: either way the whole is refused.
      expect(unnamed.stderr).toContain('error ERR_DIGEST_MISMATCH: restored archive ')
      expect(existsSync(out)).toBe(false)
      // The API: the same error object, with the entry and the file in it.
      const { blocks } = await readCarFile(withDirectories)
      const error = await collect(restoreArchive(root, blocks, { files: directoryFiles(x) })).catch((err: unknown) => err)
      expect(error).toBeInstanceOf(DigestMismatchError)
      expect((error as DigestMismatchError).entry).toBe('make-dfsg-4.3/README')
      expect((error as DigestMismatchError).details.path).toBe('make-dfsg-4.3/README')
    } finally { removeDir(x) }
  }, 120_000)

  it('a zip entry changed in place is named by its CRC-32, even without the tree\'s directories', async () => {
    const c = cases[2] as typeof cases[number]
    const car = join(dir, 'zip.car')
    expect(cli('create', c.path, '--car', car).status).toBe(0)
    const { side } = await sideCars(car)
    const x = unzipFile(c.path)
    try {
      const file = join(x, 'pip/__init__.py')
      const bytes = readFileSync(file)
      bytes[0] = (bytes[0] as number) ^ 1
      writeFileSync(file, bytes)
      const r = cli('restore', side, '--from-dir', x, '-o', join(dir, 'changed.whl'))
      expect(r.status).toBe(1)
      expect(r.stderr).toMatch(/error ERR_DIGEST_MISMATCH: the file "pip\/__init__.py" does not have the CRC-32/)
      expect(existsSync(join(dir, 'changed.whl'))).toBe(false)
    } finally { removeDir(x) }
  }, 120_000)

  it('a missing file, a symlink where a file was, --strip of a tree without a single top directory: typed errors', async () => {
    const c = cases[0] as typeof cases[number]
    const car = join(dir, 'typed.car')
    expect(cli('create', c.path, '--car', car).status).toBe(0)
    const { side, root } = await sideCars(car)
    const { blocks } = await readCarFile(side)
    const x = gnuExtractFile(c.path)
    try {
      rmSync(join(x, 'make-dfsg-4.3/NEWS'))
      const gone = await collect(restoreArchive(root, blocks, { files: directoryFiles(x) })).catch((err: unknown) => err)
      expect(gone).toBeInstanceOf(FileNotFoundError)
      expect(String((gone as Error).message)).toContain('make-dfsg-4.3/NEWS')
      symlinkSync('README', join(x, 'make-dfsg-4.3/NEWS'))
      const link = await collect(restoreArchive(root, blocks, { files: directoryFiles(x) })).catch((err: unknown) => err)
      expect(link).toBeInstanceOf(NotAFileError)
    } finally { removeDir(x) }
    const flat = join(dir, 'flat.tar')
    const t = tempDir('iam-flat-')
    try {
      writeFileSync(join(t, 'a'), 'a\n')
      writeFileSync(join(t, 'b'), 'b\n')
      execFileSync('tar', ['-cf', flat, 'a', 'b'], { cwd: t })
      expect(cli('create', flat, '--car', join(dir, 'flat.car')).status).toBe(0)
      const r = cli('restore', join(dir, 'flat.car'), '--from-dir', t, '--strip', '-o', join(dir, 'flat.out'))
      expect(r.stderr).toContain('error ERR_INVALID_ARGUMENT')
      expect(existsSync(join(dir, 'flat.out'))).toBe(false)
      expect(cli('restore', join(dir, 'flat.car'), '--strip').stderr).toContain('error ERR_USAGE')
    } finally { removeDir(t) }
  }, 120_000)
})
