#!/usr/bin/env node
/**
 * ipld-archive-manifest CLI: finds the command (one file per command in ./cli/), parses its options and
 * runs it. Blocks live in CAR files: `create` writes one (root: the manifest), the other commands read one.
 * Exit codes: 0 success, 1 a typed error, 2 a usage error. Every failure prints one line
 * `error CODE: message` on stderr (usage errors: ERR_USAGE) and, with --json, the object
 * `{"error": {code, message, offset?, entry?}}` on stdout (verify --json: its report, which holds `error`).
 */
import { parseArgs } from 'node:util'
import { realpathSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { ArchiveManifestError } from '../errors.js'
import { typedFsError } from './fs-errors.js'
import { LimitOptionError } from './limit-options.js'
import { type Command, type Invocation, UsageError, throwStdoutError, watchStdout } from './cli/command.js'
import { commands, loadCommands } from './cli/commands.js'

const limitsHelp = `  --limit NAME=N (repeatable) overrides a resource limit: maxPaxHeaderBytes, maxLongNameBytes,
      maxSparseExtensionBlocks, maxEntries, maxPathDepth, maxCentralDirectoryBytes, maxCompressionRatio,
      compressionRatioMinBytes (see the README)`

const exitHelp = `exit status: 0 ok; 1 a typed error, printed as "error CODE: message" on stderr (with --json also as
{"error":{"code","message","offset","entry"}} on stdout); 2 a usage error (code ERR_USAGE)`

async function usage (): Promise<string> {
  const lines = (await loadCommands()).map(c => `  ${c.synopsis}\n      ${c.description}`)
  return `usage: ipld-archive-manifest <command> [options]    (ipld-archive-manifest <command> --help for one)\n\n${lines.join('\n')}\n\n${limitsHelp}\n\n${exitHelp}`
}

function commandUsage (c: Command): string {
  const help = c.help === undefined ? '' : `\n\n${c.help.map(line => `  ${line}`).join('\n')}`
  return `usage: ipld-archive-manifest ${c.synopsis}\n\n  ${c.description}${help}\n\n${optionList(c)}${'limit' in c.options ? `\n\n${limitsHelp}` : ''}\n\n${exitHelp}`
}

/** Every option the command accepts, from its parser's spec, so that no option goes unmentioned. */
function optionList (c: Command): string {
  const options = Object.entries(c.options).map(([name, spec]) =>
    `${spec.short === undefined ? '' : `-${spec.short}, `}--${name}${spec.type === 'string' ? ' VALUE' : ''}${spec.multiple === true ? ' (repeatable)' : ''}`)
  return `  options: ${[...options, '--json', '-h, --help'].join('; ')}`
}

/** Runs one command and returns its exit status; every failure is printed here, never thrown. */
export async function main (argv: string[]): Promise<number> {
  const printed: Invocation['printed'] = { jsonError: false }
  watchStdout()
  try {
    const status = await run(argv, printed)
    // Let a failed write of the last output report itself (stdout emits its 'error' on a later tick).
    await new Promise(resolve => setImmediate(resolve))
    throwStdoutError()
    return status
  } catch (err) {
    return fail(err, argv.includes('--json') && !printed.jsonError, printed.dataOnStdout === true)
  }
}

async function run (argv: string[], printed: Invocation['printed']): Promise<number> {
  const at = argv.findIndex(a => !a.startsWith('-'))
  const name = at === -1 ? undefined : argv[at]
  const entry = commands.find(c => c.name === name)
  if (entry === undefined) {
    if (argv.includes('--help') || argv.includes('-h')) { console.log(await usage()); return 0 }
    if (argv.includes('--version') || argv.includes('-V')) { console.log(`ipld-archive-manifest ${await packageVersion()}`); return 0 }
    throw new UsageError(name === undefined ? 'no command given' : `unknown command ${JSON.stringify(name)}`)
  }
  const command = await entry.load()
  const { values, positionals } = parseArgs({
    args: argv.filter((_, i) => i !== at),
    allowPositionals: true,
    options: {
      ...command.options,
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (values.help === true) { console.log(commandUsage(command)); return 0 }
  return await command.run({ args: positionals, values, printed })
}

/**
 * Prints `err` (one line on stderr; with `json`, an object on stdout, or on stderr when stdout carries
 * data) and returns the exit status. The file system's errors are typed here if the code that met them
 * did not; anything untyped is a bug (ERR_INTERNAL).
 */
function fail (err: unknown, json: boolean, dataOnStdout: boolean): number {
  const usageFailure = err instanceof UsageError || err instanceof LimitOptionError ||
    (err as { code?: unknown }).code?.toString().startsWith('ERR_PARSE_ARGS') === true
  const typed = typedFsError(err)
  const code = usageFailure ? 'ERR_USAGE' : typed instanceof ArchiveManifestError ? typed.code : 'ERR_INTERNAL'
  const message = typed instanceof Error ? typed.message : String(typed)
  console.error(`error ${code}: ${message}${usageFailure ? ' (see --help)' : ''}`)
  if (json) {
    const where = typed instanceof ArchiveManifestError ? { offset: typed.offset, entry: typed.entry } : {}
    const report = JSON.stringify({ error: { code, message, ...where } }, null, 2)
    if (dataOnStdout) console.error(report)
    else console.log(report)
  }
  return usageFailure ? 2 : 1
}

/** This package's version, from the package.json above this file (in src/node/ or dist/src/node/). */
async function packageVersion (): Promise<string> {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(await readFile(new URL('package.json', dir), 'utf8')) as { name?: string, version?: string }
      if (pkg.name === 'ipld-archive-manifest' && typeof pkg.version === 'string') return pkg.version
    } catch {}
    if (dir.pathname === '/') return 'unknown'
  }
}

/** Run as a program (also through npm's bin symlink), not when imported. */
function invokedDirectly (): boolean {
  if (process.argv[1] === undefined) return false
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

/** Resolves once `stream` has handed everything written so far to the system (or has failed). */
async function flushed (stream: NodeJS.WriteStream): Promise<void> {
  await new Promise<void>(resolve => { stream.write('', () => { resolve() }) })
}

if (invokedDirectly()) {
  void main(process.argv.slice(2)).then(async code => {
    process.exitCode = code
    // The command is over, but a read may still wait on stdin (a pipe whose writer is still running):
    // exit as gzip does, once stdout and stderr have taken everything written.
    await flushed(process.stdout)
    await flushed(process.stderr)
    process.exit(code)
  })
}
