import { restoreArchive } from '../../manifest/restore.js'
import { writeFileAtomically } from '../atomic-file.js'
import { checkOutputParent } from '../fs-errors.js'
import { type Command, openCar, stringOption, writeStdout } from './command.js'

export const restore: Command = {
  name: 'restore',
  synopsis: 'restore MANIFEST.car [-o OUT]',
  description: 'write the original archive bytes (verified) to OUT or stdout; OUT appears only once verified',
  options: { output: { type: 'string', short: 'o' } },
  async run (inv) {
    const car = await openCar(inv.args[0])
    const output = stringOption(inv, 'output')
    try {
      // A file appears only once its bytes are verified; stdout gets them as they come (check the exit status).
      if (output !== undefined) {
        await checkOutputParent(output)
        await writeFileAtomically(output, restoreArchive(car.root, car))
      } else {
        await writeStdout(restoreArchive(car.root, car))
      }
    } finally { await car.close() }
    return 0
  }
}
