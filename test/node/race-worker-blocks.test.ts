/**
 * Worker races with block threads verify a .tar.bz2's recipe block by block (race-worker.ts with a
 * BlockVerifier): the same manifest as the race in this thread, for a stream bzip2 made (recipe found) and
 * for one 7-Zip's own bzip2 encoder made (no recipe: the archive's bytes are linked).
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { manifestFromTarball } from '../../src/index.js'
import { createWorkerRaces } from '../../src/node/index.js'
import { packTar, removeDir, tempDir } from '../helpers/archives.js'

let dir: string
beforeAll(() => { dir = tempDir('iam-race-blocks-') })
afterAll(() => { removeDir(dir) })

async function bothWays (path: string): Promise<unknown> {
  const races = createWorkerRaces({ blockThreads: 2 })
  const viaWorkers = await manifestFromTarball(readFileSync(path), { recipeRaces: races }).finally(async () => { await races.close() })
  const inThread = await manifestFromTarball(readFileSync(path))
  expect(viaWorkers.cid.toString()).toBe(inThread.cid.toString())
  return viaWorkers.manifest.compression?.members[0]?.recipe
}

describe('worker races: bzip2 recipes verified block by block', () => {
  it('finds bzip2\'s recipe, and none for another encoder, as the race in this thread does', async () => {
    const text = new TextEncoder().encode(Array.from({ length: 90_000 }, (_, i) => `entry ${i * 7919 % 10007} of many blocks\n`).join(''))
    const tar = await packTar([[{ name: 'a.txt' }, text], [{ name: 'b.txt' }, text.subarray(0, 400_000)]])
    const tarPath = join(dir, 't.tar')
    writeFileSync(tarPath, tar)
    const bz = join(dir, 't.tar.bz2')
    writeFileSync(bz, execFileSync('bzip2', ['-1', '-c', tarPath]))
    expect(await bothWays(bz)).toEqual({ encoder: 'bzip2', params: { level: 1 } })
    const seven = join(dir, 't7.tar.bz2')
    execFileSync('7z', ['a', '-tbzip2', '-mx=9', seven, tarPath], { stdio: 'ignore' })
    expect(await bothWays(seven)).toBeUndefined()
  }, 300_000)
})
