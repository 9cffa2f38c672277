import { checkHashAlgorithm } from '../../store/hash-hex.js'
import { openStore } from '../store.js'
import { type Command, UsageError, stringOption } from './command.js'

export const index: Command = {
  name: 'index',
  synopsis: 'index --store DIR [--algorithm sha256|sha512] [--json]',
  description: 'print the store\'s index root, then one line per entry: ALGORITHM HEX MANIFEST-CID',
  options: {
    store: { type: 'string' },
    algorithm: { type: 'string' }
  },
  async run (inv) {
    if (inv.args.length > 0) throw new UsageError('index takes no arguments')
    const storeDir = stringOption(inv, 'store')
    if (storeDir === undefined) throw new UsageError('index needs --store DIR')
    const name = stringOption(inv, 'algorithm')
    const algorithm = name === undefined ? undefined : checkHashAlgorithm(name)
    const store = await openStore(storeDir, { create: false })
    try {
      const entries = []
      for await (const e of store.list(algorithm)) entries.push({ algorithm: e.algorithm, hex: e.hex, manifest: e.manifest.toString() })
      // A HAMT lists in slot order; people look digests up by eye.
      entries.sort((a, b) => a.algorithm === b.algorithm ? (a.hex < b.hex ? -1 : 1) : (a.algorithm < b.algorithm ? -1 : 1))
      if (inv.values.json === true) {
        console.log(JSON.stringify({ root: store.indexRoot.toString(), entries }, null, 2))
      } else {
        console.log(`root ${store.indexRoot}`)
        for (const e of entries) console.log(`${e.algorithm} ${e.hex} ${e.manifest}`)
      }
    } finally {
      await store.close()
    }
    return 0
  }
}
