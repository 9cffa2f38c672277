/**
 * Format 2's CAR holds the manifest and the tree, not the tar's view; `materialize` writes the view's own
 * blocks, after which any UnixFS reader (here ipfs-unixfs-exporter) returns the tar from its CID.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { exporter } from 'ipfs-unixfs-exporter'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { CarReader } from '@ipld/car'
import { removeDir, tempDir } from './helpers/archives.js'
import { cli, repo as root } from './helpers/cli.js'

const example = join(root, 'test/fixtures/real/hello-2.10.tar')

async function load (path: string, store: MemoryBlockstore): Promise<string> {
  const reader = await CarReader.fromBytes(readFileSync(path))
  for await (const { cid, bytes } of reader.blocks()) await store.put(cid, bytes)
  return (await reader.getRoots())[0]!.toString()
}

let dir: string
beforeAll(() => { dir = tempDir('iam-materialize-') })
afterAll(() => { removeDir(dir) })

describe('materialize', () => {
  it('writes exactly the view\'s blocks; with the manifest\'s CAR the view reads back as the tar', async () => {
    const car = join(dir, 'hello.car')
    const created = cli('create', example, '--car', car, '--json')
    expect(created.status, created.stderr).toBe(0)
    const view = JSON.parse(created.stdout).archive.cid as string
    const store = new MemoryBlockstore()
    await load(car, store)
    expect(await store.has((await import('multiformats/cid')).CID.parse(view))).toBe(false)

    const viewCar = join(dir, 'view.car')
    const made = cli('materialize', car, '-o', viewCar)
    expect(made.status, made.stderr).toBe(0)
    expect(await load(viewCar, store)).toBe(view)
    const entry = await exporter(view, store)
    if (entry.type !== 'file') throw new Error(`the view exports as ${entry.type}`)
    const chunks: Uint8Array[] = []
    for await (const chunk of entry.content()) chunks.push(chunk)
    expect(Buffer.compare(Buffer.concat(chunks), readFileSync(example))).toBe(0)
  })
})
