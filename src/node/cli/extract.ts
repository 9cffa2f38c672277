import { extractTree } from '../extract.js'
import { type Command, UsageError, openCar } from './command.js'

export const extract: Command = {
  name: 'extract',
  synopsis: 'extract MANIFEST.car|- DIR [--strip]',
  description: 'write the unpacked tree into the new or empty directory DIR (left absent or empty on failure)',
  help: [
    'MANIFEST.car may be a pipe; - reads the CAR from stdin.',
    'DIR is created (its parent must exist) or must be an empty directory. Files get the permission bits of',
    '    the entries that define them; symlinks are kept as they are, absolute ones too (as GNU tar and Nix\'s',
    '    fetchzip keep them), and are made last, so nothing is ever written through one.',
    '--strip           extract the single top-level directory\'s contents (Nix fetchzip\'s stripRoot);',
    '    ERR_NO_SINGLE_TOP_DIRECTORY when the tree has none',
    '--allow-escaping-symlinks  accepted and ignored (symlinks are always kept)',
    '--json            on failure, print the error as JSON on stdout'
  ],
  options: {
    strip: { type: 'boolean', default: false },
    'allow-escaping-symlinks': { type: 'boolean', default: false }
  },
  async run (inv) {
    const [carPath, dir] = inv.args
    if (dir === undefined) throw new UsageError('extract needs MANIFEST.car and DIR')
    const car = await openCar(carPath)
    try {
      const report = await extractTree(car.root, car, dir, { strip: inv.values.strip === true })
      console.log(`extracted ${report.files} files, ${report.directories} directories, ${report.symlinks} symlinks (${report.bytes} bytes) into ${dir}`)
    } finally { await car.close() }
    return 0
  }
}
