/**
 * The parameters of recipe encoder "zstd" (see encoder.ts for what each means) and their canonical form.
 * Apart from the encoder, so that reading a manifest checks a recipe without loading libzstd.
 */
import { InvalidArgumentError } from '../../errors.js'

/** Parameter rules for recipe encoder "zstd": integers; a parameter at its default must be omitted (canonical form). */
export const ZSTD_PARAM_RULES: Record<string, { min: number, max: number, default?: number }> = {
  level: { min: -131072, max: 22 },
  checksum: { min: 0, max: 1, default: 1 },
  pledged: { min: 0, max: 1, default: 0 },
  workers: { min: 0, max: 1, default: 1 },
  long: { min: 10, max: 30, default: 0 }
}

export interface ZstdSettings { level: number, checksum: number, pledged: number, workers: number, long: number }

/** Checks `params` beyond ZSTD_PARAM_RULES (level 0 is an alias of 3, refused); throws InvalidArgumentError. */
export function checkZstdParams (params: Readonly<Record<string, number>>): ZstdSettings {
  for (const [key, value] of Object.entries(params)) {
    const rule = ZSTD_PARAM_RULES[key]
    if (rule === undefined) throw new InvalidArgumentError(`zstd encoder has no parameter ${JSON.stringify(key)}`)
    if (!Number.isInteger(value) || ((value < rule.min || value > rule.max) && value !== rule.default)) {
      throw new InvalidArgumentError(`zstd encoder parameter ${key} = ${value} is out of range`)
    }
  }
  const level = params.level
  if (level === undefined) throw new InvalidArgumentError('zstd encoder needs a level')
  if (level === 0) throw new InvalidArgumentError('zstd level 0 is an alias of level 3: write 3')
  const get = (key: string): number => params[key] ?? ZSTD_PARAM_RULES[key]!.default!
  return { level, checksum: get('checksum'), pledged: get('pledged'), workers: get('workers'), long: get('long') }
}
