/**
 * Output that is whole or absent: writeFileAtomically (restore -o) and extractTree leave nothing at the
 * target when they fail, and no temporary files beside it.
 */
import { TreePathResolver } from '../../src/unixfs/path-resolver.js'
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import * as dagPb from '@ipld/dag-pb'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MemoryBlocks, manifestFromTarball, type Entry, type ManifestResult } from '../../src/index.js'
import { extractTree } from '../../src/node/extract.js'
import { createAtomicFile, writeFileAtomically } from '../../src/node/atomic-file.js'
import { packTar, patternBytes, removeDir, tempDir } from '../helpers/archives.js'
import { tampered } from '../helpers/blocks.js'

let dir: string
beforeAll(() => { dir = tempDir('iam-atomic-') })
afterAll(() => { removeDir(dir) })

/** A fresh directory under the test's own, so that leftovers beside a target can be listed. */
function place (name: string): string {
  const parent = join(dir, name)
  mkdirSync(parent)
  return parent
}

async function * failingAfter (chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield * chunks
  throw new Error('digest mismatch, say')
}

describe('createAtomicFile', () => {
  it('rewind drops what was written (buffered or not); commit writes the rest from the start', async () => {
    const parent = place('rewind')
    const file = await createAtomicFile(join(parent, 'out'))
    await file.write(patternBytes(100, 1))
    await file.write(patternBytes(2 << 20, 2))
    await file.write(patternBytes(10, 3))
    await file.rewind()
    const kept = [patternBytes(700, 4), patternBytes(1 << 20, 5), patternBytes(5, 6)]
    for (const chunk of kept) await file.write(chunk)
    expect(await file.commit()).toBe(700 + (1 << 20) + 5)
    expect(readFileSync(join(parent, 'out')).equals(Buffer.concat(kept))).toBe(true)
    expect(readdirSync(parent)).toEqual(['out'])
  })
})

describe('writeFileAtomically', () => {
  it('writes every chunk (small ones gathered, large ones whole) and leaves only the target', async () => {
    const parent = place('ok')
    const chunks = [patternBytes(512, 1), patternBytes(3 << 20, 2), patternBytes(100, 3), patternBytes(1 << 20, 4)]
    expect(await writeFileAtomically(join(parent, 'out'), chunks)).toBe(512 + (3 << 20) + 100 + (1 << 20))
    expect(readFileSync(join(parent, 'out')).equals(Buffer.concat(chunks))).toBe(true)
    expect(readdirSync(parent)).toEqual(['out'])
  })

  it('a source that fails after its last chunk: no target, no temporary file', async () => {
    const parent = place('new')
    await expect(writeFileAtomically(join(parent, 'out'), failingAfter([patternBytes(20_480, 5)]))).rejects.toThrow('digest mismatch')
    expect(readdirSync(parent)).toEqual([])
  })

  it('a failure leaves an earlier file untouched; a success replaces it, and replaces a symlink instead of following it', async () => {
    const parent = place('existing')
    const out = join(parent, 'out')
    writeFileSync(out, 'earlier')
    await expect(writeFileAtomically(out, failingAfter([patternBytes(4096, 6)]))).rejects.toThrow()
    expect(readFileSync(out, 'utf8')).toBe('earlier')
    expect(readdirSync(parent)).toEqual(['out'])

    writeFileSync(join(parent, 'elsewhere'), 'keep')
    symlinkSync('elsewhere', join(parent, 'link'))
    await writeFileAtomically(join(parent, 'link'), [Uint8Array.of(1, 2, 3)])
    expect(readFileSync(join(parent, 'elsewhere'), 'utf8')).toBe('keep')
    expect([...readFileSync(join(parent, 'link'))]).toEqual([1, 2, 3])
  })
})

describe('extractTree that fails midway', () => {
  let full: MemoryBlocks
  let result: ManifestResult<Entry>
  let broken: MemoryBlocks

  beforeAll(async () => {
    // README and bin/run come before data.bin, whose last 1 MiB leaf is then missing: the failure comes
    // after files were written and while one is half written.
    const tar = await packTar([
      [{ name: 'pkg/README', type: 'file' }, 'read me\n'],
      [{ name: 'pkg/bin/run', type: 'file', mode: 0o755 }, '#!/bin/sh\n'],
      [{ name: 'pkg/data.bin', type: 'file' }, patternBytes(3_000_000, 9)]
    ])
    full = new MemoryBlocks()
    result = await manifestFromTarball(tar, { blockstore: full })
    const data = (await new TreePathResolver(result.treeCid, full).resolve(new TextEncoder().encode('pkg/data.bin')))!.cid
    broken = tampered(full, { drop: [(dagPb.decode(full.get(data)).Links[2] as dagPb.PBLink).Hash] })
  })

  it('leaves no target and nothing beside it', async () => {
    const parent = place('x-new')
    await expect(extractTree(result.cid, broken, join(parent, 'out'))).rejects.toMatchObject({ code: 'ERR_BLOCK_NOT_FOUND' })
    expect(existsSync(join(parent, 'out'))).toBe(false)
    expect(readdirSync(parent)).toEqual([])
  })

  it('leaves an empty target directory empty, with its own permissions', async () => {
    const parent = place('x-empty')
    const out = join(parent, 'out')
    mkdirSync(out, { mode: 0o750 })
    await expect(extractTree(result.cid, broken, out, { strip: true })).rejects.toMatchObject({ code: 'ERR_BLOCK_NOT_FOUND' })
    expect(readdirSync(out)).toEqual([])
    expect(readdirSync(parent)).toEqual(['out'])
    // The same target, extracted whole: filled in place, its permissions kept.
    const report = await extractTree(result.cid, full, out, { strip: true })
    expect(report).toEqual({ files: 3, directories: 1, symlinks: 0, bytes: 3_000_000 + 8 + 10 })
    expect(readdirSync(out).sort()).toEqual(['README', 'bin', 'data.bin'])
    expect(statSync(out).mode & 0o777).toBe(0o750)
    expect(statSync(join(out, 'bin/run')).mode & 0o777).toBe(0o755)
    expect(readdirSync(parent)).toEqual(['out'])
  })
})
