/**
 * test-vectors/: every case through the library (same manifest block, CIDs and counts; the archive restored
 * byte for byte; negative cases fail with their code and offset), no drift between the committed outputs
 * and what scripts/gen-vectors.ts makes now, index.json valid against its JSON Schema, and an independent
 * check of tree and file CIDs against ipfs-unixfs-importer (on a GNU tar extraction) and against the known
 * CIDs of NOTES §3 / IPIP-499. Every case with a CAR restores from the CAR alone. Compressed cases: the
 * compressed file's CID against ipfs-unixfs-importer, and the tar, tree and entries against the case of the
 * same tar uncompressed (the real tool decompresses the input to that tar).
 */
import { describe, it, expect } from 'vitest'
import { execFileSync } from 'node:child_process'
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { importer, type ImportCandidate } from 'ipfs-unixfs-importer'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import * as dagCbor from '@ipld/dag-cbor'
import { manifestFromTarball, restoreArchive, verifyManifest } from '../src/index.js'
import { MemoryBlocks } from '../src/blocks.js'
import { importCar, walkBlocks } from '../src/codec/car.js'
import type { ProfileName } from '../src/unixfs/profile.js'
import {
  caseDefs, caseSkeleton, computeNegative, computePositive, indexPath, inputStream, listExpectedFiles, makeIndex,
  measure, readCommittedIndex, renderIndex, vectorProfiles, vectorsDir, type IndexCase
} from '../scripts/gen-vectors.js'
import { gnuExtract, removeDir } from './helpers/archives.js'
import { importerFile } from './unixfs/oracle.js'
import { importerTree, walkedTree } from './helpers/trees.js'

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
          expect(result.manifest.archive.format).toBe(want!.format)
          expect(result.manifest.archive.root?.toString()).toBe(want!.archive)
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

          // The CAR alone is enough: restoring from its blocks gives the input (for a compressed archive whose
          // members all have recipes, the CAR has no compressed bytes: the archive is rebuilt from the tar).
          if (want!.car !== undefined) {
            const carBlocks = new MemoryBlocks()
            const carRoot = await importCar(readFileSync(join(vectorsDir, want!.car)), carBlocks)
            expect(carRoot.toString()).toBe(want!.manifest)
            const restored = Buffer.from(await collect(restoreArchive(carRoot, carBlocks)))
            expect(restored.equals(Buffer.from(await collect(inputStream(c.input)())))).toBe(true)
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

      if (c.innerTar !== undefined) {
        it('compressed: fileCid is ipfs-unixfs-importer\'s; tar and tree equal the inner tar case\'s; the tools decompress to it', async () => {
          const bytes = await collect(inputStream(c.input)())
          const inner = byName.get(c.innerTar!)
          expect(inner?.expected, `inner tar case ${c.innerTar}`).toBeDefined()
          const innerBytes = await collect(inputStream(inner!.input)())
          // The compressor's own decompressor gives the inner tar (independent of this library).
          const tool = { 'tar+gzip': 'gzip', 'tar+bzip2': 'bzip2', 'tar+xz': 'xz', 'tar+zstd': 'zstd' }[c.expected!['unixfs-v1-2025']!.format as string]
          expect(tool).toBeDefined()
          const decompressed = execFileSync(tool!, ['-d', '-c', '-q'], { input: bytes, maxBuffer: 1 << 28 })
          expect(decompressed.equals(Buffer.from(innerBytes)), `${tool} -d gives ${c.innerTar}`).toBe(true)
          for (const profile of vectorProfiles) {
            const want = c.expected![profile]!
            const wantInner = inner!.expected![profile]!
            const compression = want.compression!
            // compression.fileCid: the compressed file as `ipfs add` (ipfs-unixfs-importer) chunks it under the profile.
            expect(compression.fileCid, `${profile} fileCid`).toBe((await importerFile([bytes], profile)).cid.toString())
            const verbatim = compression.members.some(m => m.recipe === undefined)
            // archive.root is linked exactly when some member has no recipe, and then it is the file's CID.
            expect(want.archive, `${profile} archive.root`).toBe(verbatim ? compression.fileCid : undefined)
            // The members tile the archive (then the trailing bytes) and their tar ranges tile the tar.
            let at = 0
            let tarAt = 0
            for (const m of compression.members) {
              expect([m.offset, m.tarOffset]).toEqual([at, tarAt])
              at += m.size
              tarAt += m.tarSize
            }
            expect(at + (compression.trailing ?? '').length / 2).toBe(c.input.size)
            // The tar is the inner case's input, described exactly as that case describes it.
            expect(want.tar).toEqual({ size: inner!.input.size, sha256: inner!.input.sha256 })
            expect(tarAt).toBe(inner!.input.size)
            for (const key of ['view', 'tree', 'strippedTree', 'entryCount', 'entryPages', 'counts', 'endOffset', 'endZeros', 'trailing', 'files'] as const) {
              expect(want[key], `${profile} ${key}`).toEqual(wantInner[key])
            }
            const pages = (file: string): unknown => (dagCbor.decode(readFileSync(join(vectorsDir, file))) as { entries: CID[] }).entries.map(String)
            expect(pages(want.manifestBlock)).toEqual(pages(wantInner.manifestBlock))
            // A CAR of a fully recipe'd archive holds none of the compressed file's blocks; a verbatim one holds them.
            const carBlocks = new MemoryBlocks()
            const root = await importCar(readFileSync(join(vectorsDir, want.car!)), carBlocks)
            const inCar = new Set<string>()
            for await (const { cid } of walkBlocks(root, carBlocks)) inCar.add(cid.toString())
            expect(inCar.has(compression.fileCid), `${profile} compressed file in the CAR`).toBe(verbatim)
            // verifyManifest from the CAR alone (restore or rebuild, then describe again: the same CID).
            expect((await verifyManifest(root, carBlocks)).cid.toString()).toBe(want.manifest)
            // The manifest does not depend on how the input is chunked (the recipe race sees 7-byte pieces).
            const pieces = async function * (): AsyncGenerator<Uint8Array> { for (let i = 0; i < bytes.length; i += 7) yield bytes.slice(i, i + 7) }
            expect((await manifestFromTarball(pieces(), { profile })).cid.toString(), `${profile} in 7-byte chunks`).toBe(want.manifest)
          }
        })
      }

      if (c.expected?.['unixfs-v1-2025']?.format === 'zip') {
        it('zip: fileCid is ipfs-unixfs-importer\'s; archive.root is never linked (the zip is rebuilt from its records and the tree); the CAR alone verifies', async () => {
          const bytes = await collect(inputStream(c.input)())
          for (const profile of vectorProfiles) {
            const want = c.expected![profile]!
            const zip = want.zip!
            // zip.fileCid: the zip file as `ipfs add` (ipfs-unixfs-importer) chunks it under the profile.
            expect(zip.fileCid, `${profile} fileCid`).toBe((await importerFile([bytes], profile)).cid.toString())
            expect(want.archive, `${profile} archive.root`).toBeUndefined()
            // Recipes only for deflated entries; encrypted entries have no content and are excluded.
            for (const e of zip.entries) {
              if (e.recipe !== undefined) expect(e.method).toBe(8)
              if (e.encrypted === true) expect([e.content, e.excluded]).toEqual([undefined, 'encrypted'])
            }
            const carBlocks = new MemoryBlocks()
            const root = await importCar(readFileSync(join(vectorsDir, want.car!)), carBlocks)
            expect((await verifyManifest(root, carBlocks)).cid.toString()).toBe(want.manifest)
          }
        })

        it('zip: tree and file CIDs equal those of the unzip extraction', async () => {
          const dir = mkdtempSync(join(tmpdir(), 'iam-vectors-unzip-'))
          try {
            // The encrypted entry is left out (it is excluded from the tree): unzip the others.
            const zipEntries = c.expected!['unixfs-v1-2025']!.zip!.entries
            const skip = zipEntries.filter(e => e.encrypted === true).map(e => e.path)
            execFileSync('unzip', ['-q', join(vectorsDir, (c.input as { file: string }).file), '-d', dir, ...(skip.length === 0 ? [] : ['-x', ...skip])], { stdio: ['ignore', 'pipe', 'pipe'] })
            for (const profile of vectorProfiles) {
              const want = c.expected![profile]!
              if (def.oracle === 'unzip') {
                // ipfs-unixfs-importer (no symlinks in these trees): the tree, and every file's content.
                expect((await importerTree(dir, profile)).cid.toString(), `${profile} tree`).toBe(want.tree)
                const imported = await importerCids(dir, profile)
                for (const f of want.files) expect(imported.byPath.get(f.path), `${profile} ${f.path}`).toBe(f.content)
                const files = [...imported.byPath.keys()].filter(p => lstatSync(join(dir, p)).isFile())
                expect(files.sort()).toEqual(want.files.map(f => f.path).sort())
              } else {
                // Symlinks: the importer cannot take the tree; the library's builders over a walk of it.
                expect(def.features).toContain('symlink')
                expect((await walkedTree(dir, profile)).toString(), `${profile} walked tree`).toBe(want.tree)
              }
            }
          } finally {
            rmSync(dir, { recursive: true, force: true })
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
