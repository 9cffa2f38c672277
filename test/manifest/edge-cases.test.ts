/** Archives that are unusual but real: duplicates, trailing bytes, no end blocks, odd members, many entries. */
import { describe, it, expect } from 'vitest'
import { MemoryBlocks, manifestFromTarball, restoreArchive, loadEntries, loadManifest, verifyManifest } from '../../src/index.js'
import { walkedTree } from '../helpers/trees.js'
import { gnuExtract, removeDir, packTar, type Header } from '../helpers/archives.js'
import { MAX_BLOCK_BYTES } from '../../src/limits.js'
import type { Entry } from '../../src/schema/types.js'

async function roundTrip (tar: Uint8Array): Promise<{ blocks: MemoryBlocks, result: Awaited<ReturnType<typeof manifestFromTarball>> }> {
  const blocks = new MemoryBlocks()
  const result = await manifestFromTarball(tar, { blockstore: blocks })
  const parts: Uint8Array[] = []
  for await (const c of restoreArchive(result.cid, blocks)) parts.push(c)
  expect(Buffer.compare(Buffer.concat(parts), Buffer.from(tar))).toBe(0)
  return { blocks, result }
}

describe('duplicates and replacement', () => {
  it('a later entry shadows an earlier one; both rebuild; the tree has the later (as GNU tar extracts)', async () => {
    const tar = await packTar([
      [{ name: 'p/a.txt' }, 'first'],
      [{ name: 'p/b.txt' }, 'b'],
      [{ name: 'p/a.txt' }, 'second version']
    ])
    const { result } = await roundTrip(tar)
    expect(result.entries.map(e => e.excluded)).toEqual(['shadowed', undefined, undefined])
    const x = gnuExtract(tar)
    try {
      expect(result.treeCid.toString()).toBe((await walkedTree(x, 'unixfs-v1-2025')).toString())
    } finally { removeDir(x) }
    // Shadowed content is linked from the archive DAG but not counted as shared with the tree.
    expect(result.counts.contentBytes - result.counts.treeContentBytes).toBe('first'.length)
  })

  it('a file replacing a directory shadows the directory and everything below it', async () => {
    const tar = await packTar([
      [{ name: 'p/dir', type: 'directory' }],
      [{ name: 'p/dir/x' }, 'x'],
      [{ name: 'p/dir' }, 'a file replaces the directory']
    ])
    const { result } = await roundTrip(tar)
    expect(result.entries.map(e => e.excluded)).toEqual(['shadowed', 'shadowed', undefined])
  })

  it('a directory entry over a directory keeps its contents', async () => {
    const tar = await packTar([[{ name: 'd', type: 'directory' }], [{ name: 'd/f' }, 'f'], [{ name: 'd', type: 'directory', mode: 0o700 }]])
    const { result } = await roundTrip(tar)
    expect(result.entries.every(e => e.excluded === undefined)).toBe(true)
  })
})

describe('paths that stay out of the tree', () => {
  it('marks unsafe, conflicting, non-UTF-8 and special entries and still rebuilds them', async () => {
    const tar = await packTar([
      [{ name: 'ok.txt' }, 'ok'],
      [{ name: '../evil.txt' }, 'evil'],
      [{ name: 'a/../../evil2.txt' }, 'evil'],
      [{ name: 'ok.txt/child' }, 'under a file'],
      [{ name: 'fifo', type: 'fifo' }],
      [{ name: 'dev', type: 'character-device', devmajor: 1, devminor: 3 }],
      [{ name: 'dangling', type: 'link', linkname: 'missing' }],
      [{ name: '/abs/file.txt' }, 'leading slash is dropped, as GNU tar does']
    ])
    const { result } = await roundTrip(tar)
    expect(result.entries.map(e => e.excluded)).toEqual([undefined, 'unsafe-path', 'unsafe-path', 'path-conflict', 'special-file', 'special-file', 'dangling-hardlink', undefined])
    expect(result.entries[5]?.devMajor).toBe(1)
  })

  it('keeps a non-UTF-8 path as bytes and out of the tree', async () => {
    const name = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from('.txt')])
    const header = Buffer.alloc(512)
    name.copy(header, 0)
    header.write('0000644\0', 100); header.write('0000000\0', 108); header.write('0000000\0', 116)
    header.write('00000000003\0', 124); header.write('14537333000\0', 136); header.write('        ', 148)
    header[156] = 0x30; header.write('ustar\x0000', 257)
    let sum = 0; for (const b of header) sum += b
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148)
    const data = Buffer.alloc(512); data.write('abc')
    const tar = new Uint8Array(Buffer.concat([header, data, Buffer.alloc(1024)]))
    const { result } = await roundTrip(tar)
    expect(result.entries[0]?.path).toEqual(new Uint8Array(name))
    expect(result.entries[0]?.excluded).toBe('non-utf8-path')
    expect(result.entries[0]?.content).toBeDefined()
  })
})

describe('archive ends', () => {
  it('keeps trailing garbage after the end-of-archive blocks', async () => {
    const base = await packTar([[{ name: 'f' }, 'data']])
    const tar = new Uint8Array(Buffer.concat([Buffer.from(base), Buffer.from('trailing garbage that is not tar')]))
    const { result } = await roundTrip(tar)
    expect(result.manifest.tar!.endOffset).toBe(1024)
    expect(result.manifest.tar!.endZeros).toBe(tar.length - 1024 - 'trailing garbage that is not tar'.length)
    expect(result.manifest.tar!.trailing).toBeDefined()
  })

  it('accepts an archive without end-of-archive blocks', async () => {
    const base = await packTar([[{ name: 'f' }, 'data']])
    const tar = base.subarray(0, 1024)
    const { result } = await roundTrip(tar)
    expect(result.manifest.tar!.endOffset).toBe(1024)
    expect(result.manifest.tar!.endZeros).toBe(0)
    expect(result.manifest.tar!.trailing).toBeUndefined()
    expect(result.entries).toHaveLength(1)
  })

  it('describes an empty input and an archive of only end blocks', async () => {
    for (const tar of [new Uint8Array(0), new Uint8Array(1024), new Uint8Array(10240)]) {
      const { result } = await roundTrip(tar)
      expect(result.entries).toHaveLength(0)
      expect(result.strippedTreeCid).toBeUndefined()
    }
  })
})

describe('entry list paging', () => {
  it('cuts a large entry list into pages under the block limit, in order', async () => {
    const members: Array<[Header, string]> = []
    for (let i = 0; i < 3000; i++) members.push([{ name: `dir/${String(i).padStart(5, '0')}-${'n'.repeat(150)}.txt` }, `file ${i}`])
    const tar = await packTar(members)
    const { blocks, result } = await roundTrip(tar)
    expect(result.manifest.entries.length).toBeGreaterThan(1)
    const manifest = await loadManifest(result.cid, blocks)
    let i = 0
    for await (const entry of loadEntries(manifest, blocks)) expect(entry.path).toBe(result.entries[i++]?.path)
    expect(i).toBe(3000)
    for (const page of manifest.entries) expect(blocks.get(page).length).toBeLessThanOrEqual(MAX_BLOCK_BYTES)
    await verifyManifest(result.cid, blocks)
  })
})

describe('review findings (docs/spec.md §17)', () => {
  it('a long PAX path and linkpath are not stored twice, so the entry fits a block', async () => {
    const long = 'dir/' + 'n'.repeat(268_000) + '-link'
    const tar = await packTar([[{ name: long, type: 'symlink', linkname: long.replace('link', 'target') }]])
    const { result } = await roundTrip(tar)
    expect(result.entries[0]?.path).toBe(long)
    expect(result.entries[0]?.pax).toBeUndefined()
  })

  it('a directory named twice and then replaced marks both directory entries shadowed', async () => {
    const tar = await packTar([[{ name: 'd', type: 'directory' }], [{ name: 'd/f' }, 'f'], [{ name: 'd', type: 'directory' }], [{ name: 'd' }, 'file now']])
    const { result } = await roundTrip(tar)
    expect(result.entries.map(e => e.excluded)).toEqual(['shadowed', 'shadowed', 'shadowed', undefined])
  })

  it('treeContentBytes counts the data of in-tree files once per entry', async () => {
    const tar = await packTar([[{ name: 'a' }, 'same'], [{ name: 'b' }, 'same'], [{ name: 'a' }, 'later']])
    const { result } = await roundTrip(tar)
    expect(result.counts.treeContentBytes).toBe('same'.length + 'later'.length)
  })

  it('a PAX keyword that is not UTF-8 is a malformed record', async () => {
    const tar = await packTar([[{ name: 'x'.repeat(120) }, 'needs a PAX path']])
    // Flip a byte of the keyword "path" in the PAX record ("NN path=...") to 0xff.
    const at = Buffer.from(tar).indexOf(Buffer.from(' path='))
    const bad = tar.slice(); bad[at + 1] = 0xff
    // Fix the PAX header's checksum is not needed: the record is data, not a header field.
    await expect(manifestFromTarball(bad)).rejects.toMatchObject({ code: 'ERR_PAX_RECORD' })
  })

  it('a PAX keyword that begins with U+FEFF is a malformed record (dag-cbor text keeps no leading U+FEFF in cborg)', async () => {
    const tar = await packTar([[{ name: 'a', pax: { '\uFEFFkey': 'v' } }, 'a']])
    await expect(manifestFromTarball(tar)).rejects.toMatchObject({ code: 'ERR_PAX_RECORD' })
  })

  it('PAX values, owner names and link targets that begin with U+FEFF round-trip and read back whole', async () => {
    const bom = '\uFEFF'
    const tar = await packTar([
      [{ name: `${bom}a`, uname: `${bom}u`, gname: bom, pax: { comment: `${bom}c`, path: `${bom}a` } }, 'a'],
      [{ name: 'l', type: 'symlink', linkname: `${bom}a`, pax: { linkpath: `${bom}a` } }]
    ])
    const { blocks, result } = await roundTrip(tar)
    const entries: Entry[] = []
    for await (const e of loadEntries(await loadManifest(result.cid, blocks), blocks)) entries.push(e as Entry)
    expect(entries.map(e => [e.path, e.linkTarget, e.uname, e.gname])).toEqual([[`${bom}a`, undefined, `${bom}u`, bom], ['l', `${bom}a`, undefined, undefined]])
    expect(entries[0]?.pax).toEqual({ comment: `${bom}c` })
    await expect(verifyManifest(result.cid, blocks)).resolves.toMatchObject({ entries: 2 })
  })

  it('verification accepts a manifest whose entry count exceeds the verifier\'s own maxEntries', async () => {
    const tar = await packTar([[{ name: 'a' }, '1'], [{ name: 'b' }, '2'], [{ name: 'c' }, '3']])
    const { blocks, result } = await roundTrip(tar)
    await expect(verifyManifest(result.cid, blocks, { limits: { maxEntries: 1 } })).resolves.toMatchObject({ entries: 3 })
  })
})
