/**
 * verifyManifest checks every block the manifest reaches (entry pages, entries' own data, trailing bytes,
 * the tree and the stripped tree, HAMT shards and symlinks included) and reports all that are missing or
 * damaged, each with the parts of the manifest that link it, instead of stopping at the first.
 */
import { describe, it, expect, beforeAll } from 'vitest'
import * as dagPb from '@ipld/dag-pb'
import type { CID } from 'multiformats/cid'
import { MemoryBlocks, manifestFromTarball, verifyManifest, type BlockProblem, type Manifest, type ManifestResult, type Entry } from '../../src/index.js'
import { packTar, patternBytes } from '../helpers/archives.js'
import { tampered } from '../helpers/blocks.js'

/** The CID a directory (flat) links under `name`. */
function child (blocks: MemoryBlocks, dir: CID, name: string): CID {
  const link = dagPb.decode(blocks.get(dir)).Links.find(l => l.Name === name)
  if (link === undefined) throw new Error(`no ${name} in ${dir}`)
  return link.Hash
}

async function problemsOf (cid: CID, blocks: MemoryBlocks): Promise<BlockProblem[]> {
  const err = await verifyManifest(cid, blocks).then(() => undefined, (e: unknown) => e)
  expect(err).toMatchObject({ code: 'ERR_VERIFY_FAILED' })
  return (err as { problems: BlockProblem[] }).problems
}

// 3,000 entries: two entry pages, and under v0-2015 a HAMT-sharded directory with sub-shards. Names that differ in their first bytes: front coding cannot shorten them, so the records fill two pages.
const many = Array.from({ length: 3000 }, (_, i) => `pkg/many/${String(i).padStart(4, '0')}-${'n'.repeat(100)}`)
let full: MemoryBlocks
let result: ManifestResult<Entry>
let m: Manifest

beforeAll(async () => {
  const tar = await packTar([
    [{ name: 'pkg/', type: 'directory' }],
    [{ name: 'pkg/README', type: 'file' }, 'read me\n'],
    [{ name: 'pkg/data.bin', type: 'file' }, patternBytes(3_000_000, 9)],
    [{ name: 'pkg/src/deep/main.c', type: 'file' }, 'int main(void) { return 0; }\n'],
    [{ name: 'pkg/latest', type: 'symlink', linkname: 'README' }],
    ...many.map((name, i): [{ name: string, type: 'file' }, string] => [{ name, type: 'file' }, `file ${i}\n`])
  ])
  full = new MemoryBlocks()
  result = await manifestFromTarball(tar, { blockstore: full, profile: 'unixfs-v0-2015' })
  m = result.manifest
})

describe('verifyManifest reports every missing or damaged block reachable from the manifest', () => {
  it('the intact store verifies, and its report counts the blocks', async () => {
    const report = await verifyManifest(result.cid, full)
    expect(report.problems).toEqual([])
    // Every block the manifest reaches is in the store (create puts only reachable blocks).
    expect(report.blocks).toBe(full.size)
  })

  it('(a) the tree root block is missing', async () => {
    expect(await problemsOf(result.cid, tampered(full, { drop: [m.tree.root] }))).toEqual([
      { cid: m.tree.root.toString(), code: 'ERR_BLOCK_NOT_FOUND', message: expect.any(String), where: ['tree'] }
    ])
  })

  it('(b) the tree root block is corrupt', async () => {
    expect(await problemsOf(result.cid, tampered(full, { flip: [m.tree.root] }))).toEqual([
      { cid: m.tree.root.toString(), code: 'ERR_BLOCK_HASH_MISMATCH', message: expect.any(String), where: ['tree'] }
    ])
  })

  it('(c) a leaf deep in a file DAG is missing (named by its file and byte offset)', async () => {
    const data = child(full, child(full, m.tree.root, 'pkg'), 'data.bin')
    const leaf = (dagPb.decode(full.get(data)).Links[3] as dagPb.PBLink).Hash
    expect(await problemsOf(result.cid, tampered(full, { drop: [leaf] }))).toEqual([
      { cid: leaf.toString(), code: 'ERR_BLOCK_NOT_FOUND', message: expect.any(String), where: [`tree/pkg/data.bin at byte ${3 * 262144}`] }
    ])
  })

  it('(d) the stripped tree root is missing', async () => {
    const stripped = m.tree.stripped as CID
    expect(stripped.toString()).toBe(child(full, m.tree.root, 'pkg').toString())
    expect(await problemsOf(result.cid, tampered(full, { drop: [stripped] }))).toEqual([
      { cid: stripped.toString(), code: 'ERR_BLOCK_NOT_FOUND', message: expect.any(String), where: ['tree/pkg', 'stripped tree'] }
    ])
  })

  it('(e) an entry page is missing', async () => {
    expect(m.entries.length).toBeGreaterThan(1)
    const page = m.entries[1] as CID
    expect(await problemsOf(result.cid, tampered(full, { drop: [page] }))).toEqual([
      { cid: page.toString(), code: 'ERR_BLOCK_NOT_FOUND', message: expect.any(String), where: ['entries page 1'] }
    ])
  })

  it('a HAMT sub-shard, a symlink node and a file block linked from several places, all in one report', async () => {
    const pkg = m.tree.stripped as CID
    const shardRoot = child(full, pkg, 'many')
    const subShard = dagPb.decode(full.get(shardRoot)).Links.find(l => l.Name?.length === 2) as dagPb.PBLink
    const symlink = child(full, pkg, 'latest')
    const readme = child(full, pkg, 'README')
    const problems = await problemsOf(result.cid, tampered(full, { drop: [subShard.Hash, readme], flip: [symlink] }))
    expect(problems.map(p => [p.code, p.cid, p.where])).toEqual([
      // Format 2: an in-tree file is reached through the tree only (its record names no content, the view is not linked).
      ['ERR_BLOCK_NOT_FOUND', readme.toString(), ['tree/pkg/README']],
      ['ERR_BLOCK_HASH_MISMATCH', symlink.toString(), ['tree/pkg/latest']],
      ['ERR_BLOCK_NOT_FOUND', subShard.Hash.toString(), [`tree/pkg/many (HAMT shard ${subShard.Name as string})`]]
    ])
  })

  it('the manifest root itself missing is the plain ERR_BLOCK_NOT_FOUND (nothing else can be read)', async () => {
    await expect(verifyManifest(result.cid, tampered(full, { drop: [result.cid] }))).rejects.toMatchObject({ code: 'ERR_BLOCK_NOT_FOUND' })
  })
})
