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
   * Checked on deflated entries only (method 8), against their declared sizes (nothing is inflated here).
   * Deflate's densest code is a 258-byte match in 2 bits (a 1-bit length code 285 and a 1-bit distance
   * code), so no deflate stream exceeds 258 * 8 / 2 = 1032:1: honest archives never reach this default
   * (Python's zipfile at level 9 over 64 MiB of zeros is 1028.8:1), a larger declared ratio is a lie. Other
   * methods (bzip2 of zeros passes 800 000:1) are not ratio-checked: this library never decompresses them.
   */
  maxCompressionRatio: 1032,
  /** Below this uncompressed size a high ratio cannot hurt (a file of zeros is small anyway). */
  compressionRatioMinBytes: 16 * 1024 * 1024
})

/** The defaults with the caller's overrides; never mutates either. */
export function resolveZipLimits (overrides: Partial<ZipLimits> = {}): ZipLimits {
  return Object.freeze({ ...defaultZipLimits, ...overrides })
}
