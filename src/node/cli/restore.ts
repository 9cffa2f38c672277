import { restoreArchive } from '../../manifest/restore.js'
import { directoryFiles } from '../directory-files.js'
import { createWorkerRebuildEncoders } from '../worker-rebuild-encoders.js'
import { type Command, UsageError, openCar, stringOption } from './command.js'
import { outputPath, writeOutput } from './output.js'

export const restore: Command = {
  name: 'restore',
  synopsis: 'restore MANIFEST.car|- [--from-dir DIR [--strip]] [-o OUT] [--force]',
  description: 'write the original archive bytes (verified) to OUT or stdout; OUT appears only once verified',
  help: [
    'MANIFEST.car may be a pipe; - reads the CAR from stdin (a roots-less CAR\'s root is its last block).',
    '-o, --output OUT  write to OUT, through a temporary file renamed onto OUT once the size and digests',
    '    are checked (on failure OUT is absent, or the earlier file untouched). Without it (or with -o -)',
    '    the bytes go to stdout as they are rebuilt: trust them only when the exit status is 0',
    '--from-dir DIR    read the tree\'s files from DIR (an extraction, or with --strip the single top-level',
    '    directory\'s contents, as a Nix store path holds them), checking each against its content CID; the',
    '    CAR then needs only the manifest and its side data',
    '--force           write to stdout even when it is a terminal (refused otherwise, as gzip does)',
    '--json            on failure, print the error as JSON on stderr'
  ],
  options: {
    output: { type: 'string', short: 'o' },
    'from-dir': { type: 'string' },
    strip: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false }
  },
  async run (inv) {
    const dir = stringOption(inv, 'from-dir')
    const strip = inv.values.strip === true
    if (strip && dir === undefined) throw new UsageError('--strip needs --from-dir')
    const output = outputPath(inv)
    const car = await openCar(inv.args[0])
    // bzip2 and threaded-xz members are encoded a block per core, other members on a thread of their own
    // (the workers start only if there are any).
    const rebuild = createWorkerRebuildEncoders()
    try {
      const bytes = restoreArchive(car.root, car, { ...rebuild.encoders, ...(dir === undefined ? {} : { files: directoryFiles(dir), strip }) })
      await writeOutput(output, bytes)
    } finally { await Promise.all([car.close(), rebuild.close()]) }
    return 0
  }
}
