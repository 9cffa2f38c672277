/**
 * Header styles on real archives (not part of `npm test`):
 *
 *   npx tsx test/archive/tar/style/measure.ts [FILE|DIR ...]
 *
 * Default inputs: test/fixtures/real, .cache/real and .cache/corpus (bench/fetch-corpus.sh), where
 * present. Compressed tars (.gz/.tgz, .xz, .bz2, .zst) are decompressed with the system tools. Prints per
 * archive: entries, the styles chosen (members each; style changes), exceptions (patches and their bytes,
 * verbatim headers and their bytes), non-zero padding, the end (zero bytes, trailing bytes), the header
 * bytes format 1 keeps raw, and the time the matcher took per header (best of 10 passes, warm).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, basename } from 'node:path'
import { gunzipSync } from 'node:zlib'
import type { TarMember } from '../../../../src/archive/tar/reader.js'
import { headerFieldsOf, HeaderMatcher } from '../../../../src/archive/tar/style/index.js'
import { matchArchive } from './match-archive.js'

const repo = join(import.meta.dirname, '../../../..')

function inputs (args: string[]): string[] {
  const roots = args.length > 0 ? args : [join(repo, 'test/fixtures/real'), join(repo, '.cache/real'), join(repo, '.cache/corpus')]
  const out: string[] = []
  const walk = (p: string): void => {
    if (!existsSync(p)) return
    if (statSync(p).isDirectory()) { for (const n of readdirSync(p).sort()) walk(join(p, n)); return }
    if (/\.(tar|tar\.gz|tgz|tar\.xz|tar\.bz2|tar\.zst)$/.test(p)) out.push(p)
  }
  for (const r of roots) walk(r)
  return out
}

function tarBytes (file: string): Uint8Array {
  const raw = readFileSync(file)
  if (/\.(gz|tgz)$/.test(file)) return new Uint8Array(gunzipSync(raw))
  const tool = file.endsWith('.xz') ? 'xz' : file.endsWith('.bz2') ? 'bzip2' : file.endsWith('.zst') ? 'zstd' : undefined
  if (tool === undefined) return new Uint8Array(raw)
  return new Uint8Array(execFileSync(tool, ['-dc', file], { maxBuffer: 1 << 30 }))
}

/** µs per header, best of 10 passes over prepared fields (the first ones warm the JIT). */
function timeMatcher (tar: Uint8Array, members: TarMember[]): number {
  const fields = members.map(headerFieldsOf)
  const originals = members.map(m => tar.subarray(m.headerOffset, m.dataOffset))
  let best = Infinity
  for (let round = 0; round < 10; round++) {
    const matcher = new HeaderMatcher()
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < fields.length; i++) matcher.match(fields[i]!, originals[i]!)
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1000 / Math.max(1, fields.length))
  }
  return best
}

const rows: string[][] = [['archive', 'entries', 'styles (members)', 'changes', 'patches (bytes)', 'verbatim (bytes)', 'padding', 'end zeros+trailing', 'header bytes', 'µs/header']]
const totals = { entries: 0, headerBytes: 0, patches: 0, patchBytes: 0, verbatims: 0, verbatimBytes: 0, archives: 0, clean: 0 }
for (const file of inputs(process.argv.slice(2))) {
  let tar: Uint8Array
  try { tar = tarBytes(file) } catch { continue } // not a compressed tar we can open
  let match
  try { match = matchArchive(tar) } catch (err) { rows.push([basename(file), `not read: ${(err as Error).message}`]); continue }
  const members = match.members.map(m => m.member)
  const changes = match.members.filter(m => m.result.style !== undefined).length
  const headerBytes = match.members.reduce((n, m) => n + m.original.length, 0)
  rows.push([
    basename(file),
    String(members.length),
    [...match.styles].map(([s, n]) => `${s} ${n}`).join(', '),
    String(changes),
    `${match.patches} (${match.patchBytes})`,
    `${match.verbatims} (${match.verbatimBytes})`,
    String(match.paddingExceptions),
    `${match.end.zeros}+${match.end.trailing}`,
    String(headerBytes),
    timeMatcher(tar, members).toFixed(2)
  ])
  totals.archives++
  if (match.patches + match.verbatims === 0) totals.clean++
  totals.entries += members.length
  totals.headerBytes += headerBytes
  totals.patches += match.patches
  totals.patchBytes += match.patchBytes
  totals.verbatims += match.verbatims
  totals.verbatimBytes += match.verbatimBytes
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map(r => (r[i] ?? '').length)))
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '))
console.log(`\n${totals.archives} archives, ${totals.clean} without exceptions; ${totals.entries} entries; header bytes ${totals.headerBytes}; ` +
  `exceptions: ${totals.patches} patches (${totals.patchBytes} bytes), ${totals.verbatims} verbatim (${totals.verbatimBytes} bytes)`)
