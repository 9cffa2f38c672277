import { extractTree } from '../extract.js'
import { type Command, UsageError, openCar } from './command.js'

export const extract: Command = {
  name: 'extract',
  synopsis: 'extract MANIFEST.car DIR [--strip] [--allow-escaping-symlinks]',
  description: 'write the unpacked tree into the new or empty directory DIR (left absent or empty on failure)',
  options: {
    strip: { type: 'boolean', default: false },
    'allow-escaping-symlinks': { type: 'boolean', default: false }
  },
  async run (inv) {
    const [carPath, dir] = inv.args
    if (dir === undefined) throw new UsageError('extract needs MANIFEST.car and DIR')
    const car = await openCar(carPath)
    try {
      const report = await extractTree(car.root, car, dir, { strip: inv.values.strip === true, allowEscapingSymlinks: inv.values['allow-escaping-symlinks'] === true })
      console.log(`extracted ${report.files} files, ${report.directories} directories, ${report.symlinks} symlinks (${report.bytes} bytes) into ${dir}`)
    } finally { await car.close() }
    return 0
  }
}
