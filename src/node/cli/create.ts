import { basename } from 'node:path'
import { discardBlocks } from '../../blocks.js'
import { getProfile, type ProfileName } from '../../unixfs/profile.js'
import { createCarFile } from '../car-file.js'
import { checkInputFile, checkOutputParent } from '../fs-errors.js'
import { parseLimitOptions } from '../limit-options.js'
import { manifestFromFile } from '../manifest-file.js'
import { type Command, UsageError, stringOption, stringsOption } from './command.js'
import { progressBar } from './progress.js'
import { describe, summary } from './summary.js'

export const create: Command = {
  name: 'create',
  synopsis: 'create ARCHIVE [--profile unixfs-v1-2025|unixfs-v0-2015] [--car OUT.car] [--nar] [--json] [--limit NAME=N ...]',
  description: 'describe a tar or zip archive; --car writes every block (root: the manifest) to OUT.car; --nar records the NAR hash of the tree and the stripped tree (Nix fetchzip\'s hash)',
  options: {
    profile: { type: 'string' },
    car: { type: 'string' },
    nar: { type: 'boolean' },
    limit: { type: 'string', multiple: true }
  },
  async run (inv) {
    const [path] = inv.args
    if (path === undefined) throw new UsageError('create needs an ARCHIVE')
    const limits = parseLimitOptions(stringsOption(inv, 'limit'))
    const profile = getProfile((stringOption(inv, 'profile') ?? 'unixfs-v1-2025') as ProfileName).name
    const carPath = stringOption(inv, 'car')
    const size = await checkInputFile(path)
    if (carPath !== undefined) await checkOutputParent(carPath)
    const car = carPath === undefined ? undefined : await createCarFile(carPath)
    const progress = progressBar(size, basename(path))
    const result = await manifestFromFile(path, { profile, blockstore: car ?? discardBlocks, onProgress: progress.update, limits, nar: inv.values.nar === true })
    progress.done()
    await car?.finish(result.cid)
    console.log(inv.values.json === true ? JSON.stringify(summary(result.cid.toString(), result, result.entries), null, 2) : describe(result))
    return 0
  }
}
