/**
 * .tar.xz and .tar.zst: the recipe race finds the xz 5.4.1 or zstd 1.5.4 settings that made the archive
 * (the real tools make them here), the manifest records them, and the archive is rebuilt byte for byte
 * from the tar's blocks alone. What no recipe reproduces stays verbatim and still restores.
 */
import { describe, it, expect } from 'vitest'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { verifyManifest } from '../../src/index.js'
import { encoderFor } from '../../src/compression/recipe/registry.js'
import { packTar, patternBytes, removeDir, tempDir } from '../helpers/archives.js'
import { check, tool } from './compressed-helpers.js'

const hello = new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/real/hello-2.10.tar')))
const small = new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/real/tar-stream-3.1.7.tar')))

/** The recipes recorded for each member, and whether the archive's own bytes had to be linked. */
async function described (archive: Uint8Array, inner: Uint8Array) {
  const { result, blocks } = await check(archive, inner)
  return { result, blocks, recipes: result.manifest.compression?.members.map(m => m.recipe), linked: result.manifest.archive.root !== undefined }
}

/** A tar of a few MiB that compresses somewhat: enough for multi-block xz and zstd's multi-threaded jobs. */
async function largerTar (megabytes: number): Promise<Uint8Array> {
  const noise = patternBytes(megabytes * 1024 * 1024, 11)
  // Every other 4 KiB run repeats the previous one: compressible, but not trivially.
  for (let at = 8192; at + 4096 <= noise.length; at += 8192) noise.copyWithin(at, at - 4096, at)
  return await packTar([[{ name: 'data.bin' }, noise], [{ name: 'README' }, 'hello\n']])
}

describe('xz (liblzma 5.4.1)', () => {
  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])('xz -%i (one thread, one block): recipe xz at that level', async (level) => {
    const { recipes, linked } = await described(tool('xz', [`-${level}`, '-T1', '-c'], small), small)
    expect(recipes).toEqual([{ encoder: 'xz', params: { level } }])
    expect(linked).toBe(false)
  })

  it.each([6, 9])('xz -%ie (extreme)', async (level) => {
    const { recipes } = await described(tool('xz', [`-${level}e`, '-T1', '-c'], small), small)
    expect(recipes).toEqual([{ encoder: 'xz', params: { level, extreme: 1 } }])
  })

  it.each([['none', 0], ['crc32', 1], ['sha256', 10]] as const)('--check=%s', async (name, check) => {
    const { recipes } = await described(tool('xz', ['-6', `--check=${name}`, '-c'], small), small)
    expect(recipes).toEqual([{ encoder: 'xz', params: { level: 6, check } }])
  })

  it('xz -0 on 12 MiB: the race log overflows while -0 holds, -0e is started then and rejected during its replay (#16: it was then written to after disposal)', async () => {
    // 12 MiB of tar and its compressed bytes exceed the 16 MiB replay log while the first candidate holds.
    const inner = await largerTar(12)
    const { recipes, linked } = await described(tool('xz', ['-0', '-T1', '-c'], inner), inner)
    expect(recipes).toEqual([{ encoder: 'xz', params: { level: 0 } }])
    expect(linked).toBe(false)
  })

  it('xz -T2 (the threaded layout, as Debian\'s data.tar.xz): one block with sizes in its header', async () => {
    // Any input under one block (3x the 8 MiB dictionary) makes this layout; a small one keeps the race short.
    const { recipes } = await described(tool('xz', ['-6', '-T2', '-c'], small), small)
    expect(recipes).toEqual([{ encoder: 'xz', params: { level: 6, mt: 1 } }])
  })

  it('xz -1 -T2 on 5 MiB: several blocks of 3x the dictionary, rebuilt from the tar', async () => {
    const inner = await largerTar(5)
    const { recipes, linked } = await described(tool('xz', ['-1', '-T2', '-c'], inner), inner)
    expect(recipes).toEqual([{ encoder: 'xz', params: { level: 1, mt: 1 } }])
    expect(linked).toBe(false)
  })

  it('xz -T1 --block-size: nothing before the first block\'s end tells its size, so no candidate; kept verbatim', async () => {
    const inner = await largerTar(3)
    const { recipes, linked } = await described(tool('xz', ['-0', '-T1', '--block-size=1000000', '-c'], inner), inner)
    expect(recipes).toEqual([undefined])
    expect(linked).toBe(true)
  })

  it('two concatenated streams: a recipe each', async () => {
    const a = await packTar([[{ name: 'a' }, 'first']])
    const b = await packTar([[{ name: 'b' }, 'second']])
    // The first tar without its end blocks, so that the concatenation is one tar.
    const firstTar = a.subarray(0, a.length - 1024)
    const archive = new Uint8Array(Buffer.concat([tool('xz', ['-6', '-c'], firstTar), tool('xz', ['-9', '-c'], b)]))
    const { recipes } = await described(archive, new Uint8Array(Buffer.concat([firstTar, b])))
    expect(recipes).toEqual([{ encoder: 'xz', params: { level: 6 } }, { encoder: 'xz', params: { level: 9 } }])
  })

  it('a BCJ or delta filter before LZMA2: decoded, the tar described, no recipe (the encoder is LZMA2 alone), kept verbatim', async () => {
    for (const filters of [['--x86', '--lzma2=preset=6'], ['--arm64', '--lzma2=preset=9e'], ['--delta=dist=4', '--lzma2=preset=1']]) {
      const { recipes, linked } = await described(tool('xz', [...filters, '-c'], small), small)
      expect(recipes).toEqual([undefined])
      expect(linked).toBe(true)
    }
  })

  it('verifyManifest re-derives the same manifest from the rebuilt .tar.xz', async () => {
    const { result, blocks } = await check(tool('xz', ['-9e', '-c'], small), small)
    await expect(verifyManifest(result.cid, blocks)).resolves.toMatchObject({ cid: result.cid })
  })
})

describe('zstd (libzstd 1.5.4, the CLI\'s framing)', () => {
  it.each([1, 3, 9, 19])('zstd -%i through a pipe (as tar --zstd): recipe zstd at that level', async (level) => {
    const { recipes, linked } = await described(tool('zstd', ['-q', `-${level}`], hello), hello)
    expect(recipes).toEqual([{ encoder: 'zstd', params: { level } }])
    expect(linked).toBe(false)
  })

  it('zstd -19 FILE (a file argument pledges its size) and --no-check', async () => {
    const dir = tempDir()
    try {
      // A small file: the pledged size picks zstd's parameters for inputs up to 128 KiB, a cheap -19.
      const file = join(dir, 'small.tar')
      writeFileSync(file, small)
      tool('zstd', ['-q', '-19', '--no-check', file, '-o', `${file}.zst`], new Uint8Array(0))
      const archive = new Uint8Array(readFileSync(`${file}.zst`))
      const { recipes } = await described(archive, small)
      expect(recipes).toEqual([{ encoder: 'zstd', params: { level: 19, checksum: 0, pledged: 1 } }])
    } finally { removeDir(dir) }
  })

  it.each([[['--fast=3'], -3], [['--ultra', '-22'], 22]] as const)('zstd %j', async (args, level) => {
    const { recipes } = await described(tool('zstd', ['-q', ...args], small), small)
    expect(recipes).toEqual([{ encoder: 'zstd', params: { level } }])
  })

  it('zstd -1 on 6 MiB, default and --single-thread (three 2 MiB jobs against one stream: other bytes)', async () => {
    const inner = await largerTar(6)
    const threaded = tool('zstd', ['-q', '-1'], inner)
    const single = tool('zstd', ['-q', '-1', '--single-thread'], inner)
    expect(Buffer.compare(threaded, single)).not.toBe(0)
    expect((await described(threaded, inner)).recipes).toEqual([{ encoder: 'zstd', params: { level: 1 } }])
    const { recipes, linked } = await described(single, inner)
    expect(recipes).toEqual([{ encoder: 'zstd', params: { level: 1, workers: 0 } }])
    expect(linked).toBe(false)
  })

  it('a skippable frame holds no tar bytes and has no recipe: the archive is kept verbatim and restores', async () => {
    const skippable = Uint8Array.of(0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 1, 2, 3, 4)
    const archive = new Uint8Array(Buffer.concat([tool('zstd', ['-q', '-3'], small), skippable]))
    const { recipes, linked, result, blocks } = await described(archive, small)
    expect(recipes).toEqual([{ encoder: 'zstd', params: { level: 3 } }, undefined])
    expect(linked).toBe(true)
    await expect(verifyManifest(result.cid, blocks)).resolves.toMatchObject({ archiveBytes: archive.length })
  })
})

describe('encoders that hold a block back raise the race\'s lag bound (spec §17.4)', () => {
  it('xz mt: its block size; zstd\'s multi-threaded path: its job (4 windows); single-threaded: nothing', async () => {
    expect((await encoderFor({ encoder: 'xz', params: { level: 6, mt: 1 } })).holdsBack).toBe(24 * 2 ** 20)
    expect((await encoderFor({ encoder: 'xz', params: { level: 6 } })).holdsBack).toBeUndefined()
    expect((await encoderFor({ encoder: 'zstd', params: { level: 3 } })).holdsBack).toBe(8 * 2 ** 20)
    expect((await encoderFor({ encoder: 'zstd', params: { level: 19 } })).holdsBack).toBe(32 * 2 ** 20)
    expect((await encoderFor({ encoder: 'zstd', params: { level: 22 } })).holdsBack).toBe(512 * 2 ** 20)
    expect((await encoderFor({ encoder: 'zstd', params: { level: 19, workers: 0 } })).holdsBack).toBeUndefined()
  })
})
