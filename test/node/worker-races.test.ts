/**
 * createWorkerRaces: recipe races on a worker thread give the manifests the in-thread races give (gzip by
 * GNU gzip, bzip2, xz with several blocks (also verified block by block: xzBlocks), zstd with a pledged size, a
 * stream no candidate makes); bytes in
 * flight are bounded (ready() waits, then lets go); an error in the worker is thrown here with its type
 * and code; manifestFromFile uses the worker for a compressed archive of any size worth it.
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InvalidManifestError, manifestFromTarball } from '../../src/index.js'
import { createWorkerRaces, manifestFromFile } from '../../src/node/index.js'
import { packTar, patternBytes, removeDir, tempDir } from '../helpers/archives.js'

let dir: string
let tar: Uint8Array
beforeAll(async () => {
  dir = tempDir('iam-races-')
  // Text-like and random members, 3 MB in all: several deflate blocks, two xz blocks at -0 -T2.
  const text = new TextEncoder().encode(Array.from({ length: 40000 }, (_, i) => `line ${i} of a file that compresses ${i % 7}\n`).join(''))
  tar = await packTar([[{ name: 'a.txt' }, text], [{ name: 'b.bin' }, patternBytes(600_000, 3)], [{ name: 'c.txt' }, text.subarray(0, 300_000)]])
})
afterAll(() => { removeDir(dir) })

const tool = (cmd: string, args: string[], input: Uint8Array): Uint8Array => new Uint8Array(execFileSync(cmd, args, { input, maxBuffer: 1 << 28 }))

async function bothWays (archive: Uint8Array, options: Parameters<typeof createWorkerRaces>[0] = {}): Promise<{ cid: string, recipes: unknown[] }> {
  const inThread = await manifestFromTarball(archive)
  const races = createWorkerRaces(options)
  try {
    const onWorker = await manifestFromTarball(archive, { recipeRaces: races })
    expect(onWorker.cid.toString()).toBe(inThread.cid.toString())
    return { cid: onWorker.cid.toString(), recipes: (onWorker.manifest.compression?.members ?? []).map(m => m.recipe) }
  } finally {
    await races.close()
  }
}

describe('createWorkerRaces', () => {
  it('the same manifests as races in this thread', async () => {
    expect((await bothWays(tool('gzip', ['-n', '-9', '-c'], tar))).recipes).toEqual([{ encoder: 'gnu-gzip', params: { level: 9 } }])
    expect((await bothWays(tool('gzip', ['-n', '-4', '-c'], tar))).recipes).toEqual([{ encoder: 'gnu-gzip', params: { level: 4 } }])
    expect((await bothWays(tool('bzip2', ['-9', '-c'], tar))).recipes).toEqual([{ encoder: 'bzip2', params: { level: 9 } }])
    expect((await bothWays(tool('xz', ['-0', '-T2', '--block-size=1000000', '-c'], tar))).recipes).toHaveLength(1)
    expect((await bothWays(tool('zstd', ['-q', '-5', '-c'], tar))).recipes).toHaveLength(1)
    // A deflate stream no candidate makes (zlib's filtered strategy): no recipe, either way.
    const filtered = tool('python3', ['-c', 'import sys,zlib,gzip; d=sys.stdin.buffer.read(); c=zlib.compressobj(6,zlib.DEFLATED,31,8,zlib.Z_FILTERED); sys.stdout.buffer.write(c.compress(d)+c.flush())'], tar)
    expect((await bothWays(filtered)).recipes).toEqual([undefined])
  }, 600_000)

  it('xzBlocks: an xz -T2 race down to one candidate is verified block by block, on a thread of its own and the worker: the same manifests (#16)', async () => {
    for (const preset of ['-6e', '-3']) {
      const xzT2 = tool('xz', [preset, '-T2', '--block-size=700000', '-c'], tar)
      expect((await bothWays(xzT2, { xzBlocks: true })).recipes).toEqual([{ encoder: 'xz', params: { level: Number(preset[1]), ...(preset.endsWith('e') ? { extreme: 1 } : {}), mt: 1, blockSize: 700_000 } }])
    }
    // A stream of one block, and a single-threaded one, which has no blocks to verify apart.
    expect((await bothWays(tool('xz', ['-6', '-T2', '-c'], tar), { xzBlocks: true })).recipes).toEqual([{ encoder: 'xz', params: { level: 6, mt: 1 } }])
    expect((await bothWays(tool('xz', ['-6', '-T1', '-c'], tar), { xzBlocks: true })).recipes).toEqual([{ encoder: 'xz', params: { level: 6 } }])
  }, 600_000)

  it('holds the caller back while too many bytes wait for the worker, then lets go', async () => {
    const races = createWorkerRaces()
    try {
      races.start({ recipes: [{ encoder: 'zlib', params: { level: 1 } }] })
      const piece = patternBytes(8 << 20, 9)
      for (let i = 0; i < 6; i++) races.input(piece)
      const wait = races.ready()
      expect(wait).toBeInstanceOf(Promise)
      await wait
      expect(races.ready()).toBeUndefined()
      expect(await races.end(0)).toBeUndefined()
    } finally {
      await races.close()
    }
  }, 600_000)

  it('bytes in a Node Buffer inside a larger one, when no slot is free: their own bytes are raced, the caller\'s buffer is left whole', async () => {
    // More than the slots hold at once, so most pieces cross as transferred copies; Buffer#slice() is a view, and a
    // "copy" made with it sent the whole larger buffer (read from its offset 0) and detached it.
    const data = patternBytes(6 << 20, 11)
    const whole = Buffer.concat([Buffer.from('not part of the data'), data])
    const input = whole.subarray(whole.length - data.length)
    const real = new Uint8Array(execFileSync('python3', ['-c', 'import sys,zlib; c=zlib.compressobj(1,zlib.DEFLATED,-15); d=sys.stdin.buffer.read(); sys.stdout.buffer.write(c.compress(d)+c.flush())'], { input: data, maxBuffer: 1 << 28 }))
    const races = createWorkerRaces()
    try {
      await races.start({ recipes: [{ encoder: 'zlib', params: { level: 1 } }] })
      races.expected(real)
      races.input(input)
      expect(whole.length).toBe(20 + data.length)
      expect(await races.end(real.length)).toEqual({ encoder: 'zlib', params: { level: 1 } })
    } finally {
      await races.close()
    }
  }, 600_000)

  it('an error in the worker is thrown here, typed', async () => {
    const races = createWorkerRaces()
    try {
      races.start({ recipes: [{ encoder: 'no-such-encoder', params: {} }] })
      await expect(races.end(0)).rejects.toThrow(InvalidManifestError)
      await expect(races.end(0)).rejects.toMatchObject({ code: 'ERR_INVALID_MANIFEST' })
    } finally {
      await races.close()
    }
  }, 120_000)

  it('manifestFromFile races a compressed archive on the worker and records what the races here record', async () => {
    const gz = tool('gzip', ['-n', '-6', '-c'], tar)
    const path = join(dir, 'a.tar.gz')
    writeFileSync(path, gz)
    expect(gz.length).toBeGreaterThan(128 * 1024)
    const fromFile = await manifestFromFile(path)
    expect(fromFile.cid.toString()).toBe((await manifestFromTarball(gz)).cid.toString())
    expect(fromFile.manifest.compression?.members[0]?.recipe).toEqual({ encoder: 'gnu-gzip', params: { level: 6 } })
  }, 600_000)
})
