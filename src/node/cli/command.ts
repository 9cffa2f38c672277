/**
 * What every CLI command is: a name, its usage lines, its options (node:util parseArgs), and a run that
 * returns the exit status. Commands live one per file beside this one and are listed in commands.ts.
 */
import type { ParseArgsConfig } from 'node:util'
import { once } from 'node:events'
import { fstatSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { isatty } from 'node:tty'
import { InvalidManifestError, TruncatedCarError, UnsupportedCidError } from '../../errors.js'
import type { CarFileSink, CarFileSource } from '../car-file.js'
import { streamChunks } from '../files.js'
import { checkOutputParent } from '../fs-errors.js'

export type OptionSpec = NonNullable<ParseArgsConfig['options']>

/** The parsed command line a command runs with. */
export interface Invocation {
  /** Positional arguments after the command's name. */
  args: string[]
  /** Option values, by long name (types as declared in the command's `options`). */
  values: Record<string, string | boolean | string[] | boolean[] | undefined>
  /**
   * `jsonError`: set by a command that printed its own --json report of a failure (verify), so that it is
   * not printed twice. `dataOnStdout`: set by a command whose stdout carries data (a CAR, an archive), so
   * that reports go to stderr instead.
   */
  printed: { jsonError: boolean, dataOnStdout?: boolean }
}

export interface Command {
  name: string
  /** The synopsis: `NAME ARGS [options]`, as the usage shows it. */
  synopsis: string
  /** What the command does, in a line or two (usage and `COMMAND --help`). */
  description: string
  /** `COMMAND --help`'s further lines: its arguments and each option (indent continuation lines). */
  help?: string[]
  /** Options beyond the common ones (--json, --help). */
  options: OptionSpec
  run: (invocation: Invocation) => Promise<number>
}

/** A command line this CLI does not understand (exit 2). */
export class UsageError extends Error {}

/**
 * Opens the CAR a command reads its manifest from: a file, a pipe, or `-` for stdin. A roots-less CAR (as
 * `create --car -` streams it) ends with its manifest; when its last block is not one, it was cut short.
 */
export async function openCar (path: string | undefined): Promise<CarFileSource> {
  if (path === undefined) throw new UsageError('this command needs a MANIFEST.car (or - for stdin)')
  // Loaded here, not at start-up: the CLI's entry imports this file, and most runs of create write no CAR.
  const [{ openCarFile, openCarStream }, { loadManifest }] = await Promise.all([import('../car-file.js'), import('../../manifest/load.js')])
  const car = path === '-' ? await openCarStream(stdinChunks()) : await openCarFile(path)
  if (car.rootless) {
    try {
      await loadManifest(car.root, car)
    } catch (err) {
      await car.close()
      if (!(err instanceof InvalidManifestError || err instanceof UnsupportedCidError)) throw err
      throw new TruncatedCarError(`${path === '-' ? 'the CAR on stdin' : path} has no roots and its last block ${car.root} is not a manifest, which a streamed manifest CAR ends with: it is truncated (or holds no manifest)`, {}, { cause: err })
    }
  }
  return car
}

/** Stdin's bytes as they come; a terminal is refused, as gzip refuses to read compressed data from one. */
export function stdinChunks (): AsyncGenerator<Uint8Array> {
  if (isatty(0)) throw new UsageError('refusing to read binary input from a terminal: pipe it in, or name a file')
  return streamChunks({ fd: 0 })
}

/** Refuses to write binary data to a terminal (as gzip and zstd do) unless forced. */
export function checkBinaryStdout (force: boolean): void {
  if (!force && isatty(1)) throw new UsageError('refusing to write binary data to a terminal: redirect stdout, give an output file, or use --force')
}

/** Whether `path` is `-` or names the file stdout is (`/dev/stdout`, `/proc/self/fd/1`, or the same file by another name). */
export async function isStdout (path: string): Promise<boolean> {
  if (path === '-') return true
  const info = await stat(path).catch(() => undefined)
  if (info === undefined) return false
  try {
    const out = fstatSync(1)
    return out.dev === info.dev && out.ino === info.ino
  } catch {
    return false
  }
}

/**
 * Where a command writes a CAR: a file (its root patched into the header at the end), or, for `-`, a pipe,
 * FIFO or device, a roots-less stream whose last block is the root (see car-file.ts). `toStdout` says the
 * CAR is stdout, so the command's report goes to stderr.
 */
export async function openCarOutput (path: string, force: boolean): Promise<{ car: CarFileSink, toStdout: boolean }> {
  const toStdout = await isStdout(path)
  if (toStdout) checkBinaryStdout(force)
  const { createCarFile, createCarStream, createCarStreamAt } = await import('../car-file.js')
  if (toStdout) return { car: createCarStream(writeStdout), toStdout }
  const info = await stat(path).catch(() => undefined)
  if (info !== undefined && !info.isFile() && !info.isDirectory()) return { car: createCarStreamAt(path), toStdout }
  await checkOutputParent(path)
  return { car: await createCarFile(path), toStdout }
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
