import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { discardBlocks } from '../../blocks.js'
import { NotAnArchiveError } from '../../errors.js'
import { getProfile, type ProfileName } from '../../unixfs/profile.js'
import { isRegularFile } from '../fs-errors.js'
import { parseLimitOptions } from '../limit-options.js'
import { manifestFromFile, manifestFromStream } from '../manifest-file.js'
import { type Command, UsageError, openCarOutput, stdinChunks, stringOption, stringsOption } from './command.js'
import { progressBar } from './progress.js'
import { describe, summary } from './summary.js'
import { tierUpLater } from './tier-up.js'

export const create: Command = {
  name: 'create',
  synopsis: 'create ARCHIVE|- [--profile unixfs-v1-2025|unixfs-v0-2015] [--car OUT.car|-] [--nar] [--xz-blocks] [--force] [--json] [--limit NAME=N ...]',
  description: 'describe a tar (plain, gzip, bzip2, xz, zstd) or zip archive; print its manifest\'s CIDs',
  help: [
    'ARCHIVE may be a pipe or FIFO (/dev/stdin, <(command)); - reads stdin. Piped bytes are read once, as a',
    '    stream; a zip (read from its end) or a compressed tar (read twice if no recipe rebuilds it) is also',
    '    copied to a temporary file, removed afterwards. Empty input or text is ERR_NOT_AN_ARCHIVE.',
    '--profile NAME    the IPIP-499 CID profile (default unixfs-v1-2025)',
    '--car OUT.car     write every block (the manifest, its entry pages and the tree) to OUT.car, root: the',
    '    manifest. --car - (or a pipe) streams the CAR to stdout with no root in its header and the manifest',
    '    as its last block, as ipfs-car does; the summary then goes to stderr',
    '--nar             record the NAR hash and size of the tree and the stripped tree (Nix fetchzip\'s hash)',
    '--xz-blocks       verify an xz -T2 archive two blocks at a time: about half the time on two cores, for',
    '    a second xz encoder\'s memory (~200 MB more at -6)',
    '--force           write a CAR to stdout even when it is a terminal',
    '--json            print the summary as JSON (docs/cli-json.schema.json, "create")',
    '--limit NAME=N    override a resource limit (repeatable; the limits are listed below)'
  ],
  options: {
    profile: { type: 'string' },
    car: { type: 'string' },
    nar: { type: 'boolean', default: false },
    'xz-blocks': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    limit: { type: 'string', multiple: true }
  },
  async run (inv) {
    // Before any per-entry code has run: V8 then optimises fewer functions (#16, tier-up.ts).
    tierUpLater()
    const [path] = inv.args
    if (path === undefined) throw new UsageError('create needs an ARCHIVE (or - for stdin)')
    const limits = parseLimitOptions(stringsOption(inv, 'limit'))
    const profile = getProfile((stringOption(inv, 'profile') ?? 'unixfs-v1-2025') as ProfileName).name
    const carPath = stringOption(inv, 'car')
    // Checked before the CAR is created: a missing archive leaves no empty CAR behind.
    const stdin = path === '-' ? stdinChunks() : undefined
    const size = stdin !== undefined || !await isRegularFile(path) ? 0 : (await stat(path)).size
    const output = carPath === undefined ? undefined : await openCarOutput(carPath, inv.values.force === true)
    if (output?.toStdout === true) inv.printed.dataOnStdout = true
    const progress = progressBar(size, basename(path))
    const options = { profile, blockstore: output?.car ?? discardBlocks, onProgress: progress.update, limits, nar: inv.values.nar === true, xzBlocks: inv.values['xz-blocks'] === true }
    let result
    try {
      result = stdin !== undefined ? await manifestFromStream(stdin, options) : await manifestFromFile(path, options)
      // The format defines the empty archive (spec §6.8); as GNU tar, the CLI calls empty input no archive.
      if (result.manifest.archive.size === 0) throw new NotAnArchiveError(`${path === '-' ? 'stdin' : path} is empty: not an archive`, { offset: 0, format: 'empty' })
      await output?.car.finish(result.cid)
    } catch (err) {
      await output?.car.abort()
      throw err
    } finally {
      progress.done()
    }
    const print = output?.toStdout === true ? console.error : console.log
    print(inv.values.json === true ? JSON.stringify(summary(result.cid.toString(), result, result.entries), null, 2) : describe(result))
    return 0
  }
}
