import { FileNotFoundError } from '../../errors.js'
import { loadEntries, loadManifest } from '../../manifest/load.js'
import { displayName } from '../../manifest/names.js'
import type { AnyEntry, Exclusion } from '../../schema/types.js'
import { type Command, openCar } from './command.js'
import { withLinkTargets } from './link-targets.js'
import { entryJson } from './summary.js'

export const ls: Command = {
  name: 'ls',
  synopsis: 'ls MANIFEST.car|- [PATH] [--json]',
  description: 'list the archive\'s entries as tar -tv does: type and mode, owner, size, mtime (UTC), path, link target, and why an entry is not in the tree',
  help: [
    'MANIFEST.car may be a pipe; - reads the CAR from stdin.',
    'PATH              list only the entries at PATH or below it (ERR_FILE_NOT_FOUND when there are none)',
    '--json            {"manifest", "entries": [...]} (docs/cli-json.schema.json, "ls"): per entry path, type,',
    '    size, mode, mtime, linkTarget, uid, gid, uname, gname, content and excluded (null when absent)'
  ],
  options: {},
  async run (inv) {
    const [carPath, prefix] = inv.args
    const car = await openCar(carPath)
    try {
      const manifest = await loadManifest(car.root, car)
      const wanted = prefix === undefined ? () => true : under(prefix)
      const found: AnyEntry[] = []
      for await (const entry of loadEntries(manifest, car)) if (wanted(displayName(entry.path))) found.push(entry)
      if (prefix !== undefined && found.length === 0) throw new FileNotFoundError(`${prefix}: no entry of the archive is at or below this path`, { path: prefix })
      const entries = await withLinkTargets(manifest, found, car)
      if (inv.values.json === true) {
        console.log(JSON.stringify({ manifest: car.root.toString(), entries: entries.map(entryJson) }, null, 2))
      } else if (entries.length > 0) {
        console.log(listing(entries))
      }
    } finally { await car.close() }
    return 0
  }
}

/** Whether a path is `prefix` or below it, compared as GNU tar's member names are (no "./", no trailing "/"). */
function under (prefix: string): (path: string) => boolean {
  const clean = (p: string): string => p.split('/').filter(c => c !== '' && c !== '.').join('/')
  const want = clean(prefix)
  return path => { const p = clean(path); return want === '' || p === want || p.startsWith(`${want}/`) }
}

/** Why an entry is not in the tree, in words. */
const why: Record<Exclusion, string> = {
  shadowed: 'a later entry replaced it',
  'unsafe-path': 'its path climbs out with ".." or names the root',
  'non-utf8-path': 'its path is not UTF-8',
  'path-conflict': 'a parent in its path is a file or a symlink',
  'dangling-hardlink': 'its link target is no file or symlink in the tree',
  'special-file': 'a device or FIFO',
  sparse: 'a sparse file',
  metadata: 'archive metadata, not a file',
  encrypted: 'encrypted',
  'unsupported-method': 'its compression method is not read'
}

const typeLetters: Record<AnyEntry['type'], string> = {
  file: '-', directory: 'd', symlink: 'l', hardlink: 'h', 'char-device': 'c', 'block-device': 'b', fifo: 'p',
  'pax-global': 'g', 'volume-label': 'V', other: '?'
}

/** `drwxr-xr-x`, with setuid, setgid and sticky bits as ls(1) shows them; `?` for a mode not recorded. */
function modeString (type: AnyEntry['type'], mode: number | undefined): string {
  if (mode === undefined) return `${typeLetters[type]}?????????`
  const triple = (shift: number, special: boolean, letter: string): string =>
    ((mode >> shift) & 4 ? 'r' : '-') + ((mode >> shift) & 2 ? 'w' : '-') +
    (special ? ((mode >> shift) & 1 ? letter : letter.toUpperCase()) : ((mode >> shift) & 1 ? 'x' : '-'))
  return typeLetters[type] + triple(6, (mode & 0o4000) !== 0, 's') + triple(3, (mode & 0o2000) !== 0, 's') + triple(0, (mode & 0o1000) !== 0, 't')
}

/** `2014-11-16 10:47`, in UTC. */
function dateString (mtime: number | undefined): string {
  if (mtime === undefined) return '????-??-?? ??:??'
  const d = new Date(mtime * 1000)
  return Number.isNaN(d.getTime()) ? String(mtime) : d.toISOString().slice(0, 16).replace('T', ' ')
}

/** The lines of GNU tar's `tar -tv` (its layout; times in UTC, as `TZ=UTC tar -tv` prints them). */
function listing (entries: AnyEntry[]): string {
  const rows = entries.map(e => {
    const tar = 'typeflag' in e ? e : undefined
    const owner = tar === undefined
      ? '-'
      : `${tar.uname === undefined || displayName(tar.uname) === '' ? tar.uid : displayName(tar.uname)}/${tar.gname === undefined || displayName(tar.gname) === '' ? tar.gid : displayName(tar.gname)}`
    const size = tar !== undefined && (e.type === 'char-device' || e.type === 'block-device') ? `${tar.devMajor ?? 0},${tar.devMinor ?? 0}` : String(e.size)
    const target = e.linkTarget
    const link = target === undefined ? '' : e.type === 'hardlink' ? ` link to ${displayName(target)}` : e.type === 'symlink' ? ` -> ${displayName(target)}` : ''
    const note = e.excluded === undefined ? '' : `  (not in the tree: ${why[e.excluded]})`
    return { mode: modeString(e.type, e.mode === undefined ? undefined : e.mode & 0o7777), owner, size, date: dateString(e.mtime), name: displayName(e.path) + link + note }
  })
  // GNU tar's alignment (list.c): owner and size share a width of at least 19 that grows with the widest so far.
  let width = 19
  return rows.map(r => {
    width = Math.max(width, r.owner.length + 1 + r.size.length)
    return `${r.mode} ${r.owner} ${r.size.padStart(width - r.owner.length - 1)} ${r.date} ${r.name}`
  }).join('\n')
}
