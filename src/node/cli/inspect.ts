import { toDagJson } from '../../codec/manifest-codec.js'
import { loadEntries, loadManifest } from '../../manifest/load.js'
import type { AnyEntry } from '../../schema/types.js'
import { type Command, openCar } from './command.js'
import { summary } from './summary.js'

export const inspect: Command = {
  name: 'inspect',
  synopsis: 'inspect MANIFEST.car [--json]',
  description: 'print the manifest (dag-json) or its summary as JSON',
  options: {},
  async run (inv) {
    const car = await openCar(inv.args[0])
    try {
      const manifest = await loadManifest(car.root, car)
      if (inv.values.json !== true) { console.log(toDagJson(manifest)); return 0 }
      const entries: AnyEntry[] = []
      for await (const entry of loadEntries(manifest, car)) entries.push(entry)
      console.log(JSON.stringify(summary(car.root.toString(), { manifest }, entries), null, 2))
    } finally { await car.close() }
    return 0
  }
}
