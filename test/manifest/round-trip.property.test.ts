/**
 * Property: for random trees written by the real tools in random formats, the manifest restores the exact
 * archive bytes, and extracting its tree gives what GNU tar extracts (nix-store --dump identical).
 */
import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { join } from 'node:path'
import { MemoryBlocks, manifestFromTarball, restoreArchive } from '../../src/index.js'
import { extractTree } from '../../src/node/extract.js'
import { bsdtar, gnuExtract, gnuTar, narOf, packTar, removeDir, tempDir, writeTree, type Header, type TreeSpec } from '../helpers/archives.js'

const nameArb = fc.stringMatching(/^[a-zA-Z0-9_ äöü名.\uFEFF-]{1,24}$/).filter(n => n !== '.' && n !== '..' && !n.startsWith('-'))
const sizes = fc.oneof(fc.constantFrom(0, 1, 511, 512, 513, 1023, 1024, 262143, 262144, 262145), fc.nat(5000))
const fileArb = fc.record({ size: sizes, seed: fc.nat() })

/** A random tree: nested directories, files of boundary sizes, and relative symlinks to files. */
const treeArb = fc.record({
  dirs: fc.array(fc.array(nameArb, { minLength: 1, maxLength: 3 }), { maxLength: 4 }),
  files: fc.array(fc.tuple(fc.array(nameArb, { minLength: 1, maxLength: 3 }), fileArb), { minLength: 1, maxLength: 8 }),
  links: fc.array(fc.tuple(nameArb, fc.nat()), { maxLength: 2 }),
  longName: fc.boolean()
}).map(({ dirs, files, links, longName }) => {
  const spec: Required<Pick<TreeSpec, 'files' | 'dirs' | 'symlinks'>> = { files: {}, dirs: [], symlinks: {} }
  const taken = new Set<string>()
  const claim = (path: string): boolean => {
    // A path is usable when neither it nor any of its parents is already a file.
    const parts = path.split('/')
    for (let i = 1; i < parts.length; i++) if (taken.has(parts.slice(0, i).join('/')) && !spec.dirs.includes(parts.slice(0, i).join('/'))) return false
    if (taken.has(path)) return false
    for (const t of taken) if (t.startsWith(path + '/')) return false
    taken.add(path)
    return true
  }
  for (const d of dirs) { const p = ['t', ...d].join('/'); if (claim(p)) spec.dirs.push(p) }
  for (const [parts, { size, seed }] of files) {
    const p = ['t', ...parts].join('/') + (longName ? '-' + 'x'.repeat(120) : '')
    if (!claim(p)) continue
    const bytes = new Uint8Array(size)
    let x = seed | 1
    for (let i = 0; i < size; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; bytes[i] = x & 0xff }
    spec.files[p] = bytes
  }
  const targets = Object.keys(spec.files)
  for (const [name, i] of links) {
    const p = `t/link-${name}`
    const target = targets[i % Math.max(targets.length, 1)]
    if (target !== undefined && claim(p)) spec.symlinks[p] = target.slice(2)
  }
  return spec
})

const tools = fc.constantFrom(
  'gnu:gnu', 'gnu:oldgnu', 'gnu:pax', 'gnu:ustar', 'bsdtar:pax', 'bsdtar:gnutar', 'bsdtar:ustar', 'tar-stream')

async function collect (chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const c of chunks) parts.push(c)
  return Buffer.concat(parts)
}

async function archive (tool: string, spec: TreeSpec, dir: string): Promise<Uint8Array | undefined> {
  const [kind, format] = tool.split(':') as [string, string]
  try {
    if (kind === 'gnu') return gnuTar(dir, ['t'], format as 'gnu')
    if (kind === 'bsdtar') return bsdtar(dir, ['t'], format as 'pax')
  } catch {
    return undefined // e.g. ustar cannot hold a long name: the tool refuses, nothing to test
  }
  const members: Array<[Header, (string | Uint8Array)?]> = [[{ name: 't', type: 'directory' }]]
  for (const d of spec.dirs ?? []) members.push([{ name: d, type: 'directory' }])
  for (const [p, c] of Object.entries(spec.files ?? {})) members.push([{ name: p }, c])
  for (const [p, target] of Object.entries(spec.symlinks ?? {})) members.push([{ name: p, type: 'symlink', linkname: target }])
  return await packTar(members)
}

describe('round trip (fast-check)', () => {
  it('random trees → real tar writers → manifest → exact bytes and GNU tar\'s tree', async () => {
    let tested = 0
    await fc.assert(fc.asyncProperty(treeArb, tools, fc.constantFrom('unixfs-v1-2025', 'unixfs-v0-2015') as fc.Arbitrary<'unixfs-v1-2025'>, async (spec, tool, profile) => {
      const dir = writeTree(spec)
      const out = tempDir('iam-prop-')
      let theirs: string | undefined
      try {
        const tar = await archive(tool, spec, dir)
        if (tar === undefined) return
        tested++
        const blocks = new MemoryBlocks()
        const result = await manifestFromTarball(tar, { blockstore: blocks, profile })
        expect(Buffer.compare(await collect(restoreArchive(result.cid, blocks)), Buffer.from(tar))).toBe(0)
        theirs = gnuExtract(tar)
        await extractTree(result.cid, blocks, join(out, 'x'))
        expect(narOf(join(out, 'x')).equals(narOf(theirs))).toBe(true)
      } finally {
        removeDir(dir); removeDir(out)
        if (theirs !== undefined) removeDir(theirs)
      }
    }), { numRuns: 40 })
    // Formats that refuse a case (ustar and long names) skip it; most runs must still test something.
    expect(tested).toBeGreaterThan(25)
  })
})
