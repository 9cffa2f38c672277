import { restoreArchive } from '../../manifest/restore.js'
import { directoryFiles } from '../directory-files.js'
import { type Command, openCar, stringOption, UsageError } from './command.js'
import { writeOutput } from './output.js'

export const restore: Command = {
  name: 'restore',
  synopsis: 'restore MANIFEST.car [--from-dir DIR [--strip]] [-o OUT]',
  description: 'write the original archive bytes (verified) to OUT or stdout; OUT appears only once verified. --from-dir reads the tree\'s files from DIR (an extraction, or with --strip the single top-level directory\'s contents, as a Nix store path holds them), checking each, so the CAR needs only the manifest and its side data',
  options: { output: { type: 'string', short: 'o' }, 'from-dir': { type: 'string' }, strip: { type: 'boolean' } },
  async run (inv) {
    const car = await openCar(inv.args[0])
    const dir = stringOption(inv, 'from-dir')
    const strip = inv.values.strip === true
    if (strip && dir === undefined) throw new UsageError('--strip needs --from-dir')
    try {
      // A file appears only once its bytes are verified; stdout gets them as they come (check the exit status).
      await writeOutput(stringOption(inv, 'output'), restoreArchive(car.root, car, dir === undefined ? {} : { files: directoryFiles(dir), strip }))
    } finally { await car.close() }
    return 0
  }
}
