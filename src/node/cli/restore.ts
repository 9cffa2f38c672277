import { restoreArchive } from '../../manifest/restore.js'
import { writeFileAtomically } from '../atomic-file.js'
import { checkOutputParent } from '../fs-errors.js'
import { type Command, checkBinaryStdout, openCar, stringOption, writeStdout } from './command.js'

export const restore: Command = {
  name: 'restore',
  synopsis: 'restore MANIFEST.car|- [-o OUT] [--force]',
  description: 'write the original archive bytes (verified) to OUT or stdout; OUT appears only once verified',
  help: [
    'MANIFEST.car may be a pipe; - reads the CAR from stdin (a roots-less CAR\'s root is its last block).',
    '-o, --output OUT  write to OUT, through a temporary file renamed onto OUT once the size and digests',
    '    are checked (on failure OUT is absent, or the earlier file untouched). Without it (or with -o -)',
    '    the bytes go to stdout as they are rebuilt: trust them only when the exit status is 0',
    '--force           write to stdout even when it is a terminal (refused otherwise, as gzip does)',
    '--json            on failure, print the error as JSON on stderr'
  ],
  options: { output: { type: 'string', short: 'o' }, force: { type: 'boolean', default: false } },
  async run (inv) {
    const output = stringOption(inv, 'output')
    const toStdout = output === undefined || output === '-'
    if (toStdout) {
      checkBinaryStdout(inv.values.force === true)
      inv.printed.dataOnStdout = true
    }
    const car = await openCar(inv.args[0])
    try {
      // A file appears only once its bytes are verified; stdout gets them as they come (check the exit status).
      if (!toStdout) {
        await checkOutputParent(output)
        await writeFileAtomically(output, restoreArchive(car.root, car))
      } else {
        await writeStdout(restoreArchive(car.root, car))
      }
    } finally { await car.close() }
    return 0
  }
}
