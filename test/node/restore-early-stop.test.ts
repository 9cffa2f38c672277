/**
 * A rebuild given up early (a consumer that stops reading: `restore | head -c 100`, a client gone): the
 * files of an unpacked tree that it was reading (restore --from-dir) are closed once it is given up, not
 * left open until the collector finds them. The rebuilt member's encoder reads the tar stream through an
 * iterator of its own, which the rebuild must give up with it.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CID } from 'multiformats/cid'
import { BlockNotFoundError, MemoryBlocks, loadManifest, manifestFromTarball, restoreArchive, type BlockSource } from '../../src/index.js'
import { directoryFiles } from '../../src/node/index.js'
import { packTar, removeDir, tempDir } from '../helpers/archives.js'
import { descriptorsOn } from '../helpers/descriptors.js'
import { seededBytes } from '../helpers/seeded.js'

let dir: string
beforeAll(() => { dir = tempDir('iam-early-stop-') })
afterAll(() => { removeDir(dir) })

describe('a rebuild from a tree on disk, given up early', () => {
  it('closes the file it was reading', async () => {
    // Incompressible: the encoder gives out compressed blocks while the file is still being read (1 MiB a read).
    const content = seededBytes('early-stop', 3 << 20)
    const tar = await packTar([[{ name: 'big.bin' }, content]])
    const gz = new Uint8Array(execFileSync('gzip', ['-n', '-6', '-c'], { input: tar, maxBuffer: 64 << 20 }))
    const blocks = new MemoryBlocks()
    const { cid } = await manifestFromTarball((async function * () { yield gz })(), { blockstore: blocks })
    // Without the archive file's own blocks (as a CAR of create's): its member is rebuilt by its recipe.
    const own = CID.decode((await loadManifest(cid, blocks)).compression!.fileCid)
    const source: BlockSource = { get: (c) => { if (c.equals(own)) throw new BlockNotFoundError(`no ${c}`); return blocks.get(c) } }
    const tree = join(dir, 'tree')
    mkdirSync(tree)
    const file = join(tree, 'big.bin')
    writeFileSync(file, content)
    let sawOpen = false
    for await (const _ of restoreArchive(cid, source, { files: directoryFiles(tree) })) {
      if (descriptorsOn(file) > 0) { sawOpen = true; break }
    }
    expect(sawOpen).toBe(true)
    expect(descriptorsOn(file)).toBe(0)
  }, 120_000)
})
