import { nar as narOf } from '../../nar/nar.js'
import { type Command, openCar, stringOption } from './command.js'
import { writeOutput } from './output.js'

export const nar: Command = {
  name: 'nar',
  synopsis: 'nar MANIFEST.car [--strip] [-o FILE]',
  description: 'write the NAR of the unpacked tree (nix-store --dump of its extraction), or with --strip of its single top-level directory, streamed from the blocks; checked against the hash the manifest records (create --nar), if any',
  options: { strip: { type: 'boolean' }, output: { type: 'string', short: 'o' } },
  async run (inv) {
    const car = await openCar(inv.args[0])
    try {
      await writeOutput(stringOption(inv, 'output'), narOf(car.root, car, { strip: inv.values.strip === true }))
    } finally { await car.close() }
    return 0
  }
}
