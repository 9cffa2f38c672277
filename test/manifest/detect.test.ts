/**
 * Which describer an input goes to (src/manifest/detect.ts, docs/spec.md §17.1): zips behind a prefix or
 * followed by other bytes are zips for manifestFromFile and the CLI, as the zip reader finds them; and what
 * inputs in formats this library does not read are told (src/archive/detect-format.ts, §6.1).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { zipSync } from 'fflate'
import { MemoryBlocks, manifestFromTarball, manifestFromZip, restoreArchive, bytesSource, type ArchiveManifestError } from '../../src/index.js'
import { manifestFromFile } from '../../src/node/index.js'
import { formatOf } from '../../src/manifest/detect.js'
import { identifyFormat } from '../../src/archive/detect-format.js'
import { packTar, patternBytes, removeDir, tempDir } from '../helpers/archives.js'
import { goZipTestdata } from '../archive/zip/helpers.js'
import { cli } from '../helpers/cli.js'

let dir: string
let counter = 0
const file = (bytes: Uint8Array, name = `in-${counter++}`): string => { const p = join(dir, name); writeFileSync(p, bytes); return p }
beforeAll(() => { dir = tempDir('iam-detect-') })
afterAll(() => { removeDir(dir) })

async function collect (it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const c of it) parts.push(c)
  return Buffer.concat(parts)
}

/** The error a promise rejects with (or undefined when it resolves). */
async function failure (p: Promise<unknown>): Promise<ArchiveManifestError | undefined> {
  return await p.then(() => undefined, (e: unknown) => e as ArchiveManifestError)
}

/** A stream of `bytes` in 100-byte chunks that records whether it was closed (finished or returned). */
function trackedStream (bytes: Uint8Array): { stream: AsyncIterable<Uint8Array>, closed: () => boolean } {
  let closed = false
  return {
    stream: (async function * () {
      try {
        for (let at = 0; at < bytes.length; at += 100) yield bytes.slice(at, at + 100)
      } finally { closed = true }
    })(),
    closed: () => closed
  }
}

describe('zips behind a prefix, or with bytes after the end record', () => {
  it("Go's test-prefix.zip (copied from the Go installation at run time) is a zip for manifestFromFile and the CLI", async () => {
    const path = join(dir, 'test-prefix.zip')
    copyFileSync(join(goZipTestdata(), 'test-prefix.zip'), path)
    const bytes = new Uint8Array(readFileSync(path))
    const blocks = new MemoryBlocks()
    const result = await manifestFromFile(path, { blockstore: blocks })
    expect(result.manifest.archive.format).toBe('zip')
    expect(result.entries.map(e => e.path)).toEqual(['test.txt', 'gophercolor16x16.png'])
    expect((await collect(restoreArchive(result.cid, blocks))).equals(Buffer.from(bytes))).toBe(true)
    expect(result.cid.toString()).toBe((await manifestFromZip(bytes)).cid.toString())

    const created = cli('create', path, '--json')
    expect(created.status, created.stderr).toBe(0)
    expect(JSON.parse(created.stdout)).toMatchObject({ manifest: result.cid.toString(), entryCount: 2 })

    // Bytes in memory can be read from the end: manifestFromTarball points at manifestFromZip. A stream can
    // only be read from its start, where the prefix is: it is read as a tar, and fails as one.
    expect(await failure(manifestFromTarball(bytes))).toMatchObject({ code: 'ERR_UNSUPPORTED_FORMAT', offset: 0, message: expect.stringContaining('manifestFromZip') })
    const streamed = trackedStream(bytes)
    expect(await failure(manifestFromTarball(streamed.stream))).toMatchObject({ code: 'ERR_HEADER_CHECKSUM', offset: 0 })
  })

  it('random bytes before the zip and after its end record (libarchive\'s test_read_format_zip_padded3.zip, made here)', async () => {
    const zip = zipSync({ 'a.txt': new TextEncoder().encode('hello\n'.repeat(100)), 'dir/b.bin': patternBytes(3000, 5) })
    const padded = new Uint8Array(Buffer.concat([patternBytes(89, 1), zip, patternBytes(189, 2)]))
    const path = file(padded)
    // The peers read it as a zip.
    expect(execFileSync('bsdtar', ['-tf', path]).toString().split('\n').filter(Boolean)).toEqual(['a.txt', 'dir/b.bin'])
    expect(await formatOf(bytesSource(padded))).toBe('zip')
    const blocks = new MemoryBlocks()
    const result = await manifestFromFile(path, { blockstore: blocks })
    expect(result.manifest.archive.format).toBe('zip')
    expect((await collect(restoreArchive(result.cid, blocks))).equals(Buffer.from(padded))).toBe(true)
    expect(result.treeCid.toString()).toBe((await manifestFromZip(zip)).treeCid.toString())
  })

  it('not zips: a stray end record signature in other data, a tar holding a zip', async () => {
    const stray = patternBytes(100_000, 3)
    // "PK 05 06" with disk numbers and offsets that are no zip's.
    stray.set([0x50, 0x4b, 0x05, 0x06, 0x34, 0x12, 0x34, 0x12], stray.length - 40)
    stray.set([0, 0], stray.length - 40 + 20) // and a comment that fits
    expect(await formatOf(bytesSource(stray))).toBe('tar')
    expect(await failure(manifestFromFile(file(stray)))).toMatchObject({ code: 'ERR_HEADER_CHECKSUM', offset: 0 })

    const zip = zipSync({ 'inner.txt': new TextEncoder().encode('inner\n') })
    const tarOfZip = await packTar([[{ name: 'x.zip' }, Buffer.from(zip)]])
    expect(await formatOf(bytesSource(tarOfZip))).toBe('tar')
    expect((await manifestFromFile(file(tarOfZip))).manifest.archive.format).toBe('tar')
  })
})

/** A ustar tar of one empty file whose name field starts with `name` (raw bytes), and two zero blocks. */
function tarNamed (name: Uint8Array): Uint8Array {
  const b = new Uint8Array(512 * 3)
  b.set(name.subarray(0, 100), 0)
  const ascii = (at: number, s: string): void => { b.set(Buffer.from(s, 'latin1'), at) }
  ascii(100, '0000644\0'); ascii(108, '0000000\0'); ascii(116, '0000000\0'); ascii(124, '00000000000\0'); ascii(136, '00000000000\0')
  ascii(156, '0'); ascii(257, 'ustar\x0000')
  b.fill(0x20, 148, 156)
  let sum = 0
  for (let i = 0; i < 512; i++) sum += b[i]!
  ascii(148, sum.toString(8).padStart(6, '0') + '\0 ')
  return b
}

const bsdtarMade: Array<[label: string, args: string[], format: string, description: string]> = [
  ['7z', ['--format=7zip'], '7z', 'a 7z archive'],
  ['cpio (newc)', ['--format=newc'], 'cpio', 'a cpio archive (newc)'],
  ['cpio (odc)', ['--format=odc'], 'cpio', 'a cpio archive (odc)'],
  ['cpio (binary)', ['--format=bin'], 'cpio', 'a cpio archive (binary, little-endian)'],
  ['ar', ['--format=ar'], 'ar', 'an ar archive'],
  ['.tar.Z', ['--format=ustar', '-Z'], 'compress', 'compress (.Z) data'],
  ['.tar.lz4', ['--format=ustar', '--lz4'], 'lz4', 'lz4 data'],
  ['.tlz (.tar.lzma)', ['--format=ustar', '--lzma'], 'lzma', 'lzma (.lzma, LZMA_Alone) data'],
  ['.tar.lz (lzip)', ['--format=ustar', '--lzip'], 'lzip', 'lzip data']
]

const crafted: Array<[label: string, bytes: Uint8Array, format: string]> = [
  ['RAR 1.5-4', Uint8Array.of(0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00, 0xcf, 0x90, 0x73, 0x00, 0x00, 0x0d, 0x00, ...patternBytes(600, 7)), 'rar'],
  ['RAR 5', Uint8Array.of(0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00, 0x33, 0x92, 0xb5, 0xe5, 0x0a, 0x01, ...patternBytes(600, 8)), 'rar'],
  ['cpio (binary, big-endian)', Uint8Array.of(0x71, 0xc7, ...patternBytes(300, 9)), 'cpio'],
  ['lzop', Uint8Array.of(0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a, 0x10, 0x30, ...patternBytes(700, 10)), 'lzop'],
  ['lz4 legacy frame', Uint8Array.of(0x02, 0x21, 0x4c, 0x18, ...patternBytes(100, 11)), 'lz4'],
  ['a split zip\'s marker', Uint8Array.of(0x50, 0x4b, 0x07, 0x08, 0x50, 0x4b, 0x03, 0x04, ...patternBytes(100, 12)), 'zip']
]

describe('inputs in other formats are named: ERR_UNSUPPORTED_FORMAT at offset 0', () => {
  // Inputs shorter than a tar block used to fail as truncated, longer ones as a bad checksum.
  for (const [size, seed] of [[10, 20], [6000, 21]] as const) {
    it(`made by bsdtar, holding a ${size}-byte file: manifestFromFile and manifestFromTarball`, async () => {
      const src = join(dir, `src-${size}`)
      writeFileSync(src, patternBytes(size, seed))
      for (const [label, args, format, description] of bsdtarMade) {
        const out = join(dir, `made-${size}-${format}-${counter++}`)
        execFileSync('bsdtar', ['-cf', out, ...args, '-C', dir, `src-${size}`])
        const bytes = new Uint8Array(readFileSync(out))
        for (const err of [await failure(manifestFromFile(out)), await failure(manifestFromTarball(bytes))]) {
          expect(err, label).toMatchObject({ code: 'ERR_UNSUPPORTED_FORMAT', offset: 0, details: { format }, message: expect.stringContaining(description) })
        }
      }
    })
  }

  it('made here: RAR 4 and 5, big-endian binary cpio, lzop, lz4 legacy, a split zip', async () => {
    for (const [label, bytes, format] of crafted) {
      expect(identifyFormat(bytes), label).toMatchObject({ format })
      expect(await failure(manifestFromFile(file(bytes))), label).toMatchObject({ code: 'ERR_UNSUPPORTED_FORMAT', offset: 0, details: { format } })
    }
  })

  it('the CLI says which format it found', () => {
    const src = join(dir, 'cli-src')
    writeFileSync(src, 'x')
    const out = join(dir, 'cli.7z')
    execFileSync('bsdtar', ['-cf', out, '--format=7zip', '-C', dir, 'cli-src'])
    const r = cli('create', out)
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/ERR_UNSUPPORTED_FORMAT: input is a 7z archive: this library reads tar and zip archives only/)
  })

  it('a valid tar header block still wins: a tar whose first name starts with any of these magics is a tar', async () => {
    const magics = [...crafted.map(([, b]) => b.subarray(0, 14)), Uint8Array.of(0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c),
      Buffer.from('070701'), Buffer.from('!<arch>\n'), Uint8Array.of(0x1f, 0x9d, 0x90), Uint8Array.of(0x04, 0x22, 0x4d, 0x18), Buffer.from('LZIP\x01'),
      Uint8Array.of(0x5d, 0, 0, 0x80, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0), Buffer.from('PK\x03\x04'), Buffer.from('PK\x05\x06')]
    for (const magic of magics) {
      const tar = tarNamed(magic)
      expect(identifyFormat(tar), Buffer.from(magic).toString('hex')).toBeDefined()
      expect(await formatOf(bytesSource(tar))).toBe('tar')
      expect((await manifestFromTarball(tar)).manifest.archive.format).toBe('tar')
    }
  })

  it('the .lzma header rule: xz\'s strict checks, plus the range coder\'s zero first byte', () => {
    const ok = Uint8Array.of(0x5d, 0x00, 0x00, 0x80, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00)
    expect(identifyFormat(ok)?.format).toBe('lzma')
    const withSize = ok.slice(); withSize.set([0x00, 0x28, 0, 0, 0, 0, 0, 0], 5) // 10240 bytes
    expect(identifyFormat(withSize)?.format).toBe('lzma')
    const edit = (at: number, values: number[]): Uint8Array => { const b = ok.slice(); b.set(values, at); return b }
    for (const [why, bytes] of [
      ['properties byte over 224', edit(0, [225])],
      ['dictionary not 2^n or 2^n + 2^(n-1)', edit(1, [0x00, 0x00, 0x70, 0x00])],
      ['dictionary under 4 KiB', edit(1, [0x00, 0x08, 0x00, 0x00])],
      ['size of 2^38 or more', edit(5, [0, 0, 0, 0, 0x40, 0, 0, 0])],
      ['range coder first byte not zero', edit(13, [1])],
      ['text', Buffer.from('] not a header, just text')]
    ] as const) {
      expect(identifyFormat(bytes), why).toBeUndefined()
    }
  })
})

describe('the source is closed when a description stops early', () => {
  it('a bad first header, and a zip at the start', async () => {
    const bad = patternBytes(2048, 30)
    const a = trackedStream(bad)
    expect(await failure(manifestFromTarball(a.stream))).toMatchObject({ code: 'ERR_HEADER_CHECKSUM', offset: 0 })
    expect(a.closed()).toBe(true)
    const zip = zipSync({ 'a.txt': patternBytes(5000, 31) })
    const b = trackedStream(zip)
    expect(await failure(manifestFromTarball(b.stream))).toMatchObject({ code: 'ERR_UNSUPPORTED_FORMAT', offset: 0 })
    expect(b.closed()).toBe(true)
  })
})
