import { basename } from 'node:path'
import { ArchiveManifestError } from '../../errors.js'
import type { ArchiveFormat } from '../../schema/types.js'
import { getProfile, type ProfileName } from '../../unixfs/profile.js'
import { findArchives } from '../archive-files.js'
import { typedFsError } from '../fs-errors.js'
import { parseLimitOptions } from '../limit-options.js'
import { openStore, type AddResult } from '../store.js'
import { type Command, UsageError, stringOption, stringsOption } from './command.js'
import { bulkProgress } from './progress.js'

export const add: Command = {
  name: 'add',
  synopsis: 'add ARCHIVE|DIR... --store DIR [--profile unixfs-v1-2025|unixfs-v0-2015] [--json] [--limit NAME=N ...]',
  description: 'describe archives into the store DIR, check each restores, index them by sha256 and sha512 (a DIR: every archive in it)',
  options: {
    store: { type: 'string' },
    profile: { type: 'string' },
    limit: { type: 'string', multiple: true }
  },
  async run (inv) {
    if (inv.args.length === 0) throw new UsageError('add needs an ARCHIVE or a DIR')
    const storeDir = stringOption(inv, 'store')
    if (storeDir === undefined) throw new UsageError('add needs --store DIR')
    const limits = parseLimitOptions(stringsOption(inv, 'limit'))
    const profileOption = stringOption(inv, 'profile')
    const profile = profileOption === undefined ? undefined : getProfile(profileOption as ProfileName).name
    const json = inv.values.json === true

    const { archives, skipped } = await findArchives(inv.args)
    for (const s of skipped) console.error(`skipped ${s.path}: ${s.reason}`)
    const store = await openStore(storeDir, profile === undefined ? {} : { profile })
    const added: Array<AddResult & { path: string }> = []
    const failed: Array<{ path: string, code: string, message: string }> = []
    try {
      const progress = bulkProgress(archives.length, archives.reduce((n, a) => n + a.size, 0))
      for (const [i, archive] of archives.entries()) {
        progress.start(i, basename(archive.path))
        try {
          added.push({ path: archive.path, ...await store.add(archive.path, { limits, onProgress: progress.update, ...(profile === undefined ? {} : { profile }) }) })
        } catch (err) {
          // A bad archive is reported and the others go on; anything untyped is a bug and stops the run.
          const typed = typedFsError(err)
          if (!(typed instanceof ArchiveManifestError)) throw err
          progress.done()
          failed.push({ path: archive.path, code: typed.code, message: typed.message })
          console.error(`error ${typed.code}: ${archive.path}: ${typed.message}`)
        }
        progress.finish(archive.size)
      }
      progress.done()
    } finally {
      await store.close()
    }
    if (json) console.log(JSON.stringify(report(store.indexRoot.toString(), store.profile, added, skipped, failed), null, 2))
    else console.log(table(added, failed.length, skipped.length, store.indexRoot.toString()))
    return failed.length === 0 ? 0 : 1
  }
}

type Added = AddResult & { path: string }

/** The stable --json report of `add`. */
function report (indexRoot: string, profile: string, added: Added[], skipped: Array<{ path: string, reason: string }>, failed: Array<{ path: string, code: string, message: string }>): object {
  return {
    indexRoot,
    profile,
    archives: added.map(a => ({
      path: a.path,
      manifest: a.manifest.toString(),
      format: a.format,
      size: a.size,
      sha256: a.sha256,
      sha512: a.sha512,
      sideBytes: a.sideBytes,
      rebuild: a.rebuild,
      added: a.added
    })),
    skipped,
    failed,
    totals: totals(added)
  }
}

interface Totals { archives: number, added: number, bytes: number, sideBytes: number, recipes: number, verbatim: number }

function totals (rows: readonly Added[]): Totals {
  return {
    archives: rows.length,
    added: rows.filter(r => r.added).length,
    bytes: rows.reduce((n, r) => n + r.size, 0),
    sideBytes: rows.reduce((n, r) => n + r.sideBytes, 0),
    recipes: rows.filter(r => r.rebuild === 'recipe').length,
    verbatim: rows.filter(r => r.rebuild === 'verbatim').length
  }
}

const formats: ArchiveFormat[] = ['tar', 'tar+gzip', 'tar+bzip2', 'tar+xz', 'tar+zstd', 'zip']

/**
 * The table for people: per format and in total, the archives, how many were new, their bytes as given,
 * the side data (manifest and record blocks) and its share, how many were rebuilt by recipes and how many
 * keep compressed bytes verbatim; then the failures and skips, and the index root.
 */
function table (rows: readonly Added[], failures: number, skips: number, indexRoot: string): string {
  const header = ['format', 'archives', 'new', 'bytes', 'side data', 'side %', 'recipes found', 'verbatim']
  const line = (name: string, t: Totals): string[] => [
    name, String(t.archives), String(t.added), size(t.bytes), size(t.sideBytes),
    t.bytes === 0 ? '-' : `${(100 * t.sideBytes / t.bytes).toFixed(2)}%`, String(t.recipes), String(t.verbatim)
  ]
  const body = formats.filter(f => rows.some(r => r.format === f)).map(f => line(f, totals(rows.filter(r => r.format === f))))
  const all = [header, ...body, line('total', totals(rows))]
  const widths = header.map((_, i) => Math.max(...all.map(r => (r[i] as string).length)))
  const text = all.map(r => r.map((cell, i) => i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)).join('  '))
  const notes = [
    ...(failures === 0 ? [] : [`${failures} failed (see the errors above)`]),
    ...(skips === 0 ? [] : [`${skips} file${skips === 1 ? '' : 's'} skipped: not archives`])
  ]
  return [...text, ...notes, `index root ${indexRoot}`].join('\n')
}

/** Bytes in decimal units, three significant digits. */
function size (bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit++ }
  return unit === 0 ? `${bytes} B` : `${value.toPrecision(3)} ${units[unit] as string}`
}
