/**
 * The file system's errors as typed errors. Node reports them as plain Errors with an errno `code`
 * (ENOENT, EISDIR, …); at this edge each becomes an ArchiveManifestError subclass with a stable code, the
 * path and the system call in `details`, and the original as `cause`.
 */
import { stat } from 'node:fs/promises'
import type { BigIntStats } from 'node:fs'
import { dirname } from 'node:path'
import {
  ArchiveManifestError, FileExistsError, FileNotFoundError, FileSystemError, NotAFileError, OutputClosedError,
  PermissionDeniedError
} from '../errors.js'

type ErrorClass = new (message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) => ArchiveManifestError

/** errno codes with a class of their own; every other errno is a FileSystemError. */
const classes: Record<string, ErrorClass> = {
  ENOENT: FileNotFoundError,
  ENOTDIR: FileNotFoundError,
  EISDIR: NotAFileError,
  EEXIST: FileExistsError,
  ENOTEMPTY: FileExistsError,
  EACCES: PermissionDeniedError,
  EPERM: PermissionDeniedError,
  EROFS: PermissionDeniedError,
  EPIPE: OutputClosedError
}

/**
 * `err` as a typed error when it is a Node system error (it has an errno `code` such as ENOENT), else
 * `err` itself. The message keeps the system's words ("no such file or directory") and names the path.
 *
 * @example
 * ```ts
 * try { await open(path) } catch (err) { throw typedFsError(err) }
 * ```
 */
export function typedFsError (err: unknown): unknown {
  if (err instanceof ArchiveManifestError || !(err instanceof Error)) return err
  const { code, syscall, path } = err as NodeJS.ErrnoException
  if (typeof code !== 'string' || typeof syscall !== 'string') return err
  // Node's message is "ENOENT: no such file or directory, open '/x'": keep the words between code and call.
  const words = /^[A-Z0-9]+: (.*?), /.exec(err.message)?.[1] ?? (code === 'EPIPE' ? 'the reader of the output closed it' : 'failed')
  const Class = classes[code] ?? FileSystemError
  const message = path === undefined ? `${syscall}: ${words} (${code})` : `${syscall} ${path}: ${words} (${code})`
  return new Class(message, { errno: code, syscall, ...(path === undefined ? {} : { path }) }, { cause: err })
}

/**
 * stat of a path to read: FileNotFoundError when nothing is there, NotAFileError for a directory or a
 * device. What it says holds for the path when asked: a reader decides from the handle it opens (files.ts).
 */
export async function statInput (path: string): Promise<BigIntStats> {
  let info
  try {
    info = await stat(path, { bigint: true })
  } catch (err) {
    throw typedFsError(err)
  }
  if (!info.isFile() && !info.isFIFO() && !info.isSocket()) {
    throw new NotAFileError(`${path} is ${info.isDirectory() ? 'a directory' : 'a device, not a file or a pipe'}`, { path })
  }
  return info
}

/**
 * Whether `path` is a regular file (true) or another file that can be read as a stream: a FIFO (a named
 * pipe, `/dev/stdin` of a pipeline, `<(command)`) or a socket (false). Anything else is a typed error:
 * FileNotFoundError, or NotAFileError for a directory or a device (a terminal, `/dev/zero`, a disk).
 */
export async function isRegularFile (path: string): Promise<boolean> {
  return (await statInput(path)).isFile()
}

/**
 * Checks that `path` is a regular file to read and returns its size: FileNotFoundError when nothing is
 * there, NotAFileError for a directory, device, FIFO or socket.
 */
export async function checkInputFile (path: string): Promise<number> {
  const info = await statInput(path)
  if (!info.isFile()) throw new NotAFileError(`${path} is not a regular file`, { path })
  return Number(info.size)
}

/**
 * Checks that the directory `path` would be created in exists (nothing creates it: see extract.ts on why
 * not), so that a missing one is reported by the path the user gave, not by a temporary name beside it.
 */
export async function checkOutputParent (path: string): Promise<void> {
  const parent = dirname(path)
  const info = await stat(parent).catch(() => undefined)
  if (info?.isDirectory() !== true) throw new FileNotFoundError(`cannot create ${path}: ${parent} is not an existing directory`, { path: parent })
}
