/**
 * The CLI's `--limit name=value` options: overrides of the named resource limits (src/limits.ts and the zip
 * reader's, src/archive/zip/limits.ts). Names are checked against the defaults, so a new limit is accepted
 * here as soon as it has a default.
 */
import { defaultZipLimits } from '../archive/zip/limits.js'
import type { ZipLimits } from '../archive/zip/types.js'

/** A `--limit` that names no limit or gives no usable value: the CLI's usage error (exit 2). */
export class LimitOptionError extends Error {}

/**
 * Parses `name=value` options (value: a non-negative integer) into limit overrides; a later option for
 * the same name wins.
 *
 * @example
 * ```ts
 * parseLimitOptions(['maxEntries=5000000']) // { maxEntries: 5000000 }
 * ```
 */
export function parseLimitOptions (options: readonly string[] = []): Partial<ZipLimits> {
  const names = Object.keys(defaultZipLimits)
  const limits: Record<string, number> = {}
  for (const option of options) {
    const at = option.indexOf('=')
    const name = at < 0 ? option : option.slice(0, at)
    if (!names.includes(name)) throw new LimitOptionError(`--limit ${JSON.stringify(option)}: unknown limit ${JSON.stringify(name)}; the limits are ${names.join(', ')}`)
    const text = at < 0 ? '' : option.slice(at + 1)
    const value = Number(text)
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value)) {
      throw new LimitOptionError(`--limit ${JSON.stringify(option)}: limit ${name} needs a non-negative integer (default ${defaultZipLimits[name as keyof ZipLimits]})`)
    }
    limits[name] = value
  }
  return limits
}
