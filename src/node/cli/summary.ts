/**
 * What `create` and `inspect` say about a manifest: the stable --json summary (its JSON Schema is
 * docs/cli-json.schema.json), one entry's JSON (also `ls --json`'s), what the archive's CID stands for, and
 * the text `create` prints for people.
 */
import { CID } from 'multiformats/cid'
import type { ManifestResult } from '../../manifest/create.js'
import { displayName } from '../../manifest/names.js'
import type { AnyEntry, Entry, Manifest } from '../../schema/types.js'
import { narJson, narLines } from './nar-summary.js'

/**
 * How the archive's bytes come back, which decides whether the blocks of its CID are in the manifest's CAR:
 * - `view` (a tar): the tar's view, rebuilt from regenerated headers and the tree; not stored until
 *   `materialize` writes its blocks;
 * - `recipe` (a compressed tar): every member re-compressed from the tar by a recipe; the compressed file's
 *   CID is what `ipfs add` gives it, but its blocks are not stored;
 * - `stored` (a compressed tar no recipe rebuilds): the compressed file's own blocks, linked and stored;
 * - `records` (a zip): rebuilt from its entry records and the tree (deflated data by recipes or kept).
 */
export type Rebuild = 'view' | 'recipe' | 'stored' | 'records'

export interface ArchiveFacts {
  /** The CID `ipfs add` gives the archive file. */
  cid: CID
  rebuild: Rebuild
  /** Whether the blocks of `cid` are part of the manifest (and so in a CAR `create` writes). */
  stored: boolean
  /** For people: how the bytes come back and where the CID's blocks are. */
  note: string
}

export function archiveFacts (m: Manifest): ArchiveFacts {
  if (m.archive.root !== undefined) {
    return { cid: m.archive.root, rebuild: 'stored', stored: true, note: 'its blocks are in the CAR' }
  }
  if (m.compression !== undefined) {
    return { cid: CID.decode(m.compression.fileCid), rebuild: 'recipe', stored: false, note: 'its blocks are not in the CAR (rebuilt by recipe, so an IPFS node cannot serve this CID); restore writes its bytes' }
  }
  if (m.zip !== undefined) {
    return { cid: CID.decode(m.zip.fileCid), rebuild: 'records', stored: false, note: 'its blocks are not in the CAR (rebuilt from entry records, so an IPFS node cannot serve this CID); restore writes its bytes' }
  }
  return { cid: CID.decode((m.tar as NonNullable<Manifest['tar']>).view), rebuild: 'view', stored: false, note: 'its blocks (the tar\'s view) are not in the CAR until materialize writes them; restore writes its bytes' }
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/** The stable machine-readable summary printed by `create --json` and `inspect --json`. */
export function summary (cid: string, result: Pick<ManifestResult<AnyEntry>, 'manifest'>, entries: AnyEntry[]): Record<string, unknown> {
  const m = result.manifest
  const facts = archiveFacts(m)
  return {
    manifest: cid,
    profile: m.profile,
    archive: {
      format: m.archive.format,
      cid: facts.cid.toString(),
      stored: facts.stored,
      rebuild: facts.rebuild,
      size: m.archive.size,
      sha256: hex(m.archive.sha256),
      sha512: hex(m.archive.sha512)
    },
    tar: m.tar === undefined ? null : { cid: CID.decode(m.tar.view).toString(), size: m.tar.size, sha256: hex(m.tar.sha256) },
    compression: m.compression === undefined
      ? null
      : {
          members: m.compression.members.map(x => ({
            offset: x.offset,
            size: x.size,
            tarOffset: x.tarOffset,
            tarSize: x.tarSize,
            recipe: x.recipe === undefined ? null : { encoder: x.recipe.encoder, params: x.recipe.params }
          })),
          trailingBytes: m.compression.trailing?.length ?? 0
        },
    tree: m.tree.root.toString(),
    strippedTree: m.tree.stripped?.toString() ?? null,
    ...narJson(m.tree),
    entryCount: m.entryCount,
    entries: entries.map(entryJson)
  }
}

/** One entry as the --json outputs give it: the fields people ask for, with null for what it lacks. */
export function entryJson (e: AnyEntry): Record<string, unknown> {
  const tar = 'typeflag' in e ? e : undefined
  return {
    path: displayName(e.path),
    type: e.type,
    size: e.size,
    // Permission bits (a zip's external attributes also hold the file type, which `type` gives).
    mode: e.mode === undefined ? null : e.mode & 0o7777,
    mtime: e.mtime ?? null,
    linkTarget: e.linkTarget === undefined ? null : displayName(e.linkTarget),
    uid: tar?.uid ?? null,
    gid: tar?.gid ?? null,
    uname: tar?.uname === undefined ? null : displayName(tar.uname),
    gname: tar?.gname === undefined ? null : displayName(tar.gname),
    content: e.content?.toString() ?? null,
    excluded: e.excluded ?? null
  }
}

/** The text `create` prints for people. */
export function describe (result: ManifestResult<AnyEntry>): string {
  const c = result.counts
  const m = result.manifest
  const facts = archiveFacts(m)
  // Shares are of the tar stream (what the tree deduplicates; a compressed archive is smaller), or of the zip.
  const base = m.tar?.size ?? m.archive.size
  const of = m.tar === undefined ? 'the zip\'s bytes' : 'the tar\'s bytes'
  const pct = (n: number): string => base === 0 ? '0%' : `${(100 * n / base).toFixed(2)}%`
  const members = m.compression?.members ?? []
  const rebuiltEntries = result.entries.filter(e => 'recipe' in e && e.recipe !== undefined).length
  return [
    `manifest  ${result.cid}`,
    `archive   ${facts.cid}  (${m.archive.format}, ${c.archiveBytes} bytes, sha256 ${hex(m.archive.sha256)})`,
    ...(m.compression === undefined
      ? []
      : [`rebuild   ${m.archive.root === undefined ? `from the tar by recipe: ${recipeList(m)}` : 'from its own blocks (no recipe reproduces every member)'} (${members.length} member${members.length === 1 ? '' : 's'})`]),
    ...(m.zip === undefined ? [] : [`rebuild   ${rebuiltEntries} deflated entr${rebuiltEntries === 1 ? 'y' : 'ies'} from the tree by recipe, the rest kept verbatim`]),
    `          ${facts.note}`,
    ...(m.compression === undefined || m.tar === undefined ? [] : [`tar       ${CID.decode(m.tar.view)}  (${m.tar.size} bytes, sha256 ${hex(m.tar.sha256)}; its view: not in the CAR until materialize writes it)`]),
    `tree      ${result.treeCid}`,
    ...(result.strippedTreeCid === undefined ? [] : [`stripped  ${result.strippedTreeCid}`]),
    ...narLines(m.tree),
    `entries   ${c.entries}${headerSummary(result.entries)}`,
    `shared with the tree: ${pct(c.treeContentBytes)} of ${of}; headers, padding and other bytes: ${pct(c.segmentBytes)}`
  ].join('\n')
}

/** The distinct recipes of a compressed archive's members, as "gnu-gzip 9" ("none" for a member without one). */
export function recipeList (m: Manifest): string {
  const members = m.compression?.members ?? []
  return [...new Set(members.map(x => x.recipe === undefined ? 'none' : `${x.recipe.encoder} ${Object.values(x.recipe.params).join(' ')}`))].join(', ')
}

/** How a tar's headers are kept: the styles that regenerate them, and the exceptions. */
export function headerSummary (entries: AnyEntry[]): string {
  const tar = entries.filter((e): e is Entry => 'style' in e)
  if (tar.length === 0) return ''
  const styles = [...new Set(tar.map(e => e.style))]
  const patched = tar.filter(e => e.header === 'patched').length
  const verbatim = tar.filter(e => e.header === 'verbatim').length
  return `; headers regenerated by style ${styles.join(', ')} (${patched} patched, ${verbatim} kept verbatim)`
}
