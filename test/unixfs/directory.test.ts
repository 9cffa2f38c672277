import { describe, it, expect } from 'vitest'
import { decode } from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { exporter } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'
import { getBlock, type BlockSource } from '../../src/blocks.js'
import { InvalidUnixFSError } from '../../src/errors.js'
import { buildDirectory, buildSymlink, emptyDirectory, type DirectoryLink } from '../../src/unixfs/directory.js'
import { importBytes } from '../../src/unixfs/file-builder.js'
import { readDirectory, readSymlinkTarget } from '../../src/unixfs/file-reader.js'
import { profiles, type Profile, type ProfileName } from '../../src/unixfs/profile.js'
import { seededBytes } from '../helpers/seeded.js'
import { RecordingBlockstore, importerDirectory, importerRoot, profileNames } from './oracle.js'

interface File { name: string, content: Uint8Array }

/** Our directory of `files` (each imported as a file), in the given profile. */
async function ours (files: File[], profile: Profile): Promise<{ cid: CID, store: RecordingBlockstore }> {
  const store = new RecordingBlockstore()
  const links: DirectoryLink[] = []
  for (const { name, content } of files) links.push({ name, ref: await importBytes(content, profile, store) })
  const { cid } = await buildDirectory(links, profile, store)
  return { cid, store }
}

async function nodeType (source: BlockSource, cid: CID): Promise<string> {
  return UnixFS.unmarshal(decode(await getBlock(source, cid)).Data as Uint8Array).type
}

/** Height of the HAMT under `cid` (1: no sub-shards). */
async function shardDepth (source: BlockSource, cid: CID): Promise<number> {
  const node = decode(await getBlock(source, cid))
  let depth = 1
  for (const link of node.Links) {
    if (link.Name?.length === 2) depth = Math.max(depth, 1 + await shardDepth(source, link.Hash))
  }
  return depth
}

/** Empty files named by zero-padded numbers, every name `length` characters. */
function emptyFiles (count: number, length: number): File[] {
  return Array.from({ length: count }, (_, i) => ({ name: `f${String(i).padStart(length - 1, '0')}`, content: new Uint8Array(0) }))
}

async function expectParity (files: File[], name: ProfileName, profile: Profile = profiles[name]): Promise<{ cid: CID, store: RecordingBlockstore }> {
  const expected = profile === profiles[name]
    ? await importerDirectory(files, name)
    : await importerRoot(files.map(({ name, content }) => ({ path: `d/${name}`, content })), name, { shardSplitThresholdBytes: profile.hamtThreshold })
  const actual = await ours(files, profile)
  expect(actual.cid.toString()).toBe(expected.cid.toString())
  expect([...actual.store.cids].sort()).toEqual([...expected.store.cids].sort())
  return actual
}

describe('buildDirectory: parity with ipfs-unixfs-importer', () => {
  it('empty directory known CIDs', async () => {
    expect((await emptyDirectory(profiles['unixfs-v0-2015'], new RecordingBlockstore())).cid.toString()).toBe('QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn')
    expect((await emptyDirectory(profiles['unixfs-v1-2025'], new RecordingBlockstore())).cid.toString()).toBe('bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354')
  })

  for (const name of profileNames) {
    it(`${name}: flat directory of files of several sizes and unicode names, given unsorted`, async () => {
      const chunk = profiles[name].chunkSize
      const files: File[] = [
        { name: 'zeta', content: seededBytes('z', 10) },
        { name: 'É', content: seededBytes('e', chunk + 3) },
        { name: 'a b', content: new Uint8Array(0) },
        { name: '日本語', content: seededBytes('j', 1) },
        { name: '😀', content: seededBytes('s', 700) },
        { name: 'Zeta', content: seededBytes('Z', 10) },
        { name: 'e\u0301', content: seededBytes('e2', 5) }
      ]
      const { cid, store } = await expectParity(files, name)
      expect(await nodeType(store, cid)).toBe('directory')
    })

    it(`${name}: nested directories`, async () => {
      const profile = profiles[name]
      const store = new RecordingBlockstore()
      const file = await importBytes(seededBytes('n', 300), profile, store)
      const sub = await buildDirectory([{ name: 'x', ref: file }], profile, store)
      const root = await buildDirectory([{ name: 'sub', ref: sub }, { name: 'y', ref: file }], profile, store)
      const expected = await importerRoot([
        { path: 'd/sub/x', content: seededBytes('n', 300) },
        { path: 'd/y', content: seededBytes('n', 300) }
      ], name)
      expect(root.cid.toString()).toBe(expected.cid.toString())
    })

    it(`${name}: symlink`, async () => {
      const store = new RecordingBlockstore()
      const link = await buildSymlink(new TextEncoder().encode('../some/target'), profiles[name], store)
      const expected = await importerRoot([{ path: 's', link: '../some/target' } as never], name)
      expect(link.cid.toString()).toBe(expected.cid.toString())
      expect(new TextDecoder().decode(await readSymlinkTarget(link.cid, store))).toBe('../some/target')
    })
  }

  // The sharding boundary, computed from the profile's measure and checked against the importer's choice:
  // links-bytes (v0): n × (30 name bytes + 34 CIDv0 bytes) = 262144 at n = 4096;
  // block-bytes (v1): 4 + n × 60 (link of CIDv1 36 + name 16 + Tsize 0) = 262144 at n = 4369.
  const boundaries: Array<[ProfileName, number, number]> = [['unixfs-v0-2015', 4096, 30], ['unixfs-v1-2025', 4369, 16]]
  for (const [name, atThreshold, nameLength] of boundaries) {
    for (const count of [atThreshold - 1, atThreshold, atThreshold + 1]) {
      it(`${name}: ${count} entries is ${count > atThreshold ? 'sharded' : 'flat'}`, async () => {
        const { cid, store } = await expectParity(emptyFiles(count, nameLength), name)
        expect(await nodeType(store, cid)).toBe(count > atThreshold ? 'hamt-sharded-directory' : 'directory')
        if (count > atThreshold) expect(await shardDepth(store, cid)).toBeGreaterThanOrEqual(3)
      })
    }
  }

  for (const name of profileNames) {
    it(`${name}: HAMT with unicode names and files of several sizes (low threshold)`, async () => {
      const profile: Profile = { ...profiles[name], hamtThreshold: 2000 }
      const files: File[] = Array.from({ length: 600 }, (_, i) => ({
        name: `${['ä', '日', '😀', 'x'][i % 4]}-${i}`,
        content: seededBytes(`u${i}`, i % 7 === 0 ? profile.chunkSize + i : i)
      }))
      const { cid, store } = await expectParity(files, name, profile)
      expect(await nodeType(store, cid)).toBe('hamt-sharded-directory')
      expect(await shardDepth(store, cid)).toBeGreaterThanOrEqual(2)
    })
  }

  it('rejects duplicate, empty and slash names', async () => {
    const profile = profiles['unixfs-v1-2025']
    const store = new RecordingBlockstore()
    const ref = await importBytes(new Uint8Array(1), profile, store)
    for (const names of [['a', 'b', 'a'], [''], ['a/b']]) {
      await expect(buildDirectory(names.map(name => ({ name, ref })), profile, store)).rejects.toBeInstanceOf(InvalidUnixFSError)
    }
  })
})

describe('readDirectory', () => {
  for (const name of profileNames) {
    for (const [label, profile] of [['flat', profiles[name]], ['HAMT', { ...profiles[name], hamtThreshold: 1000 }]] as const) {
      it(`${name}: ${label} listing matches the exporter`, async () => {
        const store = new RecordingBlockstore()
        const file = await importBytes(seededBytes('f', 2 * profile.chunkSize + 1), profile, store)
        const sub = await emptyDirectory(profile, store)
        const link = await buildSymlink(new TextEncoder().encode('t'), profile, store)
        const links: DirectoryLink[] = [{ name: 'sub', ref: sub }, { name: 'ln', ref: link }]
        for (let i = 0; i < 200; i++) links.push({ name: `file-ü-${i}`, ref: file })
        const dir = await buildDirectory(links, profile, store)
        expect(await nodeType(store, dir.cid)).toBe(label === 'flat' ? 'directory' : 'hamt-sharded-directory')

        const listed = []
        for await (const entry of readDirectory(dir.cid, store)) listed.push([entry.name, entry.cid.toString(), entry.kind])
        const exported = []
        const root = await exporter(dir.cid, store)
        if (root.type !== 'directory') throw new Error('not a directory')
        for await (const entry of root.entries()) {
          const child = await exporter(entry.cid, store)
          // The exporter reports a symlink as type 'file'; its UnixFS type tells.
          const symlink = 'unixfs' in child && child.unixfs.type === 'symlink'
          exported.push([entry.name, entry.cid.toString(), symlink ? 'symlink' : child.type === 'raw' ? 'file' : child.type])
        }
        expect(listed.sort()).toEqual(exported.sort())
        expect(listed.length).toBe(links.length)
      })
    }
  }
})
