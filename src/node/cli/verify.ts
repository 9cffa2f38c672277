import { verifyManifest } from '../../manifest/verify.js'
import { parseLimitOptions } from '../limit-options.js'
import { type Command, openCar, stringsOption } from './command.js'
import { failedOutput, verifiedOutput } from './verify-output.js'

export const verify: Command = {
  name: 'verify',
  synopsis: 'verify MANIFEST.car|- [--json] [--limit NAME=N ...]',
  description: 'check every block, digest, entry and CID of the manifest; lists every missing or corrupt block',
  help: [
    'MANIFEST.car may be a pipe; - reads the CAR from stdin.',
    'Reads every block the manifest reaches, restores the archive and checks its size and digests, and',
    '    describes it again to check every entry and CID. On failure each missing, corrupt or undecodable',
    '    block is listed with the places that link it (exit 1, ERR_VERIFY_FAILED).',
    '--json            the report as JSON (docs/cli-json.schema.json, "verify"): ok, manifest, blocks,',
    '    entries, archiveBytes and problems, or ok false with error and problems',
    '--limit NAME=N    override a resource limit (repeatable; the limits are listed below)'
  ],
  options: { limit: { type: 'string', multiple: true } },
  async run (inv) {
    const limits = parseLimitOptions(stringsOption(inv, 'limit'))
    const json = inv.values.json === true
    const car = await openCar(inv.args[0])
    try {
      console.log(verifiedOutput(await verifyManifest(car.root, car, { limits }), json))
    } catch (err) {
      const report = failedOutput(car.root.toString(), err, json)
      if (report !== undefined) console.log(report)
      inv.printed.jsonError = report !== undefined && json
      throw err
    } finally { await car.close() }
    return 0
  }
}
