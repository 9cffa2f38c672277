import type { CID } from 'multiformats/cid'
import { materializeView } from '../../manifest/materialize.js'
import { type Command, UsageError, openCar, openCarOutput, stringOption } from './command.js'

export const materialize: Command = {
  name: 'materialize',
  synopsis: 'materialize MANIFEST.car|- -o VIEW.car|- [--force]',
  description: 'write the blocks of the tar\'s view (root: tar.view), so that an IPFS node serves the tar from its CID',
  help: [
    'MANIFEST.car may be a pipe; - reads the CAR from stdin.',
    '-o, --output VIEW.car  where the view\'s own blocks go (the manifest\'s CAR holds the rest). -o - (or a',
    '    pipe) streams a roots-less CAR whose last block is the view\'s root; the report then goes to stderr',
    '--force                write the CAR to stdout even when it is a terminal'
  ],
  options: { output: { type: 'string', short: 'o' }, force: { type: 'boolean', default: false } },
  async run (inv) {
    const output = stringOption(inv, 'output')
    if (output === undefined) throw new UsageError('materialize needs -o VIEW.car')
    const car = await openCar(inv.args[0])
    try {
      const { car: out, toStdout } = await openCarOutput(output, inv.values.force === true)
      if (toStdout) inv.printed.dataOnStdout = true
      // Reads the manifest, its records and the tree from the CAR; writes only the view's own blocks.
      try {
        const view = await materializeView(car.root, { get: (cid: CID) => car.get(cid), put: (cid: CID, bytes: Uint8Array) => out.put(cid, bytes) })
        await out.finish(view)
        ;(toStdout ? console.error : console.log)(`view ${view} written to ${output}`)
      } catch (err) {
        await out.abort()
        throw err
      }
    } finally { await car.close() }
    return 0
  }
}
