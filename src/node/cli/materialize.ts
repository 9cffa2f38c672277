import type { CID } from 'multiformats/cid'
import { materializeView } from '../../manifest/materialize.js'
import { createCarFile } from '../car-file.js'
import { type Command, UsageError, openCar, stringOption } from './command.js'

export const materialize: Command = {
  name: 'materialize',
  synopsis: 'materialize MANIFEST.car -o VIEW.car',
  description: 'write the blocks of the tar\'s view (root: tar.view), so that an IPFS node serves the tar from its CID',
  options: { output: { type: 'string', short: 'o' } },
  async run (inv) {
    const output = stringOption(inv, 'output')
    const car = await openCar(inv.args[0])
    try {
      if (output === undefined) throw new UsageError('materialize needs -o VIEW.car')
      const out = await createCarFile(output)
      // Reads the manifest, its records and the tree from the CAR; writes only the view's own blocks.
      const view = await materializeView(car.root, { get: (cid: CID) => car.get(cid), put: (cid: CID, bytes: Uint8Array) => out.put(cid, bytes) })
      await out.finish(view)
      console.log(`view ${view} written to ${output}`)
    } finally { await car.close() }
    return 0
  }
}
