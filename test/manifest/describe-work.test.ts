/**
 * Work per entry while a tar is described and its entries listed (#16): counted, never timed. Each count
 * is of a step a description used to repeat for every entry although its outcome was already known.
 */
import { createHook } from 'node:async_hooks'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { packTar } from '../helpers/archives.js'

const MEMBERS = 40

/** A directory of `members - 1` small files (owned by user and group `owner`, when given). */
async function tarOfFiles (members = MEMBERS, owner?: string): Promise<Uint8Array> {
  return await packTar([
    [{ name: 'pkg/', type: 'directory' }],
    ...Array.from({ length: members - 1 }, (_, i): [{ name: string }, string] => [{ name: `pkg/file-${i}.txt` }, `content ${i}\n`])
  ], owner === undefined ? {} : { uname: owner, gname: owner })
}

afterEach(() => {
  vi.doUnmock('../../src/archive/tar/style/encode.js')
  vi.doUnmock('../../src/schema/validate.generated.js')
  vi.doUnmock('multiformats/hashes/sha2')
  vi.doUnmock('../../src/digest/node-crypto.js')
  vi.doUnmock('@ipld/dag-cbor')
  vi.resetModules()
})

describe('describing a tar', () => {
  it('writes each member\'s header once: listing the entries reuses the lengths the description measured', async () => {
    vi.resetModules()
    let writes = 0
    vi.doMock('../../src/archive/tar/style/encode.js', async (load) => {
      const real = await load<typeof import('../../src/archive/tar/style/encode.js')>()
      return { ...real, writeMemberHeaders: (...args: Parameters<typeof real.writeMemberHeaders>) => { writes++; return real.writeMemberHeaders(...args) } }
    })
    const { manifestFromTarball } = await import('../../src/index.js')
    const result = await manifestFromTarball(await tarOfFiles())
    const described = writes
    expect(described).toBeGreaterThanOrEqual(MEMBERS)
    expect(result.entries.map(e => e.dataOffset - e.headerOffset)).toEqual(Array(MEMBERS).fill(512))
    expect(writes - described).toBe(0)
  })

  it('makes no promise per entry where nothing waits (hashing in Node, a store that answers at once)', async () => {
    const { manifestFromTarball, MemoryBlocks } = await import('../../src/index.js')
    const promisesFor = async (files: number, blockstore?: InstanceType<typeof MemoryBlocks>): Promise<number> => {
      const tar = await tarOfFiles(files)
      let promises = 0
      const hook = createHook({ init (_id, type) { if (type === 'PROMISE') promises++ } })
      hook.enable()
      try {
        await manifestFromTarball(tar, blockstore === undefined ? {} : { blockstore })
      } finally {
        hook.disable()
      }
      return promises
    }
    for (const store of [undefined, 'memory'] as const) {
      const few = await promisesFor(MEMBERS, store === undefined ? undefined : new MemoryBlocks())
      const more = await promisesFor(2 * MEMBERS, store === undefined ? undefined : new MemoryBlocks())
      // The description as a whole makes a few (the stream, the digests, each directory, the pages); the
      // members in one directory make none: there were 58 a member.
      expect(more - few).toBeLessThan(5)
    }
  })

  it('checks the values of the records it builds, not their shape against the schema again', async () => {
    vi.resetModules()
    let shapeChecks = 0
    vi.doMock('../../src/schema/validate.generated.js', async (load) => {
      const real = await load<typeof import('../../src/schema/validate.generated.js')>()
      const toTyped = real.EntryRecord.toTyped
      return { ...real, EntryRecord: { ...real.EntryRecord, toTyped: (value: unknown) => { shapeChecks++; return toTyped(value) } } }
    })
    const { manifestFromTarball } = await import('../../src/index.js')
    const { encodeEntryRecord } = await import('../../src/codec/manifest-codec.js')
    await manifestFromTarball(await tarOfFiles())
    expect(shapeChecks).toBe(0)
    // A record from elsewhere is still checked against the schema.
    expect(() => encodeEntryRecord({ p: 7 } as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_MANIFEST' }))
    expect(shapeChecks).toBe(1)
  })

  it('decodes a member\'s path as UTF-8 once (its name), not again for its record\'s new suffix, the tree or the prefix', async () => {
    const decodesFor = async (files: number): Promise<number> => await callsWhileDescribing(TextDecoder.prototype, 'decode', files)
    const few = await decodesFor(MEMBERS)
    // There were four a member, then two (the record's suffix of an ASCII path is a slice of the name).
    expect(await decodesFor(2 * MEMBERS) - few).toBeLessThanOrEqual(MEMBERS)
  })

  it('lists the entries without decoding an ASCII path or an owner name the entry before had', async () => {
    const { manifestFromTarball } = await import('../../src/index.js')
    const decodesFor = async (files: number): Promise<number> => {
      const result = await manifestFromTarball(await tarOfFiles(files, 'builder'))
      const original = TextDecoder.prototype.decode
      let calls = 0
      TextDecoder.prototype.decode = function (this: TextDecoder, ...args: Parameters<TextDecoder['decode']>) { calls++; return original.apply(this, args) }
      try {
        expect(result.entries.map(e => [e.uname, e.gname])).toEqual(Array(files).fill(['builder', 'builder']))
      } finally {
        TextDecoder.prototype.decode = original
      }
      return calls
    }
    const few = await decodesFor(MEMBERS)
    // There were three a member (path, uname, gname).
    expect(await decodesFor(2 * MEMBERS) - few).toBe(0)
  })

  it('builds no list to check a record\'s values or to place its path in the tree', async () => {
    for (const method of ['filter', 'flat', 'slice'] as const) {
      const few = await callsWhileDescribing(Array.prototype, method, MEMBERS)
      const more = await callsWhileDescribing(Array.prototype, method, 2 * MEMBERS)
      // There was one of each a member (checkRecordValues' flat, treePathOfText's filter, #parentOf's slice).
      expect(more - few).toBe(0)
    }
  })

  it('makes each file\'s CID for the tree from the bytes it kept, without decoding them as a CID', async () => {
    const { CID } = await import('multiformats/cid')
    const decodesFor = async (files: number): Promise<number> => await callsWhileDescribing(CID, 'decode', files)
    const few = await decodesFor(MEMBERS)
    // There was one a file (DagRefTable.get, as the tree is built).
    expect(await decodesFor(2 * MEMBERS) - few).toBe(0)
  })

  it('lists the entries decoding a page of records at a time, not each record alone', async () => {
    vi.resetModules()
    let decodes = 0
    vi.doMock('@ipld/dag-cbor', async (load) => {
      const real = await load<typeof import('@ipld/dag-cbor')>()
      return { ...real, decode: (...args: Parameters<typeof real.decode>) => { decodes++; return real.decode(...args) } }
    })
    const { manifestFromTarball } = await import('../../src/index.js')
    const decodesFor = async (files: number): Promise<number> => {
      const result = await manifestFromTarball(await tarOfFiles(files))
      const before = decodes
      expect(result.entries).toHaveLength(files)
      return decodes - before
    }
    const few = await decodesFor(MEMBERS)
    // There was one a member.
    expect(await decodesFor(2 * MEMBERS) - few).toBe(0)
  })

  it('names each block\'s CID from one array of its bytes, not through CID.create (which lays them out again)', async () => {
    const { CID } = await import('multiformats/cid')
    const createsFor = async (files: number): Promise<number> => await callsWhileDescribing(CID, 'create', files)
    const few = await createsFor(MEMBERS)
    // There were two a file (its leaf and the segment leaf of its header in the tar's view).
    expect(await createsFor(2 * MEMBERS) - few).toBe(0)
  })

  it('hashes each block in one call, with no Hash object a block (Node\'s one-shot hash)', async () => {
    const crypto = process.getBuiltinModule('node:crypto')
    const hashObjectsFor = async (files: number): Promise<number> => await callsWhileDescribing(crypto, 'createHash', files)
    const few = await hashObjectsFor(MEMBERS)
    // There were two a file (its leaf and the segment leaf of its header in the tar's view).
    expect(await hashObjectsFor(2 * MEMBERS) - few).toBe(0)
  })

  it('gives back the CIDs it kept, equal to CID.decode\'s of their bytes, for any CID', async () => {
    const { CID } = await import('multiformats/cid')
    const { sha256, sha512 } = await import('multiformats/hashes/sha2')
    const { identity } = await import('multiformats/hashes/identity')
    const { DagRefTable } = await import('../../src/manifest/dag-ref-table.js')
    const bytes = new TextEncoder().encode('content')
    const cids = [
      CID.createV0(await sha256.digest(bytes)), // dag-pb v0
      CID.createV1(0x70, await sha256.digest(bytes)),
      CID.createV1(0x55, await sha256.digest(bytes)),
      CID.createV1(0x0129, await sha256.digest(bytes)), // a two-byte codec (dag-json)
      CID.createV1(0x55, await sha512.digest(bytes)),
      CID.createV1(0x55, identity.digest(bytes))
    ]
    const table = new DagRefTable()
    const rows = cids.map((cid, i) => table.add({ cid, dagSize: i, fileSize: 2 * i }))
    for (const [i, cid] of cids.entries()) {
      const got = table.get(rows[i] as number)
      expect(got).toEqual({ cid: CID.decode(cid.bytes), dagSize: i, fileSize: 2 * i })
      expect(got.cid.toString()).toBe(cid.toString())
      expect(got.cid.multihash.bytes).toEqual(cid.multihash.bytes)
    }
  })

  it('stores each directory of the tree once: the stripped root is the root\'s only directory, not built again', async () => {
    const tar = await packTar([
      [{ name: 'pkg/', type: 'directory' }],
      [{ name: 'pkg/sub/', type: 'directory' }],
      ...Array.from({ length: 5 }, (_, i): [{ name: string }, string] => [{ name: `pkg/sub/file-${i}.txt` }, `content ${i}\n`])
    ])
    const { manifestFromTarball } = await import('../../src/index.js')
    const puts = new Map<string, number>()
    const result = await manifestFromTarball(tar, { blockstore: { put: (cid) => { puts.set(cid.toString(), (puts.get(cid.toString()) ?? 0) + 1) } } })
    expect(result.strippedTreeCid).toBeDefined()
    // Every block of this archive differs from every other (distinct contents, names and depths).
    expect([...puts].filter(([, n]) => n > 1)).toEqual([])
  })

  it('where steps do wait (a store that answers later, hashing through promises): the same manifest and blocks', async () => {
    const tar = await packTar([
      [{ name: 'pkg/', type: 'directory' }],
      [{ name: 'pkg/big.bin' }, new Uint8Array(700_000).map((_, i) => (i * 7919) % 251)],
      ...Array.from({ length: 30 }, (_, i): [{ name: string }, string] => [{ name: `pkg/f${i}.txt` }, `file ${i}\n`]),
      [{ name: 'pkg/link', type: 'symlink', linkname: 'f1.txt' }]
    ])
    const profile = 'unixfs-v0-2015' // 256 KiB chunks: the big file has parents
    const { manifestFromTarball, MemoryBlocks } = await import('../../src/index.js')
    const now = new MemoryBlocks()
    const expected = await manifestFromTarball(tar, { profile, blockstore: now })

    vi.resetModules()
    vi.doMock('multiformats/hashes/sha2', async (load) => {
      const real = await load<typeof import('multiformats/hashes/sha2')>()
      return { ...real, sha256: { ...real.sha256, code: real.sha256.code, digest: async (bytes: Uint8Array) => await real.sha256.digest(bytes) } }
    })
    vi.doMock('../../src/digest/node-crypto.js', async (load) => {
      // A runtime without the one-shot hash (as browsers have no Node crypto): blockCid goes through sha256.digest.
      const real = await load<typeof import('../../src/digest/node-crypto.js')>()
      return { nodeCrypto: real.nodeCrypto === undefined ? undefined : { createHash: real.nodeCrypto.createHash } }
    })
    const fresh = await import('../../src/index.js')
    const later = new fresh.MemoryBlocks()
    const slowStore = {
      put: async (cid: Parameters<typeof later.put>[0], bytes: Uint8Array) => {
        await new Promise(resolve => setImmediate(resolve))
        later.put(cid, bytes)
      }
    }
    const result = await fresh.manifestFromTarball(tar, { profile, blockstore: slowStore })
    expect(result.cid.toString()).toBe(expected.cid.toString())
    expect(result.entries).toEqual(expected.entries)
    const cids = (blocks: InstanceType<typeof MemoryBlocks>): string[] => [...blocks.entries()].map(([cid]) => cid.toString()).sort()
    expect(cids(later)).toEqual(cids(now))
  })
})

/** How many times `target[name]` is called while a tar of `files` small files is described. */
async function callsWhileDescribing<T extends object> (target: T, name: keyof T & string, files: number): Promise<number> {
  const { manifestFromTarball } = await import('../../src/index.js')
  const tar = await tarOfFiles(files)
  const original = target[name] as (...args: unknown[]) => unknown
  let calls = 0
  // A function (not an arrow): a prototype's method is called with the instance as `this`.
  ;(target as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) { calls++; return original.apply(this, args) }
  try {
    await manifestFromTarball(tar)
  } finally {
    (target as Record<string, unknown>)[name] = original
  }
  return calls
}
