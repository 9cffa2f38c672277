import { nar as narOf } from '../../nar/nar.js'
import { type Command, openCar } from './command.js'
import { outputPath, writeOutput } from './output.js'

export const nar: Command = {
  name: 'nar',
  synopsis: 'nar MANIFEST.car [--strip] [-o FILE|-] [--force]',
  description: 'write the NAR of the unpacked tree (nix-store --dump of its extraction), or with --strip of its single top-level directory, streamed from the blocks; checked against the hash the manifest records (create --nar), if any',
  help: [
    '--strip           the NAR of the single top-level directory (a Nix store path of fetchzip\'s output)',
    '-o, --output FILE write to FILE, which appears only once the whole NAR is written and checked; without',
    '    it (or with -o -) the NAR goes to stdout as it is made: trust it only when the exit status is 0',
    '--force           write to stdout even when it is a terminal (refused otherwise, as gzip does)'
  ],
  options: { strip: { type: 'boolean' }, output: { type: 'string', short: 'o' }, force: { type: 'boolean', default: false } },
  async run (inv) {
    const output = outputPath(inv)
    const car = await openCar(inv.args[0])
    try {
      await writeOutput(output, narOf(car.root, car, { strip: inv.values.strip === true }))
    } finally { await car.close() }
    return 0
  }
}
