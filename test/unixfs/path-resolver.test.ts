import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { decode, encode } from '@ipld/dag-pb'
import * as dagCbor from '@ipld/dag-cbor'
import { UnixFS } from 'ipfs-unixfs'
import { exporter } from 'ipfs-unixfs-exporter'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { getBlock, type BlockSource } from '../../src/blocks.js'
import { BlockHashMismatchError, BlockNotFoundError, InvalidUnixFSError, UnsupportedCidError } from '../../src/errors.js'
import { defaultLimits } from '../../src/limits.js'
import { manifestFromTarball } from '../../src/manifest/create.js'
import { UnpackedTree } from '../../src/manifest/tree.js'
import type { EntryType } from '../../src/schema/types.js'
import { buildDirectory, hamtSlot, type DirectoryLink } from '../../src/unixfs/directory.js'
import { importBytes } from '../../src/unixfs/file-builder.js'
import { readFile } from '../../src/unixfs/file-reader.js'
import { TreePathResolver, withBlock, type ResolvedNode } from '../../src/unixfs/path-resolver.js'
import { profiles, type Profile } from '../../src/unixfs/profile.js'
import { treePath } from '../../src/unixfs/tree-path.js'
import { seededBytes } from '../helpers/seeded.js'
import { RecordingBlockstore, profileNames } from './oracle.js'

const utf8 = new TextEncoder()

/** A block source over `store` that counts gets per CID, and can hide or corrupt chosen blocks. */
class CountingSource implements BlockSource {
  readonly gets = new Map<string, number>()
  readonly hidden = new Set<string>()
  readonly corrupted = new Set<string>()
  constructor (readonly store: RecordingBlockstore) {}
  async get (cid: CID): Promise<Uint8Array> {
    const key = cid.toString()
    this.gets.set(key, (this.gets.get(key) ?? 0) + 1)
    if (this.hidden.has(key)) throw new Error('hidden')
    const bytes = await getBlock(this.store, cid)
    if (!this.corrupted.has(key)) return bytes
    const copy = bytes.slice()
    copy[copy.length - 1]! ^= 1
    return copy
  }

  get total (): number {
    let n = 0
    for (const count of this.gets.values()) n += count
    return n
  }
}

/** One archive entry for the tree builder: a path as raw bytes and what it makes. */
interface TestEntry { type: EntryType, path: Uint8Array, content?: Uint8Array, target?: Uint8Array }

/** The tree the repo's builder (the one manifests record) makes of `entries`, applied in order. */
async function buildTree (entries: readonly TestEntry[], profile: Profile, store: RecordingBlockstore): Promise<CID> {
  const tree = new UnpackedTree(defaultLimits, () => {})
  for (const [i, entry] of entries.entries()) {
    const content = entry.content === undefined ? undefined : await importBytes(entry.content, profile, store)
    tree.add(i, { type: entry.type, path: new TextDecoder().decode(entry.path), headerOffset: 512 * i }, entry.path, entry.target, content)
  }
  return (await tree.build(profile, store)).root
}

/** What ipfs-unixfs-exporter finds at `<root>/<parts>`, in the resolver's terms; undefined when not found. */
async function exported (root: CID, parts: readonly string[], store: RecordingBlockstore): Promise<Pick<ResolvedNode, 'cid' | 'kind' | 'fileSize'> | undefined> {
  const path = [root.toString(), ...parts].join('/')
  let entry
  try {
    entry = await exporter(path, store)
  } catch (err) {
    if ((err as Error).name === 'NotFoundError') return undefined
    throw err
  }
  // exporter 16.2.2 answers `<file>/x` (one component past a dag-pb file or symlink) with the file itself;
  // its `path` then stops short of the one asked for. A path through a file names nothing.
  if (entry.path !== path) return undefined
  if (entry.type === 'directory') return { cid: entry.cid, kind: 'directory' }
  if (entry.type === 'raw') return { cid: entry.cid, kind: 'file', fileSize: Number(entry.size) }
  if (entry.type !== 'file') throw new Error(`unexpected exporter type ${entry.type}`)
  // The exporter reports a symlink as a file; its UnixFS type tells.
  if (entry.unixfs.type === 'symlink') return { cid: entry.cid, kind: 'symlink' }
  return { cid: entry.cid, kind: 'file', fileSize: Number(entry.size) }
}

async function expectSameAsExporter (resolver: TreePathResolver, rawPath: Uint8Array, store: RecordingBlockstore): Promise<ResolvedNode | undefined> {
  const ours = await resolver.resolve(rawPath)
  const parts = treePath(rawPath)
  const theirs = typeof parts === 'string' ? undefined : await exported(resolver.root, parts, store)
  const shown = (node: typeof theirs): unknown => node === undefined ? undefined : { cid: node.cid.toString(), kind: node.kind, fileSize: node.fileSize }
  expect(shown(ours), new TextDecoder().decode(rawPath)).toEqual(shown(theirs))
  return ours
}

/** Every directory and HAMT shard block under `root`, and how many of the shards are sub-shards. */
async function shardBlocks (root: CID, source: BlockSource): Promise<{ blocks: Set<string>, subShards: number }> {
  const blocks = new Set<string>()
  let subShards = 0
  const stack = [root]
  while (stack.length > 0) {
    const cid = stack.pop() as CID
    if (cid.code !== 0x70 || blocks.has(cid.toString())) continue
    const node = decode(await getBlock(source, cid))
    const type = UnixFS.unmarshal(node.Data as Uint8Array).type
    if (type !== 'directory' && type !== 'hamt-sharded-directory') continue
    blocks.add(cid.toString())
    for (const link of node.Links) {
      if (type === 'hamt-sharded-directory' && link.Name?.length === 2) subShards++
      stack.push(link.Hash)
    }
  }
  return { blocks, subShards }
}

async function directoryBlocks (root: CID, source: BlockSource): Promise<Set<string>> {
  return (await shardBlocks(root, source)).blocks
}

async function shardDepth (root: CID, source: BlockSource): Promise<number> {
  const node = decode(await getBlock(source, root))
  let depth = 1
  for (const link of node.Links) if (link.Name?.length === 2) depth = Math.max(depth, 1 + await shardDepth(link.Hash, source))
  return depth
}

async function putNode (store: RecordingBlockstore, node: Parameters<typeof encode>[0]): Promise<CID> {
  return await putBlock(store, encode(node))
}

async function putBlock (store: RecordingBlockstore, block: Uint8Array, code = 0x70): Promise<CID> {
  const cid = CID.createV1(code, await sha256.digest(block))
  store.put(cid, block)
  return cid
}

// Few names, so that entries collide (shadowing, file over directory), some of which order differently
// in UTF-16 and UTF-8 (U+FF5E sorts before U+1F600 as UTF-8 bytes, after it as UTF-16 code units), and
// enough others that directories grow past the low HAMT threshold and share slots (sub-shards).
const componentArb = fc.oneof(
  fc.constantFrom('a', 'b', 'ab', 'A', 'é', '日本', '😀', '\uFF5E', 'x y', '.hidden'),
  fc.integer({ min: 0, max: 99 }).map(i => `n${i}`)
)
const spellingArb = fc.record({
  lead: fc.constantFrom('', './', '/', './/'),
  separator: fc.constantFrom('/', '//', '/./'),
  trail: fc.constantFrom('', '/')
})
const entryArb = fc.record({
  type: fc.constantFrom<EntryType>('file', 'file', 'directory', 'symlink', 'hardlink'),
  parts: fc.array(componentArb, { minLength: 1, maxLength: 3 }),
  spelling: spellingArb,
  content: fc.uint8Array({ maxLength: 40 }),
  targetParts: fc.array(componentArb, { minLength: 1, maxLength: 3 })
})

function spell (parts: readonly string[], spelling: { lead: string, separator: string, trail: string }): Uint8Array {
  return utf8.encode(spelling.lead + parts.join(spelling.separator) + spelling.trail)
}

describe('TreePathResolver: parity with ipfs-unixfs-exporter', () => {
  for (const name of profileNames) {
    // A threshold this low shards most directories of a few entries, and some slots collide (sub-shards).
    for (const [label, profile] of [['flat', profiles[name]], ['HAMT', { ...profiles[name], hamtThreshold: 150 }]] as const) {
      it(`${name}, ${label} directories: every path of random trees resolves as the exporter resolves it`, async () => {
        let subShards = 0
        await fc.assert(fc.asyncProperty(
          fc.array(entryArb, { minLength: 1, maxLength: 40 }),
          // A crowd of files in one directory: at the low threshold, several of them share a slot.
          fc.record({ dir: fc.array(componentArb, { maxLength: 2 }), count: fc.nat({ max: 100 }) }),
          fc.array(fc.array(componentArb, { maxLength: 4 }), { maxLength: 20 }),
          async (specs, crowd, probes) => {
            const store = new RecordingBlockstore()
            const crowded: TestEntry[] = Array.from({ length: crowd.count }, (_, i) =>
              ({ type: 'file', path: utf8.encode([...crowd.dir, `m${i}`].join('/')), content: utf8.encode(String(i)) }))
            const entries: TestEntry[] = [...crowded, ...specs.map(spec => ({
              type: spec.type,
              path: spell(spec.parts, spec.spelling),
              ...(spec.type === 'file' ? { content: spec.content } : {}),
              ...(spec.type === 'symlink' || spec.type === 'hardlink' ? { target: utf8.encode(spec.targetParts.join('/')) } : {})
            }))]
            const root = await buildTree(entries, profile, store)
            subShards += (await shardBlocks(root, store)).subShards
            const resolver = new TreePathResolver(root, store)
            for (const entry of entries) await expectSameAsExporter(resolver, entry.path, store)
            // Paths the entries did not spell: their parents, random ones, paths through files and symlinks.
            for (const spec of specs) {
              await expectSameAsExporter(resolver, utf8.encode(spec.parts.slice(0, -1).join('/')), store)
              await expectSameAsExporter(resolver, utf8.encode([...spec.parts, 'a'].join('/')), store)
            }
            for (const parts of probes) await expectSameAsExporter(resolver, utf8.encode(parts.join('/')), store)
          // A fixed seed: the same trees every run, so the coverage count below is not left to chance
          // (unseeded, some runs reached only 97 sub-shards).
          }), { numRuns: 25, seed: 499 })
        // The runs did reach sub-shards (or, with the profile's own threshold, none were expected).
        if (label === 'HAMT') expect(subShards).toBeGreaterThan(100)
        else expect(subShards).toBe(0)
      })
    }

    it(`${name}: a directory just over the real sharding threshold resolves every name`, async () => {
      // As directory.test.ts's boundary cases: 4097 names of 30 bytes (v0), 4370 of 16 bytes (v1).
      const [count, nameLength] = name === 'unixfs-v0-2015' ? [4097, 30] : [4370, 16]
      const profile = profiles[name]
      const store = new RecordingBlockstore()
      const names = Array.from({ length: count }, (_, i) => `f${String(i).padStart(nameLength - 1, '0')}`)
      const links: DirectoryLink[] = []
      const expected = new Map<string, string>()
      for (const fileName of names) {
        const ref = await importBytes(utf8.encode(fileName), profile, store)
        links.push({ name: fileName, ref })
        expected.set(fileName, ref.cid.toString())
      }
      const big = await buildDirectory(links, profile, store)
      const root = await buildDirectory([{ name: 'big', ref: big }], profile, store)
      expect(UnixFS.unmarshal(decode(await getBlock(store, big.cid)).Data as Uint8Array).type).toBe('hamt-sharded-directory')
      expect(await shardDepth(big.cid, store)).toBeGreaterThanOrEqual(2)

      const source = new CountingSource(store)
      const resolver = new TreePathResolver(root.cid, source)
      for (const fileName of names) {
        const found = await resolver.resolve(utf8.encode(`big/${fileName}`))
        expect(found?.cid.toString()).toBe(expected.get(fileName))
        expect(found?.fileSize).toBe(nameLength)
      }
      expect(await resolver.resolve(utf8.encode('big/f-absent'))).toBeUndefined()
      // Each shard block once, plus each file's own block once.
      const shards = await directoryBlocks(root.cid, store)
      for (const cid of shards) expect(source.gets.get(cid)).toBe(1)
      expect(source.total).toBe(shards.size + count)
      for (const fileName of names.filter((_, i) => i % 41 === 0)) {
        await expectSameAsExporter(resolver, utf8.encode(`big/${fileName}`), store)
      }
    })

    it(`${name}: a multi-chunk file reports its size and reads back without fetching its root again`, async () => {
      const profile = profiles[name]
      const store = new RecordingBlockstore()
      const bytes = seededBytes('resolver', 2 * profile.chunkSize + 7)
      const root = await buildTree([{ type: 'file', path: utf8.encode('d/f'), content: bytes }], profile, store)
      const source = new CountingSource(store)
      const found = await new TreePathResolver(root, source).resolve(utf8.encode('./d//f/'))
      expect(found?.kind).toBe('file')
      expect(found?.fileSize).toBe(bytes.length)
      const parts: Uint8Array[] = []
      for await (const part of readFile((found as ResolvedNode).cid, withBlock(source, found as ResolvedNode))) parts.push(part)
      expect(Buffer.concat(parts).equals(bytes)).toBe(true)
      expect(source.gets.get((found as ResolvedNode).cid.toString())).toBe(1)
    })
  }

  it('the root, symlinks and absent paths', async () => {
    const profile = profiles['unixfs-v1-2025']
    const store = new RecordingBlockstore()
    const root = await buildTree([
      { type: 'symlink', path: utf8.encode('d/link'), target: utf8.encode('../elsewhere') },
      { type: 'file', path: utf8.encode('d/f'), content: utf8.encode('hello') }
    ], profile, store)
    const resolver = new TreePathResolver(root, store)
    for (const path of ['', './', '/', './/.']) {
      const found = await resolver.resolve(utf8.encode(path))
      expect(found).toEqual({ cid: root, kind: 'directory' })
    }
    const link = await resolver.resolve(utf8.encode('d/link'))
    expect(link?.kind).toBe('symlink')
    expect(UnixFS.unmarshal(decode(link?.block as Uint8Array).Data as Uint8Array).data).toEqual(utf8.encode('../elsewhere'))
    expect(link?.dagSize).toBe(link?.block?.length)
    for (const absent of ['e', 'd/g', 'd/f/x', 'd/link/x', 'd/../d/f', 'D/f']) expect(await resolver.resolve(utf8.encode(absent))).toBeUndefined()
    expect(await resolver.resolve(Uint8Array.of(0x64, 0x2f, 0xff))).toBeUndefined()
  })
})

describe('TreePathResolver: errors', () => {
  const profile = profiles['unixfs-v1-2025']

  async function sample (): Promise<{ store: RecordingBlockstore, root: CID, sub: CID, file: CID }> {
    const store = new RecordingBlockstore()
    const root = await buildTree([{ type: 'file', path: utf8.encode('d/f'), content: utf8.encode('x') }], profile, store)
    const resolver = new TreePathResolver(root, store)
    const sub = (await resolver.resolve(utf8.encode('d')) as ResolvedNode).cid
    const file = (await resolver.resolve(utf8.encode('d/f')) as ResolvedNode).cid
    return { store, root, sub, file }
  }

  it('a missing block is ERR_BLOCK_NOT_FOUND, a corrupt one ERR_BLOCK_HASH_MISMATCH', async () => {
    const { store, root, sub, file } = await sample()
    for (const cid of [root, sub, file]) {
      const hiding = new CountingSource(store)
      hiding.hidden.add(cid.toString())
      await expect(new TreePathResolver(root, hiding).resolve(utf8.encode('d/f'))).rejects.toBeInstanceOf(BlockNotFoundError)
      const corrupting = new CountingSource(store)
      corrupting.corrupted.add(cid.toString())
      await expect(new TreePathResolver(root, corrupting).resolve(utf8.encode('d/f'))).rejects.toBeInstanceOf(BlockHashMismatchError)
    }
  })

  it('a root that is not a directory is ERR_INVALID_UNIXFS', async () => {
    const { store, file } = await sample()
    const symlink = await putNode(store, { Data: new UnixFS({ type: 'symlink', data: utf8.encode('x') }).marshal(), Links: [] })
    for (const root of [file, symlink]) {
      await expect(new TreePathResolver(root, store).resolve(utf8.encode('f'))).rejects.toBeInstanceOf(InvalidUnixFSError)
      await expect(new TreePathResolver(root, store).resolve(new Uint8Array(0))).rejects.toBeInstanceOf(InvalidUnixFSError)
    }
  })

  it('malformed directories are ERR_INVALID_UNIXFS, links of other codecs ERR_UNSUPPORTED_CID', async () => {
    const { store, file } = await sample()
    const directory = (Links: Array<{ Name: string, Hash: CID }>): Parameters<typeof encode>[0] => ({ Data: new UnixFS({ type: 'directory' }).marshal(), Links })
    const shard = (Links: Array<{ Name: string, Hash: CID }>, fanout = 256n, hashType = 0x22n): Parameters<typeof encode>[0] =>
      ({ Data: new UnixFS({ type: 'hamt-sharded-directory', fanout, hashType, data: new Uint8Array(1) }).marshal(), Links })
    const slot = (name: string, depth = 0): string => hamtSlot(utf8.encode(name), depth, 8).toString(16).toUpperCase().padStart(2, '0')

    // Links out of order: encode 'a', 'b' (dag-pb's encoder insists on order), then rename 'a' to 'c' in
    // its Name field (tag 0x12, length 1).
    const sorted = encode(directory([{ Name: 'a', Hash: file }, { Name: 'b', Hash: file }]))
    const unsorted = sorted.slice()
    const nameAt = Buffer.from(sorted).indexOf(Buffer.from([0x12, 0x01, 0x61]))
    expect(nameAt).toBeGreaterThan(0)
    unsorted[nameAt + 2] = 0x63
    const cases: Array<[string, CID, string]> = [
      ['unsorted names', await putBlock(store, unsorted), 'b'],
      ['a sub-shard that is a flat directory', await putNode(store, shard([{ Name: slot('f'), Hash: await putNode(store, directory([{ Name: slot('f', 1) + 'f', Hash: file }])) }])), 'f'],
      ['a sub-shard of another fanout', await putNode(store, shard([{ Name: slot('f'), Hash: await putNode(store, shard([], 16n)) }])), 'f'],
      ['fanout 16', await putNode(store, shard([], 16n)), 'f'],
      ['another hash function', await putNode(store, shard([], 256n, 0x23n)), 'f'],
      ['a slot prefix that is not hex', await putNode(store, shard([{ Name: 'zzf', Hash: file }])), 'f'],
      ['not UnixFS', await putNode(store, { Links: [] }), 'f'],
      ['a metadata node', await putNode(store, { Data: new UnixFS({ type: 'metadata' }).marshal(), Links: [] }), 'f']
    ]
    for (const [label, root, path] of cases) {
      await expect(new TreePathResolver(root, store).resolve(utf8.encode(path)), label).rejects.toBeInstanceOf(InvalidUnixFSError)
    }
    // A well-formed shard with a sub-shard resolves (the malformed cases differ from it in one thing only).
    const good = await putNode(store, shard([{ Name: slot('f'), Hash: await putNode(store, shard([{ Name: slot('f', 1) + 'f', Hash: file }])) }]))
    expect((await new TreePathResolver(good, store).resolve(utf8.encode('f')))?.cid).toEqual(file)

    const cbor = await putBlock(store, dagCbor.encode({ a: 1 }), dagCbor.code)
    const linksCbor = await putNode(store, directory([{ Name: 'c', Hash: cbor }]))
    await expect(new TreePathResolver(linksCbor, store).resolve(utf8.encode('c'))).rejects.toBeInstanceOf(UnsupportedCidError)
  })
})

describe('TreePathResolver: fetches and memory on an archive-order walk', () => {
  const hello = readFileSync(join(import.meta.dirname, '../fixtures/real/hello-2.10.tar'))

  async function described (): Promise<{ store: RecordingBlockstore, result: Awaited<ReturnType<typeof manifestFromTarball>> }> {
    const store = new RecordingBlockstore()
    const result = await manifestFromTarball(hello, { blockstore: store })
    return { store, result }
  }

  /** Resolves every in-tree entry in archive order and checks it against the entry; returns how many were files or symlinks. */
  async function walk (resolver: TreePathResolver, { store, result }: Awaited<ReturnType<typeof described>>, afterEach?: () => void): Promise<number> {
    const entries = result.entries
    let targets = 0
    for (const entry of entries) {
      if (entry.excluded !== undefined) continue
      const path = typeof entry.path === 'string' ? utf8.encode(entry.path) : entry.path
      const found = await resolver.resolve(path)
      afterEach?.()
      const kind = entry.type === 'hardlink' ? 'file' : entry.type
      expect(found?.kind, String(entry.path)).toBe(kind)
      if (kind === 'file') {
        // The reference exporter resolves the same path in the same tree.
        expect(found?.cid.toString()).toBe((await exporter(`${result.treeCid}/${String(entry.path)}`, store)).cid.toString())
        expect(found?.fileSize).toBe(entry.type === 'file' ? entry.size : found?.fileSize)
      }
      if (found?.kind !== 'directory') targets++
    }
    return targets
  }

  it('hello-2.10.tar: each directory block is fetched once, each file root once', async () => {
    const { store, result } = await described()
    const directories = await directoryBlocks(result.treeCid, store)
    const source = new CountingSource(store)
    const resolver = new TreePathResolver(result.treeCid, source)
    const targets = await walk(resolver, { store, result })
    for (const cid of directories) expect(source.gets.get(cid) ?? 0).toBeLessThanOrEqual(1)
    expect(source.total).toBeLessThanOrEqual(directories.size + targets)
    expect(targets).toBeGreaterThan(250)
  })

  it('hello-2.10.tar: a cache budget smaller than the tree holds the budget and still resolves every path', async () => {
    const { store, result } = await described()
    const directories = await directoryBlocks(result.treeCid, store)
    const source = new CountingSource(store)
    const budget = 4096
    const resolver = new TreePathResolver(result.treeCid, source, { directoryCacheBytes: budget })
    let peak = 0
    const targets = await walk(resolver, { store, result }, () => { peak = Math.max(peak, resolver.cached.bytes) })
    expect(peak).toBeGreaterThan(0)
    expect(peak).toBeLessThanOrEqual(budget)
    // Evicted directories are fetched again: more fetches than with room for the whole tree.
    expect(source.total).toBeGreaterThan(directories.size + targets)
  })
})
