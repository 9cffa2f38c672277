import { CID } from 'multiformats/cid'
import { loadManifest } from '../../manifest/load.js'
import { type Command, openCar } from './command.js'
import { archiveFacts } from './summary.js'

export const roots: Command = {
  name: 'roots',
  synopsis: 'roots MANIFEST.car|- [--json]',
  description: 'print every CID a user may want (manifest, archive, tar, tree, stripped tree) and whether the CAR holds its blocks',
  help: [
    'MANIFEST.car may be a pipe; - reads the CAR from stdin.',
    'One line per CID: its name, the CID, and whether its root block is in the CAR and why not:',
    '  manifest   the manifest (the CAR\'s root)',
    '  archive    the archive file as ipfs add gives it (a plain tar\'s is the tar\'s view)',
    '  tar        the tar stream\'s view, for a tar and a compressed tar (materialize writes its blocks)',
    '  tree       the unpacked tree as ipfs add -r gives it',
    '  stripped   the tree\'s single top-level directory, when there is one (Nix fetchzip\'s stripRoot)',
    '--json            {"manifest": {"cid", "inCar"}, "archive": {..., "rebuild"}, "tar", "tree", "stripped"}',
    '    (docs/cli-json.schema.json, "roots"); tar and stripped are null when absent'
  ],
  options: {},
  async run (inv) {
    const car = await openCar(inv.args[0])
    try {
      const m = await loadManifest(car.root, car)
      const facts = archiveFacts(m)
      const view = m.tar === undefined ? undefined : CID.decode(m.tar.view)
      const named: Array<[string, CID | undefined, string]> = [
        ['manifest', car.root, ''],
        ['archive', facts.cid, facts.rebuild === 'view' ? 'the tar\'s view: materialize writes its blocks' : facts.rebuild === 'recipe' ? 'rebuilt from the tar by recipe: restore writes its bytes' : 'rebuilt from entry records and the tree: restore writes its bytes'],
        ['tar', view, 'the tar\'s view: materialize writes its blocks'],
        ['tree', m.tree.root, 'the tree is not in this CAR'],
        ['stripped', m.tree.stripped, 'the tree is not in this CAR']
      ]
      if (inv.values.json === true) {
        const json: Record<string, unknown> = {}
        for (const [name, cid] of named) json[name] = cid === undefined ? null : { cid: cid.toString(), inCar: car.has(cid), ...(name === 'archive' ? { rebuild: facts.rebuild } : {}) }
        console.log(JSON.stringify(json, null, 2))
        return 0
      }
      const lines = named.filter((n): n is [string, CID, string] => n[1] !== undefined).map(([name, cid, why]) =>
        `${name.padEnd(9)} ${cid.toString()}  ${car.has(cid) ? 'in this CAR' : `not in this CAR (${why})`}`)
      console.log(lines.join('\n'))
    } finally { await car.close() }
    return 0
  }
}
