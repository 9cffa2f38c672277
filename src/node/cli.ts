#!/usr/bin/env node
/**
 * ipld-archive-manifest CLI. Blocks live in CAR files: `create` writes one (root: the manifest), the other
 * commands read one. Exit codes: 0 success, 1 a typed error, 2 a usage error. Every failure prints one
 * line `error CODE: message` on stderr (usage errors: ERR_USAGE) and, with --json, the object
 * `{"error": {code, message, offset?, entry?}}` on stdout (verify --json: its report, which holds `error`).
 */
import { parseArgs } from 'node:util'
import { CID } from 'multiformats/cid'
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { once } from 'node:events'
import { basename } from 'node:path'
import { discardBlocks } from '../blocks.js'
import { toDagJson } from '../codec/manifest-codec.js'
import { ArchiveManifestError } from '../errors.js'
import type { ManifestResult } from '../manifest/create.js'
import { loadEntries, loadManifest } from '../manifest/load.js'
import { restoreArchive } from '../manifest/restore.js'
import { materializeView } from '../manifest/materialize.js'
import { verifyManifest } from '../manifest/verify.js'
import { displayName } from '../manifest/names.js'
import type { AnyEntry, Entry, Manifest } from '../schema/types.js'
import { getProfile, type ProfileName } from '../unixfs/profile.js'
import { createCarFile, openCarFile } from './car-file.js'
import { extractTree } from './extract.js'
import { manifestFromFile } from './manifest-file.js'
import { writeFileAtomically } from './atomic-file.js'
import { checkInputFile, checkOutputParent, typedFsError } from './fs-errors.js'
import { LimitOptionError, parseLimitOptions } from './limit-options.js'
import { failedOutput, verifiedOutput } from './verify-output.js'

const usage = `usage: ipld-archive-manifest <command> [options]

  create ARCHIVE [--profile unixfs-v1-2025|unixfs-v0-2015] [--car OUT.car] [--json] [--limit NAME=N ...]
      describe a tar or zip archive; --car writes every block (root: the manifest) to OUT.car
  restore MANIFEST.car [-o OUT]     write the original archive bytes (verified) to OUT or stdout;
                                    OUT appears only once verified
  verify MANIFEST.car [--json] [--limit NAME=N ...]
                                    check every block, digest, entry and CID of the manifest;
                                    lists every missing or corrupt block
  extract MANIFEST.car DIR [--strip] [--allow-escaping-symlinks]
      write the unpacked tree into the new or empty directory DIR (left absent or empty on failure)
  inspect MANIFEST.car [--json]     print the manifest (dag-json) or its summary as JSON
  materialize MANIFEST.car -o VIEW.car
      write the blocks of the tar's view (root: tar.view), so that an IPFS node serves the tar from its CID

  --limit NAME=N (repeatable) overrides a resource limit: maxPaxHeaderBytes, maxLongNameBytes,
      maxSparseExtensionBlocks, maxEntries, maxPathDepth, maxCentralDirectoryBytes, maxCompressionRatio,
      compressionRatioMinBytes (see the README)

exit status: 0 ok; 1 a typed error, printed as "error CODE: message" on stderr (with --json also as
{"error":{"code","message","offset","entry"}} on stdout); 2 a usage error (code ERR_USAGE)`

/** What a failed command already printed: verify --json prints its own report, which holds the error. */
interface Printed { jsonError: boolean }

/** Runs one command and returns its exit status; every failure is printed here, never thrown. */
export async function main (argv: string[]): Promise<number> {
  const printed: Printed = { jsonError: false }
  watchStdout()
  try {
    const status = await run(argv, printed)
    // Let a failed write of the last output report itself (stdout emits its 'error' on a later tick).
    await new Promise(resolve => setImmediate(resolve))
    if (stdoutError !== undefined) throw stdoutError
    return status
  } catch (err) {
    return fail(err, argv.includes('--json') && !printed.jsonError)
  }
}

/** The first error of stdout (EPIPE: its reader went away), kept so that it fails the command typed, not as a crash. */
let stdoutError: unknown
let watching = false
function watchStdout (): void {
  if (watching) return
  watching = true
  process.stdout.on('error', (err) => { stdoutError ??= err })
}

async function run (argv: string[], printed: Printed): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      profile: { type: 'string' },
      car: { type: 'string' },
      json: { type: 'boolean', default: false },
      output: { type: 'string', short: 'o' },
      strip: { type: 'boolean', default: false },
      'allow-escaping-symlinks': { type: 'boolean', default: false },
      limit: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  const [command, ...args] = positionals
  if (values.help) { console.log(usage); return 0 }
  if (command === undefined) throw new UsageError('no command given')
  const limits = parseLimitOptions(values.limit)
  if (values.limit !== undefined && command !== 'create' && command !== 'verify') throw new UsageError(`--limit applies to create and verify, not ${command}`)

  switch (command) {
    case 'create': {
      const [path] = args
      if (path === undefined) throw new UsageError('create needs an ARCHIVE')
      const profile = getProfile((values.profile ?? 'unixfs-v1-2025') as ProfileName).name
      const size = await checkInputFile(path)
      if (values.car !== undefined) await checkOutputParent(values.car)
      const car = values.car === undefined ? undefined : await createCarFile(values.car)
      const progress = progressBar(size, basename(path))
      const result = await manifestFromFile(path, { profile, blockstore: car ?? discardBlocks, onProgress: progress.update, limits })
      progress.done()
      await car?.finish(result.cid)
      console.log(values.json ? JSON.stringify(summary(result.cid.toString(), result, result.entries), null, 2) : describe(result))
      return 0
    }
    case 'restore': {
      const car = await openCar(args[0])
      try {
        // A file appears only once its bytes are verified; stdout gets them as they come (check the exit status).
        if (values.output !== undefined) {
          await checkOutputParent(values.output)
          await writeFileAtomically(values.output, restoreArchive(car.root, car))
        } else {
          await writeStdout(restoreArchive(car.root, car))
        }
      } finally { await car.close() }
      return 0
    }
    case 'verify': {
      const car = await openCar(args[0])
      try {
        console.log(verifiedOutput(await verifyManifest(car.root, car, { limits }), values.json))
      } catch (err) {
        const report = failedOutput(car.root.toString(), err, values.json)
        if (report !== undefined) console.log(report)
        printed.jsonError = report !== undefined && values.json
        throw err
      } finally { await car.close() }
      return 0
    }
    case 'extract': {
      const [carPath, dir] = args
      if (dir === undefined) throw new UsageError('extract needs MANIFEST.car and DIR')
      const car = await openCar(carPath)
      try {
        const report = await extractTree(car.root, car, dir, { strip: values.strip, allowEscapingSymlinks: values['allow-escaping-symlinks'] })
        console.log(`extracted ${report.files} files, ${report.directories} directories, ${report.symlinks} symlinks (${report.bytes} bytes) into ${dir}`)
      } finally { await car.close() }
      return 0
    }
    case 'materialize': {
      const car = await openCar(args[0])
      if (values.output === undefined) throw new UsageError('materialize needs -o VIEW.car')
      try {
        const out = await createCarFile(values.output)
        // Reads the manifest, its records and the tree from the CAR; writes only the view's own blocks.
        const view = await materializeView(car.root, { get: (cid: CID) => car.get(cid), put: (cid: CID, bytes: Uint8Array) => out.put(cid, bytes) })
        await out.finish(view)
        console.log(`view ${view} written to ${values.output}`)
      } finally { await car.close() }
      return 0
    }
    case 'inspect': {
      const car = await openCar(args[0])
      try {
        const manifest = await loadManifest(car.root, car)
        if (!values.json) { console.log(toDagJson(manifest)); return 0 }
        const entries: AnyEntry[] = []
        for await (const entry of loadEntries(manifest, car)) entries.push(entry)
        console.log(JSON.stringify(summary(car.root.toString(), { manifest }, entries), null, 2))
      } finally { await car.close() }
      return 0
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`)
  }
}

async function openCar (path: string | undefined): Promise<Awaited<ReturnType<typeof openCarFile>>> {
  if (path === undefined) throw new UsageError('this command needs a MANIFEST.car')
  await checkInputFile(path)
  return await openCarFile(path)
}

/** A command line this CLI does not understand (exit 2). */
class UsageError extends Error {}

/**
 * Prints `err` (one line on stderr; with `json`, an object on stdout) and returns the exit status. The file
 * system's errors are typed here if the code that met them did not; anything untyped is a bug (ERR_INTERNAL).
 */
function fail (err: unknown, json: boolean): number {
  const usageFailure = err instanceof UsageError || err instanceof LimitOptionError ||
    (err as { code?: unknown }).code?.toString().startsWith('ERR_PARSE_ARGS') === true
  const typed = typedFsError(err)
  const code = usageFailure ? 'ERR_USAGE' : typed instanceof ArchiveManifestError ? typed.code : 'ERR_INTERNAL'
  const message = typed instanceof Error ? typed.message : String(typed)
  console.error(`error ${code}: ${message}${usageFailure ? ' (see --help)' : ''}`)
  if (json) {
    const where = typed instanceof ArchiveManifestError ? { offset: typed.offset, entry: typed.entry } : {}
    console.log(JSON.stringify({ error: { code, message, ...where } }, null, 2))
  }
  return usageFailure ? 2 : 1
}

/** Writes `chunks` to stdout, stopping at its first error (see watchStdout). */
async function writeStdout (chunks: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of chunks) {
    if (stdoutError !== undefined) throw stdoutError
    if (!process.stdout.write(chunk)) await once(process.stdout, 'drain')
  }
}

/** The stable machine-readable summary printed by `create --json` and `inspect --json`. */
function summary (cid: string, result: Pick<ManifestResult<AnyEntry>, 'manifest'>, entries: AnyEntry[]): object {
  const m = result.manifest
  return {
    manifest: cid,
    profile: m.profile,
    archive: {
      cid: archiveCid(m).toString(),
      size: m.archive.size,
      sha256: Buffer.from(m.archive.sha256).toString('hex'),
      sha512: Buffer.from(m.archive.sha512).toString('hex')
    },
    tree: m.tree.root.toString(),
    strippedTree: m.tree.stripped?.toString() ?? null,
    entryCount: m.entryCount,
    entries: entries.map(e => ({
      path: displayName(e.path),
      type: e.type,
      size: e.size,
      content: e.content?.toString() ?? null,
      ...(e.excluded === undefined ? {} : { excluded: e.excluded })
    }))
  }
}

/** The archive's bytes: linked, else the `ipfs add` CID of the file the manifest records. */
function archiveCid (m: Manifest): CID {
  if (m.archive.root !== undefined) return m.archive.root
  if (m.compression !== undefined) return CID.decode(m.compression.fileCid)
  if (m.zip !== undefined) return CID.decode(m.zip.fileCid)
  if (m.tar !== undefined) return CID.decode(m.tar.view)
  throw new UsageError('manifest names no archive bytes')
}

function describe (result: ManifestResult<AnyEntry>): string {
  const c = result.counts
  const m = result.manifest
  // Shares are of the tar stream (what the tree deduplicates; a compressed archive is smaller), or of the zip.
  const base = m.tar?.size ?? m.archive.size
  const of = m.tar === undefined ? 'the zip\'s bytes' : 'the tar\'s bytes'
  const pct = (n: number): string => base === 0 ? '0%' : `${(100 * n / base).toFixed(2)}%`
  const members = m.compression?.members ?? []
  const recipes = [...new Set(members.map(x => x.recipe === undefined ? 'none' : `${x.recipe.encoder} ${Object.values(x.recipe.params).join(' ')}`))]
  const rebuiltEntries = result.entries.filter(e => 'recipe' in e && e.recipe !== undefined).length
  return [
    `manifest  ${result.cid}`,
    `archive   ${result.archiveCid}  (${m.archive.format}, ${c.archiveBytes} bytes, sha256 ${Buffer.from(m.archive.sha256).toString('hex')})`,
    ...(m.compression === undefined
      ? []
      : [`rebuild   ${m.archive.root === undefined ? `from the tar by recipe: ${recipes.join(', ')}` : 'from its own blocks (no recipe reproduces every member)'} (${members.length} member${members.length === 1 ? '' : 's'})`]),
    ...(m.zip === undefined ? [] : [`rebuild   ${rebuiltEntries} deflated entr${rebuiltEntries === 1 ? 'y' : 'ies'} from the tree by recipe, the rest kept verbatim`]),
    `tree      ${result.treeCid}`,
    ...(result.strippedTreeCid === undefined ? [] : [`stripped  ${result.strippedTreeCid}`]),
    `entries   ${c.entries}${headerSummary(result.entries)}`,
    `shared with the tree: ${pct(c.treeContentBytes)} of ${of}; headers, padding and other bytes: ${pct(c.segmentBytes)}`
  ].join('\n')
}

/** How a tar's headers are kept: the styles that regenerate them, and the exceptions. */
function headerSummary (entries: AnyEntry[]): string {
  const tar = entries.filter((e): e is Entry => 'style' in e)
  if (tar.length === 0) return ''
  const styles = [...new Set(tar.map(e => e.style))]
  const patched = tar.filter(e => e.header === 'patched').length
  const verbatim = tar.filter(e => e.header === 'verbatim').length
  return `; headers regenerated by style ${styles.join(', ')} (${patched} patched, ${verbatim} kept verbatim)`
}

function progressBar (total: number, label: string): { update: (n: number) => void, done: () => void } {
  if (process.stderr.isTTY !== true || total < 64 * 1024 * 1024) return { update: () => {}, done: () => {} }
  let last = -1
  return {
    update: (n) => {
      const pct = Math.floor(100 * n / total)
      if (pct !== last) { last = pct; process.stderr.write(`\r${label}: ${pct}% of ${(total / 1e6).toFixed(0)} MB`) }
    },
    done: () => { process.stderr.write('\n') }
  }
}

/** Run as a program (also through npm's bin symlink), not when imported. */
function invokedDirectly (): boolean {
  if (process.argv[1] === undefined) return false
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (invokedDirectly()) {
  void main(process.argv.slice(2)).then(code => { process.exitCode = code })
}
