/**
 * The encoders a recipe may name and their parameters, in one canonical form: `level` always, other
 * parameters only when they differ from their defaults. One archive then has one recipe encoding, and a
 * manifest with any other form is rejected when it is read.
 */
import { InvalidManifestError } from '../../errors.js'
import { InvalidArgumentError } from '../../errors.js'
import { XZ_PARAM_RULES, checkXzParams } from '../xz/params.js'
import { ZSTD_PARAM_RULES, checkZstdParams } from '../zstd/params.js'
import type { Recipe } from './encoder.js'

interface ParamRule { min: number, max: number, default?: number }

const level: ParamRule = { min: 1, max: 9 }
const zlibParams: Record<string, ParamRule> = {
  level,
  memLevel: { min: 1, max: 9, default: 8 },
  strategy: { min: 0, max: 4, default: 0 },
  windowBits: { min: 9, max: 15, default: 15 }
}

export const encoderParams: Readonly<Record<string, Record<string, ParamRule>>> = Object.freeze({
  'gnu-gzip': { level, rsyncable: { min: 0, max: 1, default: 0 } },
  'go-flate': { level },
  zlib: zlibParams,
  'zlib-chromium': zlibParams,
  'zlib-chromium-crc32c': { level },
  bzip2: { level },
  xz: XZ_PARAM_RULES,
  zstd: ZSTD_PARAM_RULES
})

export function checkRecipe (recipe: Recipe): void {
  const rules = encoderParams[recipe.encoder]
  if (rules === undefined) throw new InvalidManifestError(`unknown recipe encoder ${JSON.stringify(recipe.encoder)}`)
  if (recipe.params.level === undefined) throw new InvalidManifestError(`recipe ${recipe.encoder} has no level`)
  for (const [key, value] of Object.entries(recipe.params)) {
    const rule = rules[key]
    if (rule === undefined) throw new InvalidManifestError(`recipe encoder ${recipe.encoder} has no parameter ${JSON.stringify(key)}`)
    if (!Number.isInteger(value) || value < rule.min || value > rule.max || value === rule.default) {
      throw new InvalidManifestError(`recipe ${recipe.encoder} parameter ${key} = ${value} is out of range or written at its default`)
    }
  }
  // Rules that span parameters (xz: a check id xz writes, a threaded block size at its default omitted;
  // zstd: level 0, an alias of 3).
  const across = acrossParams[recipe.encoder]
  if (across !== undefined) {
    try {
      across(recipe.params)
    } catch (err) {
      if (err instanceof InvalidArgumentError) throw new InvalidManifestError(`recipe ${recipe.encoder}: ${err.message}`)
      throw err
    }
  }
}

const acrossParams: Readonly<Record<string, (params: Readonly<Record<string, number>>) => unknown>> = { xz: checkXzParams, zstd: checkZstdParams }
