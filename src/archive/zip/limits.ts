/**
 * Limits of the zip reader. They extend the common limits (src/limits.ts; `maxEntries` applies to zip too) and
 * are resolved the same way: named defaults, overridable per call, never mutated.
 */
import type { ZipLimits } from './types.js'
import { defaultLimits } from '../../limits.js'

export const defaultZipLimits: ZipLimits = Object.freeze({
  ...defaultLimits,
  /**
   * The central directory is read into memory whole (it has to be: it is the only authoritative index).
   * 46 bytes plus name, extra and comment per entry: 256 MiB is over 1M entries with long names.
   */
  maxCentralDirectoryBytes: 256 * 1024 * 1024,
  /**
   * Deflate cannot exceed about 1032:1, so a larger declared ratio is either another method or a lie, and
   * 1000:1 sits just under that ceiling. Only declared sizes are checked (nothing is inflated here); bzip2,
   * lzma or zstd of long runs legitimately exceed it: raise it for such archives.
   */
  maxCompressionRatio: 1000,
  /** Below this uncompressed size a high ratio cannot hurt (a file of zeros is small anyway). */
  compressionRatioMinBytes: 16 * 1024 * 1024
})

/** The defaults with the caller's overrides; never mutates either. */
export function resolveZipLimits (overrides: Partial<ZipLimits> = {}): ZipLimits {
  return Object.freeze({ ...defaultZipLimits, ...overrides })
}
