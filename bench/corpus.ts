/**
 * The compression layer on a varied real corpus (issue #3; fetched by bench/fetch-corpus.sh): for every
 * archive, the manifest is made, then the archive is restored from the manifest's blocks alone (no
 * compressed bytes, unless the manifest had to keep them) and its sha256 compared with the file's.
 * Reported per source and per producer (the recipe's encoder, or "verbatim"):
 *   - rebuilt: archives whose every member has a recipe, and the share of compressed bytes so covered;
 *   - side data: the bytes a store must hold beyond the unpacked tree to give the archive back (manifest,
 *     entry pages, tar headers and padding, and the compressed file's blocks where no recipe was found),
 *     as a share of the compressed size.
 * Not timed: throughput is measured by the compressed cases of bench/run.ts.
 */
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { MemoryBlocks, restoreArchive, walkBlocks } from '../src/index.js'
import { manifestFromFile } from '../src/node/manifest-file.js'
import type { CID } from 'multiformats/cid'

interface Row { source: string, codec: string, producer: string, compressed: number, rebuilt: boolean, rebuiltBytes: number, sideBytes: number, side: Record<SideKind, number> }

/** Side data by block kind: raw leaves (tar headers, padding), dag-pb nodes (the tar's and the file's DAGs), dag-cbor (manifest, entry pages). */
type SideKind = 'raw' | 'dag-pb' | 'dag-cbor'
const kindOf = (cid: CID): SideKind => cid.code === 0x55 ? 'raw' : cid.code === 0x70 ? 'dag-pb' : 'dag-cbor'

async function blocksOf (root: CID, store: MemoryBlocks): Promise<Map<string, { cid: CID, bytes: Uint8Array }>> {
  const out = new Map<string, { cid: CID, bytes: Uint8Array }>()
  for await (const block of walkBlocks(root, store)) out.set(block.cid.toString(), block)
  return out
}

async function describe (source: string, path: string): Promise<Row> {
  const store = new MemoryBlocks()
  const result = await manifestFromFile(path, { blockstore: store })
  const manifestBlocks = await blocksOf(result.cid, store)
  const tree = await blocksOf(result.treeCid, store)
  // What the store holds for this archive beyond the tree, and the only blocks the restore may read.
  const alone = new MemoryBlocks()
  let sideBytes = 0
  const side: Record<SideKind, number> = { raw: 0, 'dag-pb': 0, 'dag-cbor': 0 }
  for (const [key, { cid, bytes }] of manifestBlocks) {
    alone.put(cid, bytes)
    if (tree.has(key)) continue
    sideBytes += bytes.length
    side[kindOf(cid)] += bytes.length
  }
  const hash = createHash('sha256')
  for await (const chunk of restoreArchive(result.cid, alone)) hash.update(chunk)
  const want = createHash('sha256').update(readFileSync(path)).digest('hex')
  if (hash.digest('hex') !== want) throw new Error(`${path}: restored bytes differ from the file`)
  const members = result.manifest.compression?.members ?? []
  const producers = [...new Set(members.map(m => m.recipe === undefined ? 'verbatim' : recipeName(m.recipe.encoder, m.recipe.params)))]
  return {
    source,
    codec: result.manifest.archive.format,
    producer: producers.join(' + ') || 'plain tar',
    compressed: statSync(path).size,
    // No link to the archive's own bytes: restoreArchive rebuilds it from the tar.
    rebuilt: result.manifest.archive.root === undefined,
    rebuiltBytes: members.filter(m => m.recipe !== undefined).reduce((n, m) => n + m.size, 0),
    sideBytes,
    side
  }
}

/** An encoder with the parameters that tell producers apart (levels are folded: they are many). */
function recipeName (encoder: string, params: Record<string, number>): string {
  const flags = Object.entries(params).filter(([k]) => k !== 'level' && k !== 'blockSize').map(([k, v]) => `${k}=${v}`)
  return flags.length === 0 ? encoder : `${encoder} (${flags.join(', ')})`
}

function table (title: string, rows: Row[], key: (r: Row) => string): string {
  const groups = new Map<string, Row[]>()
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r])
  const widths = { raw: 8, 'dag-pb': 8, 'dag-cbor': 10 } // side data by block kind
  const lines = [`${title.padEnd(40)} archives  rebuilt  rebuilt bytes  side data${Object.entries(widths).map(([k, w]) => k.padStart(w)).join('')}`]
  for (const [k, rs] of [...groups].sort()) {
    const compressed = rs.reduce((n, r) => n + r.compressed, 0)
    const rebuilt = rs.filter(r => r.rebuilt).length
    const pct = (n: number): string => `${(100 * n / compressed).toFixed(1)}%`
    lines.push(`  ${k.padEnd(38)} ${String(rs.length).padStart(8)}  ${String(rebuilt).padStart(7)}  ${pct(rs.reduce((n, r) => n + r.rebuiltBytes, 0)).padStart(13)}  ${pct(rs.reduce((n, r) => n + r.sideBytes, 0)).padStart(9)}` +
      (['raw', 'dag-pb', 'dag-cbor'] as const).map(kind => pct(rs.reduce((n, r) => n + r.side[kind], 0)).padStart(widths[kind])).join(''))
  }
  return lines.join('\n')
}

export async function corpusBench (root: string): Promise<void> {
  execFileSync('bash', [join(root, 'bench/fetch-corpus.sh')], { stdio: 'inherit' })
  const dir = join(root, '.cache/corpus')
  const sources: Array<[string, string]> = [['debian', 'apt-get source (upstream tarball)'], ['deb', '.deb data.tar'], ['npm', 'npm pack'], ['git', 'git archive of this repository']]
  const rows: Row[] = []
  for (const [sub, label] of sources) {
    for (const f of readdirSync(join(dir, sub)).sort()) {
      const t = performance.now()
      const row = await describe(label, join(dir, sub, f))
      rows.push(row)
      console.log(`  ${sub}/${f}: ${row.codec}, ${row.producer}, ${(row.compressed / 1e6).toFixed(2)} MB, side data ${(100 * row.sideBytes / row.compressed).toFixed(2)}% (${((performance.now() - t) / 1000).toFixed(1)} s)`)
    }
  }
  console.log(`\nreal corpus: ${rows.length} archives, ${(rows.reduce((n, r) => n + r.compressed, 0) / 1e6).toFixed(1)} MB compressed, every one restored byte for byte from the manifest's blocks alone`)
  console.log(table('by source', rows, r => r.source))
  console.log(table('by codec', rows, r => r.codec))
  console.log(table('by producer (recipe encoder)', rows, r => `${r.codec}: ${r.producer}`))
  console.log()
}
