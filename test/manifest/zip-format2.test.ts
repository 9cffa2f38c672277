/**
 * Zip format 2 (§18): the zip is rebuilt from its entry records and the tree alone. For each writer the
 * archive restores byte for byte from a blockstore holding only the blocks the manifest reaches (tree
 * included, no archive bytes), and the headers that needed an exception are counted: none for Info-ZIP,
 * Python's zipfile and the JDK's jar. Corrupted header fields give exceptions and still an exact restore.
 * Side data (manifest-reachable blocks minus the tree's) is reported per entry.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { zipSync } from 'fflate'
import { BlobReader, BlobWriter, ZipWriter } from '@zip.js/zip.js'
import type { CID } from 'multiformats/cid'
import { MemoryBlocks, restoreArchive, verifyManifest, walkBlocks } from '../../src/index.js'
import { ArchiveManifestError } from '../../src/errors.js'
import { manifestFromZip } from '../../src/manifest/zip.js'
import { materializeView } from '../../src/manifest/materialize.js'
import { readFile } from '../../src/unixfs/file-reader.js'
import { patternBytes } from '../helpers/archives.js'

let root: string
let tree: string
const report: string[] = []

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'zip-format2-'))
  tree = join(root, 'tree')
  mkdirSync(join(tree, 'pkg/src/deep'), { recursive: true })
  writeFileSync(join(tree, 'pkg/README.md'), '# a package\n'.repeat(200))
  writeFileSync(join(tree, 'pkg/src/main.c'), 'int main(void) { return 0; }\n'.repeat(500))
  writeFileSync(join(tree, 'pkg/src/data.bin'), patternBytes(70_000, 5))
  writeFileSync(join(tree, 'pkg/src/deep/empty'), '')
  writeFileSync(join(tree, 'pkg/src/deep/small.txt'), 'small\n')
  symlinkSync('main.c', join(tree, 'pkg/src/link'))
})
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
  console.log(`zip format 2, exceptions and side data by writer:\n${report.join('\n')}`)
})

async function collect (it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const c of it) parts.push(c)
  return Buffer.concat(parts)
}

async function reachable (root: CID, store: MemoryBlocks): Promise<Map<string, { cid: CID, bytes: Uint8Array }>> {
  const out = new Map<string, { cid: CID, bytes: Uint8Array }>()
  for await (const block of walkBlocks(root, store)) out.set(block.cid.toString(), block)
  return out
}

interface Checked { exceptions: number, entries: number, sideBytes: number }

/**
 * Describes, then restores from the manifest-reachable blocks alone (the zip file's own DAG absent) and
 * verifies; returns the exceptions and the side data.
 */
async function check (name: string, bytes: Uint8Array): Promise<Checked> {
  const store = new MemoryBlocks()
  const result = await manifestFromZip(bytes, { blockstore: store })
  const manifestBlocks = await reachable(result.cid, store)
  const treeBlocks = await reachable(result.treeCid, store)
  const alone = new MemoryBlocks()
  let sideBytes = 0
  for (const [key, { cid, bytes: b }] of manifestBlocks) {
    alone.put(cid, b)
    if (!treeBlocks.has(key)) sideBytes += b.length
  }
  expect(manifestBlocks.has(result.archiveCid.toString())).toBe(false)
  expect((await collect(restoreArchive(result.cid, alone))).equals(Buffer.from(bytes))).toBe(true)
  expect((await verifyManifest(result.cid, alone)).entries).toBe(result.entries.length)
  const exceptions = result.entries.filter(e => e.localHeader !== undefined || e.centralHeader !== undefined).length +
    (result.manifest.zip?.endPatch !== undefined || result.manifest.zip?.endBytes !== undefined ? 1 : 0)
  const n = result.entries.length
  report.push(`  ${name}: ${n} entries, ${exceptions} exceptions, side data ${sideBytes} B (${n === 0 ? '-' : (sideBytes / n).toFixed(1)} B/entry), zip ${bytes.length} B`)
  return { exceptions, entries: n, sideBytes }
}

const run = (cmd: string, args: string[], cwd = tree): Buffer => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
const out = (name: string): string => join(root, name)

describe('zip format 2: every writer restores from the manifest and the tree alone', () => {
  it.each([0, 6, 9])('Info-ZIP zip -r -y -%i: no exceptions', async (level) => {
    run('zip', ['-q', '-r', '-y', `-${level}`, out(`z${level}.zip`), 'pkg'])
    expect((await check(`Info-ZIP -${level}`, new Uint8Array(readFileSync(out(`z${level}.zip`))))).exceptions).toBe(0)
  })

  it('Info-ZIP streaming to a pipe (data descriptors, zip64 local fields): no exceptions', async () => {
    const bytes = execFileSync('sh', ['-c', 'cat pkg/src/main.c | zip -q - -'], { cwd: tree })
    expect((await check('Info-ZIP streamed', new Uint8Array(bytes))).exceptions).toBe(0)
  })

  it('Python zipfile: all methods, forced zip64, streamed descriptors, comments: no exceptions', async () => {
    const script = `import io, sys, zipfile
for name, method in [('stored', zipfile.ZIP_STORED), ('deflated', zipfile.ZIP_DEFLATED), ('bzip2', zipfile.ZIP_BZIP2), ('lzma', zipfile.ZIP_LZMA)]:
  with zipfile.ZipFile(sys.argv[1] + '/py-' + name + '.zip', 'w', method) as z:
    z.write('pkg/README.md'); z.write('pkg/src/main.c'); z.writestr('dir/', '')
    z.comment = b'an archive comment'
with zipfile.ZipFile(sys.argv[1] + '/py-zip64.zip', 'w', zipfile.ZIP_DEFLATED) as z:
  with z.open('big.txt', 'w', force_zip64=True) as f: f.write(b'x' * 100000)
  z.writestr(zipfile.ZipInfo('note.txt'), 'a note')
class Pipe(io.RawIOBase):
  def __init__(self, f): self.f = f
  def writable(self): return True
  def write(self, b): return self.f.write(b)
with open(sys.argv[1] + '/py-streamed.zip', 'wb') as raw:
  with zipfile.ZipFile(Pipe(raw), 'w', zipfile.ZIP_DEFLATED) as z:
    z.write('pkg/README.md'); z.writestr('s.txt', 'streamed')
`
    run('python3', ['-c', script, root])
    for (const name of ['stored', 'deflated', 'bzip2', 'lzma', 'zip64', 'streamed']) {
      expect((await check(`Python ${name}`, new Uint8Array(readFileSync(out(`py-${name}.zip`))))).exceptions, name).toBe(0)
    }
  })

  it('the JDK jar tool: no exceptions', async () => {
    run('jar', ['cf', out('t.jar'), '-C', tree, 'pkg'])
    expect((await check('jar cf', new Uint8Array(readFileSync(out('t.jar'))))).exceptions).toBe(0)
  })

  it('7-Zip, bsdtar, fflate, and @zip.js/zip.js restore exactly (exceptions reported)', async () => {
    run('7z', ['a', '-tzip', '-mx9', '-bso0', out('7z.zip'), 'pkg'])
    run('bsdtar', ['-a', '-cf', out('bsd.zip'), 'pkg'])
    await check('7z -mx9', new Uint8Array(readFileSync(out('7z.zip'))))
    await check('bsdtar', new Uint8Array(readFileSync(out('bsd.zip'))))
    await check('fflate zipSync', zipSync({ 'a/readme.md': new TextEncoder().encode('# a\n'.repeat(300)), 'a/data.bin': patternBytes(5000, 3) }, { level: 6 }))
    const writer = new ZipWriter(new BlobWriter('application/zip'))
    await writer.add('a/data.bin', new BlobReader(new Blob([Buffer.from(patternBytes(20_000, 9))])))
    await writer.add('a/readme.md', new BlobReader(new Blob(['# a\n'.repeat(300)])))
    await check('@zip.js/zip.js', new Uint8Array(await (await writer.close()).arrayBuffer()))
  })

  it('a self-extracting stub (offsets unadjusted), a gap and trailing bytes are spans', async () => {
    run('zip', ['-q', '-r', '-6', out('plain.zip'), 'pkg'])
    const plain = readFileSync(out('plain.zip'))
    const stub = Buffer.from('#!/bin/sh\necho stub\nexit 0\n'.repeat(100))
    const bytes = new Uint8Array(Buffer.concat([stub, plain, Buffer.from('trailing bytes')]))
    const store = new MemoryBlocks()
    const result = await manifestFromZip(bytes, { blockstore: store })
    expect(result.manifest.zip?.shift).toBe(stub.length)
    expect(result.manifest.zip?.spans?.map(s => [s.offset, s.file !== undefined])).toEqual([[0, true], [bytes.length - 14, false]])
    expect((await check('stub + Info-ZIP + trailing', bytes)).exceptions).toBe(0)
  })

  it('materializeView writes the zip file\'s own DAG (zip.fileCid), which then reads back as the zip', async () => {
    run('zip', ['-q', '-r', '-9', out('m.zip'), 'pkg'])
    const bytes = new Uint8Array(readFileSync(out('m.zip')))
    const store = new MemoryBlocks()
    const result = await manifestFromZip(bytes, { blockstore: store })
    const alone = new MemoryBlocks()
    for (const [, { cid, bytes: b }] of await reachable(result.cid, store)) alone.put(cid, b)
    const view = await materializeView(result.cid, alone)
    expect(view.equals(result.archiveCid)).toBe(true)
    expect((await collect(readFile(view, alone))).equals(Buffer.from(bytes))).toBe(true)
  })
})

/** Header fields that readers do not cross-check, as [offset in the local header, length]; and the central disk number. */
const LOCAL_FREE = [[4, 2], [10, 2], [12, 2]] as const
const CENTRAL_DISK = 34

describe('zip format 2: corrupted headers', () => {
  it('random changes to fields the rules derive give exceptions, and the zip still restores exactly', async () => {
    run('zip', ['-q', '-r', '-6', out('c.zip'), 'pkg'])
    const original = new Uint8Array(readFileSync(out('c.zip')))
    const locals: number[] = []
    const centrals: number[] = []
    for (let i = 0; i + 4 <= original.length; i++) {
      if (original[i] !== 0x50 || original[i + 1] !== 0x4b) continue
      if (original[i + 2] === 3 && original[i + 3] === 4) locals.push(i)
      if (original[i + 2] === 1 && original[i + 3] === 2) centrals.push(i)
    }
    /** Applies the changes (XORs into local fields, central disk numbers set) and checks what the manifest makes of them. */
    const check = async (changes: ReadonlyArray<readonly ['local' | 'central', number, number, number]>): Promise<void> => {
      const bytes = original.slice()
      const view = new DataView(bytes.buffer)
      for (const [where, index, field, value] of changes) {
        if (where === 'local') {
          const [at, ] = LOCAL_FREE[field]!
          view.setUint16(locals[index]! + at, view.getUint16(locals[index]! + at, true) ^ value, true)
        } else {
          view.setUint16(centrals[index]! + CENTRAL_DISK, value, true)
        }
      }
      const store = new MemoryBlocks()
      const result = await manifestFromZip(bytes, { blockstore: store })
      const exceptions = result.entries.filter(e => e.localHeader !== undefined || e.centralHeader !== undefined).length
      // Changed bytes are exceptions; changes that cancel out (one XOR twice) leave the zip as zip wrote it: none.
      expect(exceptions > 0).toBe(!Buffer.from(bytes).equals(Buffer.from(original)))
      expect(result.entries.every(e => e.localHeader !== 'verbatim' && e.centralHeader !== 'verbatim')).toBe(true)
      expect((await collect(restoreArchive(result.cid, store))).equals(Buffer.from(bytes))).toBe(true)
    }
    // Seed 61 draws this (about one seed in 5,000 does): the same change twice is no change at all.
    await check([['local', 1, 1, 5], ['local', 1, 1, 5]])
    await fc.assert(fc.asyncProperty(
      fc.array(fc.oneof(
        fc.tuple(fc.constant('local' as const), fc.nat(locals.length - 1), fc.nat(LOCAL_FREE.length - 1), fc.integer({ min: 1, max: 0xffff })),
        fc.tuple(fc.constant('central' as const), fc.nat(centrals.length - 1), fc.constant(0), fc.integer({ min: 1, max: 0xfffe }))
      ), { minLength: 1, maxLength: 6 }),
      check), { numRuns: 25 })
  })

  it('random byte flips anywhere: a typed error, or an exact restore', async () => {
    run('zip', ['-q', '-r', '-6', out('f.zip'), 'pkg'])
    const original = new Uint8Array(readFileSync(out('f.zip')))
    await fc.assert(fc.asyncProperty(
      fc.array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
      async (flips) => {
        const bytes = original.slice()
        for (const [at, x] of flips) bytes[at] = (bytes[at] as number) ^ x
        let result
        try {
          result = await manifestFromZip(bytes, { blockstore: new MemoryBlocks() })
        } catch (err) {
          expect(err).toBeInstanceOf(ArchiveManifestError)
          return
        }
        const store = new MemoryBlocks()
        result = await manifestFromZip(bytes, { blockstore: store })
        expect((await collect(restoreArchive(result.cid, store))).equals(Buffer.from(bytes))).toBe(true)
      }), { numRuns: 60 })
  })
})

describe('zip format 2: side data of real jars', () => {
  const jars = ['/usr/share/java/commons-io.jar', '/usr/share/java/guava.jar']
  it('restore exactly; side data per entry reported', async () => {
    for (const path of jars) {
      if (!existsSync(path)) { report.push(`  (no ${path})`); continue }
      const r = await check(`real ${path}`, new Uint8Array(readFileSync(path)))
      expect(r.exceptions).toBe(0)
    }
  })
})
