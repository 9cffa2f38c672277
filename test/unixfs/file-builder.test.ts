import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { discardBlocks } from '../../src/blocks.js'
import { FileDagBuilder, importBytes } from '../../src/unixfs/file-builder.js'
import { profiles } from '../../src/unixfs/profile.js'
import { seededBytes } from '../helpers/seeded.js'
import { RecordingBlockstore, importerFile, profileNames, splitAt } from './oracle.js'

async function ours (pieces: Uint8Array[], profile: (typeof profileNames)[number]): Promise<{ cid: string, store: RecordingBlockstore, fileSize: number }> {
  const store = new RecordingBlockstore()
  const builder = new FileDagBuilder(profiles[profile], store)
  for (const piece of pieces) await builder.write(piece)
  const ref = await builder.finish()
  return { cid: ref.cid.toString(), store, fileSize: ref.fileSize }
}

describe('FileDagBuilder: parity with ipfs-unixfs-importer', () => {
  for (const name of profileNames) {
    const { chunkSize, fileWidth } = profiles[name]
    const sizes: Array<[string, number]> = [
      ['empty', 0], ['1 byte', 1], ['chunkSize-1', chunkSize - 1], ['chunkSize', chunkSize], ['chunkSize+1', chunkSize + 1],
      ['3 chunks', 3 * chunkSize]
    ]
    // width×chunkSize(+1) under v1-2025 is 1 GiB: its width boundary is covered in balanced.test.ts.
    if (name === 'unixfs-v0-2015') sizes.push(['width×chunkSize', fileWidth * chunkSize], ['width×chunkSize+1', fileWidth * chunkSize + 1])

    for (const [label, size] of sizes) {
      it(`${name}: ${label} (${size} B): same root and same blocks`, async () => {
        const bytes = seededBytes(`${name}-${label}`, size)
        const expected = await importerFile([bytes], name)
        const actual = await ours([bytes], name)
        expect(actual.cid).toBe(expected.cid.toString())
        expect(actual.fileSize).toBe(size)
        expect([...actual.store.cids].sort()).toEqual([...expected.store.cids].sort())
        expect((await importBytes(bytes, profiles[name], new RecordingBlockstore())).cid.toString()).toBe(expected.cid.toString())
      })
    }

    it(`${name}: input in odd pieces gives the importer's CID, blocks kept or not (property)`, async () => {
      await fc.assert(fc.asyncProperty(
        fc.integer({ min: 0, max: 3 * chunkSize + 17 }),
        fc.array(fc.integer({ min: 0, max: 3 * chunkSize + 17 }), { maxLength: 12 }),
        fc.string(),
        async (size, cuts, seed) => {
          const bytes = seededBytes(seed, size)
          const pieces = splitAt(bytes, cuts)
          const expected = await importerFile([bytes], name)
          expect((await ours(pieces, name)).cid).toBe(expected.cid.toString())
          // Not kept: a chunk across pieces is hashed over them (raw leaves) instead of joined.
          const discarded = new FileDagBuilder(profiles[name], discardBlocks)
          for (const piece of pieces) await discarded.write(piece)
          expect((await discarded.finish()).cid.toString()).toBe(expected.cid.toString())
        }
      ), { numRuns: 25 })
    })
  }

  it('whole chunks inside one piece are not copied (raw leaves are the input itself)', async () => {
    const profile = profiles['unixfs-v1-2025']
    const bytes = seededBytes('no-copy', 2 * profile.chunkSize + 5)
    const blocks: Uint8Array[] = []
    const builder = new FileDagBuilder(profile, { put (_cid, block) { blocks.push(block) } })
    await builder.write(bytes)
    await builder.finish()
    expect(blocks[0]?.buffer).toBe(bytes.buffer)
    expect(blocks[1]?.buffer).toBe(bytes.buffer)
    expect(blocks[2]?.buffer).toBe(bytes.buffer)
  })
})

describe('known CIDs (NOTES §3)', () => {
  const known: Array<[string, (typeof profileNames)[number], Uint8Array]> = [
    ['QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN', 'unixfs-v0-2015', new TextEncoder().encode('hello\n')],
    ['Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD', 'unixfs-v0-2015', new TextEncoder().encode('hello world')],
    ['bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e', 'unixfs-v1-2025', new TextEncoder().encode('hello world')],
    ['QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH', 'unixfs-v0-2015', new Uint8Array(0)],
    ['bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku', 'unixfs-v1-2025', new Uint8Array(0)],
    ['QmYyLxtzZyW22zpoVAtKANLRHpDjZtNeDjQdJrcQNWoRkJ', 'unixfs-v0-2015', seededBytes('chunk-v0-seed', 262145)],
    ['QmV81WL765sC8DXsRhE5fJv2rwhS4icHRaf3J9Zk5FdRnW', 'unixfs-v0-2015', seededBytes('v0-seed', 174 * 262144 + 1)],
    ['bafybeigmix7t42i6jacydtquhet7srwvgpizfg7gjbq7627d35mjomtu64', 'unixfs-v1-2025', seededBytes('chunk-v1-seed', 1048577)]
  ]
  for (const [cid, name, bytes] of known) {
    it(`${name}: ${bytes.length} B → ${cid}`, async () => {
      expect((await ours([bytes], name)).cid).toBe(cid)
    })
  }
})
