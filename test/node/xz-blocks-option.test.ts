/**
 * manifestFromFile's and `create`'s xzBlocks (#16): asked for, the worker races are started with it (an xz
 * -T2 member verified two blocks at a time) and the manifest is the one described without it.
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { packTar, patternBytes, removeDir, tempDir } from '../helpers/archives.js'

const asked = vi.hoisted(() => [] as unknown[])
vi.mock('../../src/node/worker-races.js', async (original) => {
  const real = await original<typeof import('../../src/node/worker-races.js')>()
  return { ...real, createWorkerRaces: (options?: Parameters<typeof real.createWorkerRaces>[0]) => { asked.push(options); return real.createWorkerRaces(options) } }
})
const { manifestFromFile } = await import('../../src/node/index.js')

let dir: string
let file: string
beforeAll(async () => {
  dir = tempDir('iam-xz-blocks-')
  const text = new TextEncoder().encode(Array.from({ length: 30000 }, (_, i) => `line ${i} of a text that compresses ${i % 5}\n`).join(''))
  const tar = await packTar([[{ name: 'a.txt' }, text], [{ name: 'b.bin' }, patternBytes(400_000, 5)]])
  file = join(dir, 'a.tar.xz')
  writeFileSync(file, execFileSync('xz', ['-3', '-T2', '--block-size=500000', '-c'], { input: tar }))
})
afterAll(() => { removeDir(dir) })

describe('xzBlocks', () => {
  it('reaches the worker races, and the manifest is the same as without it', async () => {
    asked.length = 0
    const plain = await manifestFromFile(file)
    const split = await manifestFromFile(file, { xzBlocks: true })
    expect(asked).toEqual([{ xzBlocks: false }, { xzBlocks: true }])
    expect(split.cid.toString()).toBe(plain.cid.toString())
    expect(split.manifest.compression?.members.map(m => m.recipe)).toEqual([{ encoder: 'xz', params: { level: 3, mt: 1, blockSize: 500_000 } }])
  }, 300_000)

  it('create --xz-blocks prints the manifest create prints without it', () => {
    const cli = (...args: string[]): { cid: string } => JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../../src/node/cli.ts'), 'create', file, '--json', ...args], { encoding: 'utf8' })) as { cid: string }
    expect(cli('--xz-blocks').cid).toBe(cli().cid)
  }, 300_000)
})
