/**
 * manifestFromZip against zips written by real tools: Info-ZIP zip (-0, -6, -9), Python's zipfile (stored,
 * deflated, bzip2, lzma), the JDK's jar, fflate. Content CIDs are the importer's file CIDs, the tree is the
 * importer's tree of the `unzip` extraction, the zip restores byte for byte (from the manifest DAG alone
 * when every deflated entry has a recipe), and verifyManifest re-derives the manifest.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync, lstatSync, statSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { zipSync } from 'fflate'
import { symlinkSync } from 'node:fs'
import { CID } from 'multiformats/cid'
import {
  MemoryBlocks, manifestFromZip, restoreArchive, verifyManifest, exportCar, importCar, loadZipEntries, loadManifest,
  manifestFromTarball, type ZipEntry
} from '../../src/index.js'
import { extractTree, manifestFromFile } from '../../src/node/index.js'
import { importBytes } from '../../src/unixfs/file-builder.js'
import { discardBlocks } from '../../src/blocks.js'
import { getProfile } from '../../src/unixfs/profile.js'
import { TreePathResolver } from '../../src/unixfs/path-resolver.js'
import { patternBytes } from '../helpers/archives.js'
import { importerTree, walkedTree } from '../helpers/trees.js'
import { inflateSync } from 'fflate'
import { RecipeRace } from '../../src/compression/recipe/race.js'
import { encoderFor, gzipCandidates } from '../../src/compression/recipe/registry.js'
import { main } from '../../src/node/cli.js'
import { RebuiltZipSource } from '../../src/manifest/zip-rebuilt-source.js'

let root: string
let tree: string
let counter = 0
const out = (ext = 'zip'): string => join(root, `out-${counter++}.${ext}`)
const run = (cmd: string, args: string[], cwd = tree): Buffer => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })

const text = 'The quick brown fox jumps over the lazy dog.\n'.repeat(3000)
const random = patternBytes(300_000, 11)

async function collect (it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const c of it) parts.push(c)
  return Buffer.concat(parts)
}

/** Describes, restores (from a CAR of the manifest DAG alone) and verifies; returns the result. */
async function roundTrip (bytes: Uint8Array): Promise<Awaited<ReturnType<typeof manifestFromZip>> & { blocks: MemoryBlocks }> {
  const blocks = new MemoryBlocks()
  const result = await manifestFromZip(bytes, { blockstore: blocks })
  // Only the manifest's own DAG: a CAR walked from the manifest root.
  const car = await collect(exportCar(result.cid, blocks))
  const fromCar = new MemoryBlocks()
  expect((await importCar(car, fromCar)).equals(result.cid)).toBe(true)
  expect((await collect(restoreArchive(result.cid, fromCar))).equals(Buffer.from(bytes))).toBe(true)
  expect((await verifyManifest(result.cid, fromCar)).entries).toBe(result.entries.length)
  return { ...result, blocks }
}

function recipesOf (entries: ZipEntry[]): string[] {
  return [...new Set(entries.filter(e => e.method === 8).map(e => e.recipe === undefined ? 'none' : `${e.recipe.encoder}:${e.recipe.params.level}`))].sort()
}

async function unzipTree (zipPath: string): Promise<CID> {
  const dir = mkdtempSync(join(root, 'unzip-'))
  run('unzip', ['-q', zipPath, '-d', dir], root)
  return (await importerTree(dir, 'unixfs-v1-2025')).cid
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'zip-manifest-'))
  tree = join(root, 'tree')
  mkdirSync(join(tree, 'pkg/dir/sub'), { recursive: true })
  writeFileSync(join(tree, 'pkg/hello.txt'), 'hello\n')
  writeFileSync(join(tree, 'pkg/dir/text.txt'), text)
  writeFileSync(join(tree, 'pkg/dir/random.bin'), random)
  writeFileSync(join(tree, 'pkg/dir/sub/empty'), '')
  writeFileSync(join(tree, 'pkg/dir/sub/big.txt'), text.repeat(8))
})
afterAll(() => { rmSync(root, { recursive: true, force: true }) })

const found: string[] = []
afterAll(() => { console.log(`recipes found per producer:\n${found.join('\n')}`) })

describe('Info-ZIP zip -r', () => {
  for (const level of [0, 6, 9]) {
    it(`-${level}: content CIDs are the importer's, the tree is unzip's, restores exactly`, async () => {
      const path = out()
      run('zip', ['-q', '-r', `-${level}`, path, 'pkg'])
      const bytes = new Uint8Array(readFileSync(path))
      const result = await roundTrip(bytes)
      const profile = getProfile('unixfs-v1-2025')
      // Each file's content is the tree's file at its path (no per-entry content CID), and that is the importer's file.
      const resolver = new TreePathResolver(result.treeCid, result.blocks)
      for (const e of result.entries) {
        if (e.type !== 'file') continue
        const data = readFileSync(join(tree, e.path as string))
        expect(e.content).toBeUndefined()
        expect((await resolver.resolve(new TextEncoder().encode(e.path as string)))?.cid.toString()).toBe((await importBytes(data, profile, discardBlocks)).cid.toString())
        expect(e.excluded).toBeUndefined()
      }
      expect(result.treeCid.toString()).toBe((await unzipTree(path)).toString())
      expect(result.strippedTreeCid).toBeDefined()
      // Format 2: a zip is always rebuilt from its entries and the tree; Info-ZIP's headers all regenerate.
      expect(result.manifest.archive.root).toBeUndefined()
      expect(result.entries.filter(e => e.localHeader !== undefined || e.centralHeader !== undefined)).toEqual([])
      if (level === 0) {
        expect(result.entries.some(e => e.recipe !== undefined)).toBe(false)
      } else {
        // Info-ZIP's deflate is GNU gzip's.
        for (const e of result.entries) if (e.method === 8) expect(e.recipe?.encoder).toBe('gnu-gzip')
      }
      found.push(`  zip -${level}: ${recipesOf(result.entries).join(', ') || '(no deflated entries)'}; side data ${(100 * result.counts.segmentBytes / bytes.length).toFixed(2)}%`)
    })
  }

  it('manifestFromFile detects a zip, and the CLI creates and inspects it', async () => {
    const path = out()
    run('zip', ['-q', '-r', '-6', path, 'pkg'])
    const fromFile = await manifestFromFile(path)
    const fromBytes = await manifestFromZip(new Uint8Array(readFileSync(path)))
    expect(fromFile.cid.toString()).toBe(fromBytes.cid.toString())
    const car = join(root, 'cli.car')
    const log = console.log
    const lines: string[] = []
    console.log = (s: string) => { lines.push(s) }
    try {
      expect(await main(['create', path, '--car', car, '--json'])).toBe(0)
      expect(await main(['inspect', car, '--json'])).toBe(0)
    } finally { console.log = log }
    const created = JSON.parse(lines[0] as string)
    const { sideData, ...inspected } = JSON.parse(lines[1] as string)
    expect(created.manifest).toBe(fromBytes.cid.toString())
    expect(inspected).toEqual(created)
    expect(sideData.bytes).toBeGreaterThan(0)
    expect(created.archive.cid).toBe(CID.decode(fromBytes.manifest.zip!.fileCid).toString())
    const dir = join(root, 'cli-extract')
    lines.length = 0
    console.log = (s: string) => { lines.push(s) }
    try { expect(await main(['extract', car, dir, '--strip'])).toBe(0) } finally { console.log = log }
    expect(readFileSync(join(dir, 'dir/text.txt'), 'utf8')).toBe(text)
    expect(statSync(join(dir, 'hello.txt')).mode & 0o777).toBe(statSync(join(tree, 'pkg/hello.txt')).mode & 0o777)
  })

  it('manifestFromTarball refuses a zip and points at manifestFromZip', async () => {
    const path = out()
    run('zip', ['-q', '-r', path, 'pkg'])
    await expect(manifestFromTarball(new Uint8Array(readFileSync(path)))).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_FORMAT', message: expect.stringContaining('manifestFromZip') })
  })
})

describe('other producers', () => {
  it('python zipfile, ZIP_DEFLATED and ZIP_STORED', async () => {
    for (const [name, method] of [['deflated', 'ZIP_DEFLATED'], ['stored', 'ZIP_STORED']] as const) {
      const path = out()
      run('python3', ['-c', `import sys, zipfile, os
z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.${method})
for d, _, fs in sorted(os.walk('pkg')):
  for f in sorted(fs): z.write(os.path.join(d, f))
z.close()`, path])
      const result = await roundTrip(new Uint8Array(readFileSync(path)))
      expect(result.treeCid.toString()).toBe((await unzipTree(path)).toString())
      found.push(`  python zipfile ${name}: ${recipesOf(result.entries).join(', ') || '(no deflated entries)'}`)
      // Small members come out the same from GNU gzip's deflate and zlib's, and GNU gzip is tried first.
      if (method === 'ZIP_DEFLATED') for (const e of result.entries) expect(e.recipe).toBeDefined()
    }
  })

  it('a jar (jar cf)', async () => {
    const path = out('jar')
    run('jar', ['cf', path, '-C', tree, 'pkg'])
    const result = await roundTrip(new Uint8Array(readFileSync(path)))
    found.push(`  jar cf: ${recipesOf(result.entries).join(', ')}`)
    // Directories (META-INF/) are deflated empty data without content: their 2 bytes are kept inline in the record (`zb`).
    expect(result.entries.filter(e => e.method === 8 && e.type !== 'directory').every(e => e.recipe !== undefined)).toBe(true)
    // Small entries try the candidates one by one; the lockstep race picks the same one. Both try the
    // previous deflated entry's recipe (file order) first.
    const bytes = readFileSync(path)
    let previous: ZipEntry['recipe']
    for (const e of result.entries.filter(e => e.method === 8 && e.type === 'file').sort((a, b) => a.dataOffset - b.dataOffset)) {
      const compressed = bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize)
      const all = await gzipCandidates()
      const race = new RecipeRace(previous === undefined ? all : [await encoderFor(previous), ...all.filter(c => JSON.stringify(c.recipe) !== JSON.stringify(previous))])
      race.expected(compressed)
      race.input(inflateSync(compressed))
      expect(race.end(e.compressedSize).recipe).toEqual(e.recipe)
      previous = e.recipe
    }
  })

  it('7-Zip -mx9, bsdtar, an empty zip, a streamed zip (data descriptors) and a zip comment restore exactly', async () => {
    const sevenZip = out()
    run('7z', ['a', '-tzip', '-mx9', '-bso0', sevenZip, 'pkg'])
    const bsd = out()
    run('bsdtar', ['-a', '-cf', bsd, 'pkg'])
    const empty = out()
    run('python3', ['-c', 'import sys, zipfile\nzipfile.ZipFile(sys.argv[1], "w").close()', empty])
    const streamed = out()
    writeFileSync(streamed, execFileSync('sh', ['-c', 'cat pkg/dir/text.txt | zip -q - -'], { cwd: tree }))
    const commented = out()
    execFileSync('zip', ['-q', '-z', commented, 'pkg/hello.txt'], { cwd: tree, input: 'a comment\n' })
    for (const [name, path] of [['7z -mx9', sevenZip], ['bsdtar', bsd], ['empty', empty], ['zip - (streamed)', streamed], ['zip -z', commented]] as const) {
      const result = await roundTrip(new Uint8Array(readFileSync(path)))
      if (name !== 'empty') expect(result.treeCid.toString()).toBe((await unzipTree(path)).toString())
      found.push(`  ${name}: ${recipesOf(result.entries).join(', ') || '(no deflated entries)'}`)
    }
  })

  it('fflate zipSync', async () => {
    const bytes = zipSync({ 'a/text.txt': new TextEncoder().encode(text), 'a/random.bin': random, 'a/hello.txt': new TextEncoder().encode('hello\n') }, { level: 6 })
    const result = await roundTrip(bytes)
    found.push(`  fflate zipSync -6: ${recipesOf(result.entries).join(', ')}`)
  })
})

describe('unsafe and unusual entries', () => {
  it('symlinks (zip -y) are symlinks in the tree, their target the entry data', async () => {
    const dir = join(root, 'links')
    mkdirSync(join(dir, 'l'), { recursive: true })
    writeFileSync(join(dir, 'l/target.txt'), 'target\n')
    symlinkSync('target.txt', join(dir, 'l/link'))
    const path = out()
    run('zip', ['-q', '-r', '-y', path, 'l'], dir)
    const result = await roundTrip(new Uint8Array(readFileSync(path)))
    const link = result.entries.find(e => e.path === 'l/link')!
    expect(link.type).toBe('symlink')
    expect((link.mode ?? 0) & 0o170000).toBe(0o120000)
    const unzipped = mkdtempSync(join(root, 'unzip-'))
    run('unzip', ['-q', path, '-d', unzipped], root)
    expect(result.treeCid.toString()).toBe((await walkedTree(unzipped, 'unixfs-v1-2025')).toString())
  })

  it('a zip behind a stub (self-extracting) is detected from its end record and restores exactly', async () => {
    const plain = out()
    run('zip', ['-q', '-r', '-6', plain, 'pkg'])
    const path = out()
    writeFileSync(path, Buffer.concat([Buffer.from('#!/bin/sh\necho stub\nexit 0\n'.repeat(10)), readFileSync(plain)]))
    const blocks = new MemoryBlocks()
    const result = await manifestFromFile(path, { blockstore: blocks })
    expect(result.manifest.archive.format).toBe('zip')
    expect((await collect(restoreArchive(result.cid, blocks))).equals(readFileSync(path))).toBe(true)
    expect(result.treeCid.toString()).toBe((await manifestFromZip(new Uint8Array(readFileSync(plain)))).treeCid.toString())
  })

  it('zip-slip names are excluded from the tree, and extractTree writes nothing outside', async () => {
    const path = out()
    run('python3', ['-c', `import sys, zipfile
z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)
z.writestr('../evil', 'evil')
z.writestr('a/../../evil2', 'evil')
z.writestr('ok/file.txt', 'fine')
z.writestr('ok/file.txt', 'again')
z.close()`, path])
    const result = await roundTrip(new Uint8Array(readFileSync(path)))
    expect(result.entries.map(e => e.excluded)).toEqual(['unsafe-path', 'unsafe-path', 'shadowed', undefined])
    const target = join(root, 'slip', 'x')
    mkdirSync(target, { recursive: true })
    const report = await extractTree(result.cid, result.blocks, target)
    expect(report.files).toBe(1)
    expect(readdirSync(join(root, 'slip'))).toEqual(['x'])
    expect(readFileSync(join(target, 'ok/file.txt'), 'utf8')).toBe('again')
  })

  it('an encrypted entry (zip -P) is kept verbatim, outside the tree', async () => {
    const path = out()
    run('zip', ['-q', '-P', 'secret', path, 'pkg/hello.txt', 'pkg/dir/text.txt'])
    const result = await roundTrip(new Uint8Array(readFileSync(path)))
    for (const e of result.entries) {
      expect(e.encrypted).toBe(true)
      expect(e.excluded).toBe('encrypted')
      expect(e.content).toBeUndefined()
    }
    // Their compressed (encrypted) bytes are kept verbatim, as UnixFS files or inline.
    expect(result.manifest.archive.root).toBeUndefined()
    expect(result.counts.contentBytes).toBe(0)
  })

  it('bzip2 and lzma entries (python) are kept verbatim', async () => {
    const path = out()
    run('python3', ['-c', `import sys, zipfile
z = zipfile.ZipFile(sys.argv[1], 'w')
z.write('pkg/dir/text.txt', 'bz.txt', zipfile.ZIP_BZIP2)
z.write('pkg/dir/text.txt', 'lz.txt', zipfile.ZIP_LZMA)
z.write('pkg/hello.txt', 'hello.txt', zipfile.ZIP_DEFLATED)
z.close()`, path])
    const result = await roundTrip(new Uint8Array(readFileSync(path)))
    expect(result.entries.map(e => [e.method, e.excluded])).toEqual([[12, 'unsupported-method'], [14, 'unsupported-method'], [8, undefined]])
    expect(result.entries[2]!.recipe).toBeDefined()
  })

  it('a corrupt CRC-32 is a typed error', async () => {
    const path = out()
    // -X: no extra fields, so the stored data starts right after the 30-byte local header and the name
    // (searching for a data byte could hit a timestamp in an extra field instead).
    run('zip', ['-q', '-0', '-X', path, 'pkg/hello.txt'])
    const bytes = new Uint8Array(readFileSync(path))
    // Flip the first data byte of the stored entry (the CRC in both headers stays as it was).
    const at = 30 + 'pkg/hello.txt'.length
    bytes[at] = (bytes[at] as number) ^ 0x20
    await expect(manifestFromZip(bytes)).rejects.toMatchObject({ code: 'ERR_CORRUPT_COMPRESSED', details: { reason: 'crc32' } })
  })

  it('deflate data longer than the central directory records fails early with a typed error', async () => {
    const path = out()
    run('zip', ['-q', '-6', path, 'pkg/dir/text.txt'])
    const bytes = new Uint8Array(readFileSync(path))
    const view = new DataView(bytes.buffer, bytes.byteOffset)
    const cd = bytes.findIndex((b, i) => b === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 1 && bytes[i + 3] === 2)
    view.setUint32(22, 1000, true) // local header: uncompressed size
    view.setUint32(cd + 24, 1000, true) // central directory: uncompressed size
    await expect(manifestFromZip(bytes)).rejects.toMatchObject({ code: 'ERR_CORRUPT_COMPRESSED', details: { reason: 'size' } })
  })

  it('a source whose central directory changes between its two reads is a typed error', async () => {
    // The reader keeps the directory it read first; the pass that hashes the file reads it again.
    const bytes = zipSync({ 'a.txt': [new TextEncoder().encode('a'), { level: 0 }] }, { comment: 'c' })
    const cd = bytes.findIndex((b, i) => b === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 1 && bytes[i + 3] === 2)
    let cdReads = 0
    const source = {
      size: bytes.length,
      read: async (offset: number, length: number) => {
        const piece = bytes.slice(offset, offset + length)
        if (offset === cd && ++cdReads === 2) piece[20] = (piece[20] as number) ^ 1
        return piece
      }
    }
    await expect(manifestFromZip(source)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', details: { offset: cd } })
    expect(cdReads).toBe(2)
  })

  it('a manifest whose zip fields disagree with the archive fails verification', async () => {
    const path = out()
    run('zip', ['-q', '-r', '-6', path, 'pkg'])
    const blocks = new MemoryBlocks()
    const result = await manifestFromZip(new Uint8Array(readFileSync(path)), { blockstore: blocks })
    const m = await loadManifest(result.cid, blocks)
    const entries: ZipEntry[] = []
    for await (const e of loadZipEntries(m, blocks)) entries.push(e)
    expect(entries.length).toBe(result.entries.length)
    const { encodeManifest } = await import('../../src/codec/manifest-codec.js')
    const bad = await encodeManifest({ ...m, zip: { ...m.zip!, comment: new TextEncoder().encode('not the comment') } })
    blocks.put(bad.cid, bad.bytes)
    await expect(verifyManifest(bad.cid, blocks)).rejects.toMatchObject({ code: 'ERR_DIGEST_MISMATCH' })
  })

  it('a manifest that rebuilds other bytes of the right length fails verification as not restoring', async () => {
    // verify describes the rebuilt zip first; when that fails or differs, the restored bytes are checked.
    const bytes = zipSync({ 'a.txt': [new TextEncoder().encode('a'.repeat(100)), { level: 0 }] }, { comment: 'comment' })
    const blocks = new MemoryBlocks()
    const result = await manifestFromZip(bytes, { blockstore: blocks })
    const { decodeEntryPage, encodeEntryPage, encodeManifest } = await import('../../src/codec/manifest-codec.js')
    const dagCbor = await import('@ipld/dag-cbor')
    // Another comment of the same length: the rebuilt zip describes, as another manifest.
    const comment = await encodeManifest({ ...result.manifest, zip: { ...result.manifest.zip!, comment: new TextEncoder().encode('COMMENT') } })
    blocks.put(comment.cid, comment.bytes)
    await expect(verifyManifest(comment.cid, blocks)).rejects.toMatchObject({ code: 'ERR_DIGEST_MISMATCH' })
    // Another CRC-32 in the entry's record (both headers carry it): the rebuilt zip does not describe.
    const page = decodeEntryPage(await blocks.get(result.manifest.entries[0]!), 'zip')
    const badPage = await encodeEntryPage(page.map(r => dagCbor.encode({ ...r, crc: ((r.crc ?? 0) ^ 1) >>> 0 })))
    blocks.put(badPage.cid, badPage.bytes)
    const crcManifest = { ...result.manifest, entries: [badPage.cid] }
    const crc = await encodeManifest(crcManifest)
    blocks.put(crc.cid, crc.bytes)
    await expect(manifestFromZip(new RebuiltZipSource(crcManifest, blocks))).rejects.toMatchObject({ code: 'ERR_CORRUPT_COMPRESSED' })
    await expect(verifyManifest(crc.cid, blocks)).rejects.toMatchObject({ code: 'ERR_DIGEST_MISMATCH' })
  })
})

describe('a real jar or wheel from this machine', () => {
  const candidates = ['/usr/share/java', '/usr/lib/python3/dist-packages', '/usr/share/python-wheels']
  const pick = (): string | undefined => {
    for (const dir of candidates) {
      if (!existsSync(dir)) continue
      for (const name of readdirSync(dir).sort()) {
        const p = join(dir, name)
        if ((name.endsWith('.jar') || name.endsWith('.whl')) && lstatSync(p).isFile() && statSync(p).size < 5e6) return p
      }
    }
    return undefined
  }
  it('restores exactly; share of deflated entries with a recipe and side data reported', async () => {
    const preferred = '/usr/share/java/commons-io-2.11.0.jar'
    const path = process.env.ZIP_MANIFEST_REAL ?? (existsSync(preferred) ? preferred : pick())
    if (path === undefined) { found.push('  (no real jar/whl found)'); return }
    const bytes = new Uint8Array(readFileSync(path))
    const result = await roundTrip(bytes)
    const deflated = result.entries.filter(e => e.method === 8)
    const withRecipe = deflated.filter(e => e.recipe !== undefined)
    found.push(`  real ${path}: ${bytes.length} bytes, ${withRecipe.length}/${deflated.length} deflated entries rebuilt (${recipesOf(result.entries).join(', ')}); side data ${(100 * result.counts.segmentBytes / bytes.length).toFixed(2)}% of the zip`)
  })
})
