/**
 * extractTree's permission bits against GNU tar's extraction of the same tar: a hardlink is its target's
 * inode, so it has the target's mode as the target was when the link was made, whatever its own header says.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { lstatSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { MemoryBlocks, manifestFromTarball } from '../../src/index.js'
import { extractTree } from '../../src/node/extract.js'
import { gnuExtract, pythonTar, removeDir, tempDir } from '../helpers/archives.js'

let dir: string
beforeAll(() => { dir = tempDir('iam-extract-modes-') })
afterAll(() => { removeDir(dir) })

/** Permission bits (and file contents) of every path under `root`, by relative path. */
function modes (root: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of readdirSync(root, { recursive: true }) as string[]) {
    const info = lstatSync(join(root, name))
    out[name] = `${(info.mode & 0o777).toString(8)}${info.isFile() ? ` ${readFileSync(join(root, name), 'utf8')}` : ''}`
  }
  return out
}

describe('extractTree gives a hardlink its target\'s mode, as GNU tar does', () => {
  it('hardlink headers whose mode differs from their target\'s; a target replaced after the link; a link to a link', async () => {
    const tar = join(dir, 'links.tar')
    pythonTar(tar, [
      { name: 'top/', type: 'dir' },
      { name: 'top/a', data: 'A', mode: 0o750 },
      { name: 'top/link', type: 'hardlink', link: 'top/a', mode: 0o604 },
      { name: 'top/b', data: 'B', mode: 0o700 },
      { name: 'top/hb', type: 'hardlink', link: 'top/b', mode: 0o666 },
      // Replaces top/b with a new file (GNU tar unlinks it first): top/hb keeps the old one, and its mode.
      { name: 'top/b', data: 'B2', mode: 0o640 },
      { name: 'top/hh', type: 'hardlink', link: 'top/link', mode: 0o611 }
    ])
    const bytes = new Uint8Array(readFileSync(tar))
    const reference = gnuExtract(bytes, ['--same-permissions'])
    try {
      const expected = modes(reference)
      expect(expected).toMatchObject({ 'top/link': '750 A', 'top/hb': '700 B', 'top/b': '640 B2', 'top/hh': '750 A' })
      const blocks = new MemoryBlocks()
      const { cid } = await manifestFromTarball(bytes, { blockstore: blocks })
      const out = join(dir, 'whole')
      await extractTree(cid, blocks, out)
      expect(modes(out)).toEqual(expected)
      const stripped = join(dir, 'stripped')
      await extractTree(cid, blocks, stripped, { strip: true })
      expect(modes(stripped)).toEqual(modes(join(reference, 'top')))
    } finally { removeDir(reference) }
  })
})
