import { CID } from 'multiformats/cid'
import { toDagJson } from '../../codec/dag-json.js'
import { loadEntries, loadManifest } from '../../manifest/load.js'
import { sideData, type SideData } from '../../manifest/side-data.js'
import type { AnyEntry, Manifest } from '../../schema/types.js'
import { type Command, UsageError, openCar } from './command.js'
import { withLinkTargets } from './link-targets.js'
import { archiveFacts, headerSummary, summary } from './summary.js'

export const inspect: Command = {
  name: 'inspect',
  synopsis: 'inspect MANIFEST.car|- [--json | --dag-json]',
  description: 'summarise the manifest for people: format, how the archive is rebuilt, sizes, digests, CIDs, counts, side data',
  help: [
    'MANIFEST.car may be a pipe; - reads the CAR from stdin.',
    '--json            the same as JSON (docs/cli-json.schema.json, "inspect"): create --json\'s summary',
    '    with every entry, and the side data',
    '--dag-json        the manifest\'s root block itself, as dag-json'
  ],
  options: { 'dag-json': { type: 'boolean', default: false } },
  async run (inv) {
    if (inv.values.json === true && inv.values['dag-json'] === true) throw new UsageError('give --json or --dag-json, not both')
    const car = await openCar(inv.args[0])
    try {
      const manifest = await loadManifest(car.root, car)
      if (inv.values['dag-json'] === true) { console.log(toDagJson(manifest)); return 0 }
      const loaded: AnyEntry[] = []
      for await (const entry of loadEntries(manifest, car)) loaded.push(entry)
      const entries = await withLinkTargets(manifest, loaded, car)
      const side = await sideData(car.root, manifest, car)
      if (inv.values.json === true) console.log(JSON.stringify({ ...summary(car.root.toString(), { manifest }, entries), sideData: side }, null, 2))
      else console.log(inspection(car.root, manifest, entries, side))
    } finally { await car.close() }
    return 0
  }
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`
/** At most this many compressed members are listed one by one. */
const LISTED_MEMBERS = 8

/** The readable summary (see the command's description). */
function inspection (cid: CID, m: Manifest, entries: AnyEntry[], side: SideData): string {
  const facts = archiveFacts(m)
  const lines = [
    `manifest     ${cid}  (format version ${m.version}, profile ${m.profile})`,
    `archive      ${m.archive.format}, ${m.archive.size} bytes`,
    `  sha256     ${hex(m.archive.sha256)}`,
    `  sha512     ${hex(m.archive.sha512)}`,
    `  CID        ${facts.cid}`,
    `             ${facts.note}`
  ]
  if (m.compression !== undefined) {
    const members = m.compression.members
    const verbatim = members.filter(x => x.recipe === undefined).length
    lines.push(`compression  ${m.archive.format.slice('tar+'.length)}, ${plural(members.length, 'member')}, ${verbatim === 0 ? 'every one rebuilt by recipe' : `verbatim: ${plural(verbatim, 'member')} no recipe reproduces, so the file's own blocks are kept`}`)
    for (const [i, x] of members.slice(0, LISTED_MEMBERS).entries()) {
      const recipe = x.recipe === undefined ? 'no recipe' : `${x.recipe.encoder} ${Object.entries(x.recipe.params).map(([k, v]) => `${k} ${v}`).join(', ')}`
      lines.push(`  member ${i}   bytes ${x.offset}-${x.offset + x.size} → tar bytes ${x.tarOffset}-${x.tarOffset + x.tarSize}: ${recipe}`)
    }
    if (members.length > LISTED_MEMBERS) lines.push(`  …          ${members.length - LISTED_MEMBERS} more (inspect --json lists all)`)
    if (m.compression.trailing !== undefined) lines.push(`  trailing   ${m.compression.trailing.length} bytes after the last member, kept in the manifest`)
  }
  if (m.tar !== undefined) {
    lines.push(
      `tar          ${m.tar.size} bytes, sha256 ${hex(m.tar.sha256)}`,
      `  view       ${CID.decode(m.tar.view)}${facts.rebuild === 'view' ? '  (the archive\'s CID above)' : '  (not in the CAR until materialize writes it)'}`,
      `  end        at byte ${m.tar.endOffset}, then ${m.tar.endZeros} zero bytes${m.tar.trailing === undefined ? '' : ' and trailing bytes (their own file)'}`
    )
  }
  if (m.zip !== undefined) {
    const rebuilt = entries.filter(e => 'recipe' in e && e.recipe !== undefined).length
    lines.push(`zip          ${plural(rebuilt, 'deflated entry', 'deflated entries')} rebuilt from the tree by recipe; ${m.zip.treeContentBytes} bytes of the zip are the tree's files${m.zip.spans === undefined ? '' : `; ${plural(m.zip.spans.length, 'span')} of other bytes`}`)
  }
  lines.push(
    `tree         ${m.tree.root}`,
    `stripped     ${m.tree.stripped?.toString() ?? 'none (no single top-level directory)'}`,
    `entries      ${m.entryCount} in ${plural(m.entries.length, 'page')}: ${countBy(entries, e => e.type, true)}`,
    `  outside    ${countOutside(entries)}`,
    ...(m.tar === undefined ? [] : [`  headers    ${headerSummary(entries).replace(/^; headers /, '')}`]),
    `side data    ${side.bytes} bytes in ${plural(side.blocks, 'block')} beside the tree (dag-cbor ${side.byCodec['dag-cbor']}, dag-pb ${side.byCodec['dag-pb']}, raw ${side.byCodec.raw})`
  )
  return lines.join('\n')
}

/** "290 files, 24 directories" (or with `nouns` false, "3 shadowed") counts, most frequent first. */
function countBy (entries: AnyEntry[], key: (e: AnyEntry) => string, nouns = false): string {
  const counts = new Map<string, number>()
  for (const e of entries) counts.set(key(e), (counts.get(key(e)) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => nouns ? plural(n, k, k === 'directory' ? 'directories' : `${k}s`) : `${n} ${k}`).join(', ')
}

function countOutside (entries: AnyEntry[]): string {
  const outside = entries.filter(e => e.excluded !== undefined)
  return outside.length === 0 ? 'none: every entry is in the tree' : `${outside.length} not in the tree (${countBy(outside, e => e.excluded as string)}): ls shows why`
}
