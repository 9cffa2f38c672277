import { FetchFailedError, InvalidArgumentError, InvalidHashError, type SourceFailure } from '../../errors.js'
import { fetchArchive, type FetchArchiveOptions } from '../../fetch/fetch-archive.js'
import { createAtomicFile, type AtomicFile } from '../atomic-file.js'
import { checkOutputParent } from '../fs-errors.js'
import { ResourceStack } from '../resource-stack.js'
import { createWorkerRebuildEncoders } from '../worker-rebuild-encoders.js'
import { type Command, UsageError, stringOption, stringsOption } from './command.js'
import { isStreamPath, outputPath, writeOutput } from './output.js'

export const fetchCommand: Command = {
  name: 'fetch',
  synopsis: 'fetch (--sha256 HEX | --sha512 HEX) (--mirror URL ... | --gateway URL ... --index CID) [-o OUT|-] [--force] [--json]',
  description: 'get an archive by its digest from hashed mirrors (URL/sha256/HEX), then from trustless gateways\' blocks through\n      the hash index CID, each in turn until one gives it; checked against the digest; OUT appears only once checked;\n      without -o (or with -o -) to stdout, refused on a terminal unless --force',
  options: {
    sha256: { type: 'string' },
    sha512: { type: 'string' },
    mirror: { type: 'string', multiple: true },
    gateway: { type: 'string', multiple: true },
    index: { type: 'string' },
    output: { type: 'string', short: 'o' },
    force: { type: 'boolean', default: false }
  },
  async run (inv) {
    if (inv.args.length > 0) throw new UsageError(`fetch takes no arguments, only options (got ${JSON.stringify(inv.args[0])})`)
    const json = inv.values.json === true
    const output = outputPath(inv)
    const sha256 = stringOption(inv, 'sha256')
    const sha512 = stringOption(inv, 'sha512')
    const options = {
      ...(sha256 === undefined ? {} : { sha256 }),
      ...(sha512 === undefined ? {} : { sha512 }),
      mirrors: stringsOption(inv, 'mirror') ?? [],
      gateways: stringsOption(inv, 'gateway') ?? [],
      ...(stringOption(inv, 'index') === undefined ? {} : { index: stringOption(inv, 'index') })
    } as FetchArchiveOptions
    const failures: SourceFailure[] = []
    let source: { kind: string, url: string } | undefined
    let size = 0
    // A file can take back bytes that turn out wrong (a mirror that served an error page): it is rewound
    // and the archive written again from a source found right. Stdout (or a pipe or device at -o) cannot:
    // there that is an error.
    const rewindable = output !== undefined && !await isStreamPath(output)
    // Members rebuilt from gateways' blocks are encoded on worker threads (started only once the bytes are
    // read): made and closed in one scope, so no way out (options refused at once included) leaves them.
    await ResourceStack.run(async resources => {
      const rebuild = await resources.use(createWorkerRebuildEncoders())
      let file: AtomicFile | undefined
      let bytes: AsyncGenerator<Uint8Array>
      try {
        bytes = fetchArchive({
          ...options,
          encoders: rebuild.encoders,
          onAttempt: s => { source = s },
          onFailure: f => {
            failures.push(f)
            console.error(`note: ${f.kind} ${f.url} failed (${f.code}: ${f.message}); trying the next`)
          },
          ...(!rewindable ? {} : { onRestart: async () => { size = 0; await file?.rewind() } })
        })
      } catch (err) {
        // What the command line asked for is malformed (a digest, a URL, a CID, no source): a usage error.
        if (err instanceof InvalidArgumentError || err instanceof InvalidHashError) throw new UsageError(err.message)
        throw err
      }
      if (rewindable) {
        await checkOutputParent(output)
        file = await createAtomicFile(output)
      }
      const counted = (async function * () { for await (const chunk of bytes) { size += chunk.length; yield chunk } })()
      try {
        // A file appears only once its bytes are checked; stdout gets them as they come (check the exit status).
        if (file === undefined) {
          await writeOutput(output, counted)
        } else {
          for await (const chunk of counted) await file.write(chunk)
          await file.commit()
        }
      } catch (err) {
        await file?.discard()
        if (json && err instanceof FetchFailedError) {
          console.log(JSON.stringify({ error: { code: err.code, message: err.message, failures: err.failures } }, null, 2))
          inv.printed.jsonError = true
        }
        throw err
      }
    })
    const algorithm = sha256 !== undefined ? 'sha256' : 'sha512'
    const report = { output: output ?? null, size, [algorithm]: sha256 ?? sha512, source, failures }
    // With no -o the archive went to stdout: the report goes to stderr.
    const print = output === undefined ? console.error : console.log
    print(json ? JSON.stringify(report, null, 2) : `fetched ${size} bytes, ${algorithm} ${sha256 ?? sha512 ?? ''}, from ${source?.kind ?? ''} ${source?.url ?? ''}${output === undefined ? '' : ` to ${output}`}`)
    return 0
  }
}
