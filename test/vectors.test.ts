/**
 * test-vectors/: every case through the library (same manifest block, CIDs and counts; the archive restored
 * byte for byte; negative cases fail with their code and offset), no drift between the committed outputs
 * and what scripts/gen-vectors.ts makes now, index.json valid against its JSON Schema, and an independent
 * check of tree and file CIDs against ipfs-unixfs-importer (on a GNU tar extraction) and against the known
 * CIDs of NOTES §3 / IPIP-499.
 */
import { describe, it, expect } from 'vitest'
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { importer, type ImportCandidate } from 'ipfs-unixfs-importer'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import * as dagCbor from '@ipld/dag-cbor'
import { restoreArchive } from '../src/index.js'
import type { ProfileName } from '../src/unixfs/profile.js'
import {
  caseDefs, caseSkeleton, computeNegative, computePositive, indexPath, inputStream, listExpectedFiles, makeIndex,
  measure, readCommittedIndex, renderIndex, vectorProfiles, vectorsDir, type IndexCase
} from '../scripts/gen-vectors.js'
import { gnuExtract, removeDir } from './helpers/archives.js'

const committed = readCommittedIndex()
const committedText = readFileSync(indexPath, 'utf8')
const byName = new Map(committed.cases.map(c => [c.name, c]))
/** What this run computes, case by case, to compare with index.json as a whole at the end. */
const rebuilt = new Map<string, IndexCase>()
const producedFiles = new Set<string>()

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

async function collect (stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const c of stream) chunks.push(c)
  return new Uint8Array(Buffer.concat(chunks))
}

/** ipfs-unixfs-importer over an extracted directory: the root CID and each file's CID by path. */
async function importerCids (dir: string, profile: ProfileName): Promise<{ root: CID, byPath: Map<string, string> }> {
  const candidates: ImportCandidate[] = [{ path: 'root' }]
  const walk = (abs: string, rel: string): void => {
    for (const name of readdirSync(abs).sort()) {
      const a = join(abs, name)
      const r = rel === '' ? name : `${rel}/${name}`
      const st = lstatSync(a)
      if (st.isSymbolicLink()) throw new Error(`importer cannot take symlink ${r}`)
      if (st.isDirectory()) { candidates.push({ path: `root/${r}` }); walk(a, r) } else candidates.push({ path: `root/${r}`, content: readFileSync(a) })
    }
  }
  walk(dir, '')
  const byPath = new Map<string, string>()
  let root: CID | undefined
  for await (const entry of importer(candidates, new MemoryBlockstore(), { profile })) {
    if (entry.path === 'root') root = entry.cid
    else byPath.set(entry.path!.slice('root/'.length), entry.cid.toString())
  }
  if (root === undefined) throw new Error('importer gave no root')
  return { root, byPath }
}

describe('test vectors', () => {
  it('index.json is valid against index.schema.json', () => {
    const schema = JSON.parse(readFileSync(join(vectorsDir, 'index.schema.json'), 'utf8')) as object
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false })
    const validate = ajv.compile(schema)
    const ok = validate(committed)
    expect(validate.errors ?? [], 'schema errors').toEqual([])
    expect(ok).toBe(true)
  })

  it('every case the generator defines is in index.json, in the same order, and names are unique', () => {
    expect(committed.cases.map(c => c.name)).toEqual(caseDefs.map(d => d.name))
    expect(new Set(committed.cases.map(c => c.name)).size).toBe(committed.cases.length)
  })

  for (const def of caseDefs) {
    const c = byName.get(def.name)
    if (c === undefined) continue
    const skeleton = caseSkeleton(def, committed)

    if (def.error !== undefined) {
      it(`${def.name}: fails with ${def.error.code} under both profiles`, async () => {
        const errors = []
        for (const profile of vectorProfiles) errors.push(await computeNegative(skeleton, profile))
        // Judged by code (and offset / limit when recorded), never by message.
        for (const e of errors) expect(e).toEqual(c.error)
        expect(c.error?.code).toBe(def.error!.code)
        rebuilt.set(def.name, { ...skeleton, error: errors[0]! })
      })
      continue
    }

    describe(def.name, () => {
      const expected: NonNullable<IndexCase['expected']> = {}
      it('the input is what index.json records', async () => {
        if ('file' in c.input) {
          expect(await measure(inputStream(c.input)())).toEqual({ size: c.input.size, sha256: c.input.sha256 })
        } else {
          // Large recipes are checked through the manifest's archive sha256 below (one pass only).
          expect(c.input.parts.reduce((n, p) => n + ('seed' in p ? p.size : Buffer.from(p.hex, 'hex').length * (p.repeat ?? 1)), 0)).toBe(c.input.size)
        }
      })

      for (const profile of vectorProfiles) {
        it(`${profile}: same manifest, CIDs, counts and files; restores the input`, async () => {
          const want = c.expected?.[profile]
          expect(want, 'expected outputs recorded').toBeDefined()
          const got = await computePositive(skeleton, profile)
          const { result } = got
          expected[profile] = got.expectation
          for (const path of got.files.keys()) producedFiles.add(path)

          // The values a port compares.
          expect(result.cid.toString()).toBe(want!.manifest)
          expect(result.archiveCid.toString()).toBe(want!.archive)
          expect(result.treeCid.toString()).toBe(want!.tree)
          expect(result.strippedTreeCid?.toString()).toBe(want!.strippedTree)
          expect(result.counts.entries).toBe(want!.entryCount)
          expect(result.manifest.archive.size).toBe(c.input.size)
          expect(hex(result.manifest.archive.sha256)).toBe(c.input.sha256)
          expect(got.expectation).toEqual(want)

          // The committed outputs are byte for byte what the library makes now.
          for (const [path, bytes] of got.files) {
            expect(existsSync(join(vectorsDir, path)), path).toBe(true)
            expect(Buffer.from(readFileSync(join(vectorsDir, path))).equals(Buffer.from(bytes)), `${path} differs: run npm run gen:vectors`).toBe(true)
          }
          // The manifest block's file name is its CID: readable and checkable with sha2-256 and dag-cbor alone.
          const block = readFileSync(join(vectorsDir, want!.manifestBlock))
          const cid = CID.parse(want!.manifest)
          expect(want!.manifestBlock.endsWith(`/${want!.manifest}.dag-cbor`)).toBe(true)
          expect(cid.code).toBe(dagCbor.code)
          expect(hex((await sha256.digest(block)).digest)).toBe(hex(cid.multihash.digest))
          const decoded = dagCbor.decode(block) as { entries: CID[], entryCount: number }
          expect(decoded.entries.length).toBe(want!.entryPages)
          expect(decoded.entryCount).toBe(want!.entryCount)

          // restoreArchive gives the input back.
          if (got.complete) {
            const restored = createHash('sha256')
            let size = 0
            const direct = 'file' in c.input ? await collect(inputStream(c.input)()) : undefined
            const pieces: Uint8Array[] = []
            for await (const chunk of restoreArchive(result.cid, got.blocks)) {
              restored.update(chunk)
              size += chunk.length
              if (direct !== undefined) pieces.push(chunk)
            }
            expect(size).toBe(c.input.size)
            expect(restored.digest('hex')).toBe(c.input.sha256)
            if (direct !== undefined) expect(Buffer.concat(pieces).equals(Buffer.from(direct))).toBe(true)
          }

          // IPIP-499's known CIDs for the seeded files (independent of this library).
          for (const known of c.knownContent ?? []) {
            if (known.profile !== profile) continue
            expect(want!.files.find(f => f.path === known.path)?.content, known.path).toBe(known.cid)
          }
        })
      }

      if (def.oracle === 'importer') {
        it('tree and file CIDs equal ipfs-unixfs-importer\'s on a GNU tar extraction (both profiles)', async () => {
          const bytes = await collect(inputStream(c.input)())
          // GNU tar refuses to replace a directory by a file unless asked to.
          const dir = gnuExtract(bytes, def.name === 'gnu-duplicates' ? ['--recursive-unlink'] : [])
          try {
            for (const profile of vectorProfiles) {
              const want = c.expected![profile]!
              const imported = await importerCids(dir, profile)
              expect(imported.root.toString(), `${profile} tree`).toBe(want.tree)
              if (want.strippedTree !== undefined) {
                const top = readdirSync(dir)
                expect(top.length).toBe(1)
                expect(imported.byPath.get(top[0]!), `${profile} stripped tree`).toBe(want.strippedTree)
              }
              for (const f of want.files) expect(imported.byPath.get(f.path), `${profile} ${f.path}`).toBe(f.content)
              // Every regular file of the extraction is in the vector's file list.
              const files = [...imported.byPath.keys()].filter(p => lstatSync(join(dir, p)).isFile())
              expect(files.sort()).toEqual(want.files.map(f => f.path).sort())
            }
          } finally {
            removeDir(dir)
          }
        })
      }

      it('collected', () => {
        rebuilt.set(def.name, { ...skeleton, expected })
      })
    })
  }

  it('index.json and expected/ are exactly what the generator makes now (no drift)', () => {
    expect(rebuilt.size, 'every case ran').toBe(caseDefs.length)
    const index = makeIndex(caseDefs.map(d => rebuilt.get(d.name)!))
    expect(renderIndex(index) === committedText, 'index.json differs: run npm run gen:vectors').toBe(true)
    expect(listExpectedFiles()).toEqual([...producedFiles].sort())
  })
})
