/**
 * What every CLI command is: a name, its usage lines, its options (node:util parseArgs), and a run that
 * returns the exit status. Commands live one per file beside this one and are listed in commands.ts.
 */
import type { ParseArgsConfig } from 'node:util'
import { once } from 'node:events'
import { checkInputFile } from '../fs-errors.js'
import { openCarFile } from '../car-file.js'

export type OptionSpec = NonNullable<ParseArgsConfig['options']>

/** The parsed command line a command runs with. */
export interface Invocation {
  /** Positional arguments after the command's name. */
  args: string[]
  /** Option values, by long name (types as declared in the command's `options`). */
  values: Record<string, string | boolean | string[] | boolean[] | undefined>
  /** Set by a command that printed its own --json report of a failure (verify), so it is not printed twice. */
  printed: { jsonError: boolean }
}

export interface Command {
  name: string
  /** The synopsis: `NAME ARGS [options]`, as the usage shows it. */
  synopsis: string
  /** What the command does, in a line or two (usage and `COMMAND --help`). */
  description: string
  /** Options beyond the common ones (--json, --help). */
  options: OptionSpec
  run: (invocation: Invocation) => Promise<number>
}

/** A command line this CLI does not understand (exit 2). */
export class UsageError extends Error {}

/** Opens the CAR file a command reads its manifest from, with typed errors for a missing or unreadable path. */
export async function openCar (path: string | undefined): Promise<Awaited<ReturnType<typeof openCarFile>>> {
  if (path === undefined) throw new UsageError('this command needs a MANIFEST.car')
  await checkInputFile(path)
  return await openCarFile(path)
}

/** The first error of stdout (EPIPE: its reader went away), kept so that it fails the command typed, not as a crash. */
let stdoutError: unknown
let watching = false

export function watchStdout (): void {
  if (watching) return
  watching = true
  process.stdout.on('error', (err) => { stdoutError ??= err })
}

/** Throws the error stdout met, if any (see watchStdout). */
export function throwStdoutError (): void {
  if (stdoutError !== undefined) throw stdoutError
}

/** Writes `chunks` to stdout, stopping at its first error (see watchStdout). */
export async function writeStdout (chunks: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of chunks) {
    throwStdoutError()
    if (!process.stdout.write(chunk)) await once(process.stdout, 'drain')
  }
}

/** A string option's value (parseArgs types all values as a union). */
export function stringOption (invocation: Invocation, name: string): string | undefined {
  const v = invocation.values[name]
  return typeof v === 'string' ? v : undefined
}

/** A repeatable string option's values. */
export function stringsOption (invocation: Invocation, name: string): string[] | undefined {
  const v = invocation.values[name]
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined
}
