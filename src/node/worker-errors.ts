/**
 * Errors across a worker thread boundary: the worker sends a thrown error's name, message, code and
 * details; the other side throws it again as the same typed class (by its stable code), so a caller
 * sees the error a worker met exactly as if it had been thrown in its own thread.
 */
import * as errors from '../errors.js'
import { ArchiveManifestError, WorkerFailedError, type ErrorDetails } from '../errors.js'

/** An error, as a worker sends it. */
export interface ErrorReply { kind: 'error', name: string, message: string, code?: string, details: unknown }

/** The typed error classes, by code. */
const ERROR_CLASSES = new Map<string, typeof ArchiveManifestError>(
  Object.values(errors)
    .filter((value): value is typeof ArchiveManifestError => typeof value === 'function' && (value === ArchiveManifestError || value.prototype instanceof ArchiveManifestError))
    .map(type => [type.code, type])
)

/** What a worker sends for `err`. */
export function errorReply (err: unknown): ErrorReply {
  const e = err as { name?: string, code?: string, message?: string, details?: unknown }
  return { kind: 'error', name: String(e.name ?? 'Error'), message: String(e.message ?? err), ...(typeof e.code === 'string' ? { code: e.code } : {}), details: e.details ?? {} }
}

/** The error a worker sent, typed again. */
export function rebuiltError (reply: ErrorReply): Error {
  const type = reply.code === undefined ? undefined : ERROR_CLASSES.get(reply.code)
  const err = type === undefined ? new Error(reply.message) : new type(reply.message, reply.details as ErrorDetails)
  // The message already says where (the constructor would say it twice).
  Object.defineProperty(err, 'message', { value: reply.message, writable: true, configurable: true })
  if (type === undefined) err.name = reply.name
  return err
}

/**
 * A worker's own failure (an 'error' event: out of memory, an uncaught throw; or an exit), typed: a typed
 * error the worker threw is kept as it is.
 */
export function workerFailure (worker: string, cause: unknown): Error {
  if (cause instanceof ArchiveManifestError) return cause
  const reason = cause instanceof Error ? `${(cause as { code?: string }).code ?? cause.name}: ${cause.message}` : String(cause)
  return new WorkerFailedError(`the ${worker} worker stopped: ${reason}`, { worker, reason })
}
