/**
 * The parameters of recipe encoder "xz" (see encoder.ts for what each means) and the rules that keep one
 * spelling per layout. Apart from the encoder, so that reading a manifest checks a recipe without loading
 * liblzma.
 */
import { InvalidArgumentError } from '../../errors.js'

/** Parameter rules for recipe encoder "xz": integers; a parameter at its default must be omitted (canonical form). */
export const XZ_PARAM_RULES: Record<string, { min: number, max: number, default?: number }> = {
  level: { min: 0, max: 9 },
  extreme: { min: 0, max: 1, default: 0 },
  check: { min: 0, max: 10, default: 4 },
  mt: { min: 0, max: 1, default: 0 },
  blockSize: { min: 1, max: 2 ** 40 }
}

/** The check ids xz writes: none, CRC32, CRC64, SHA-256. */
export const CHECK_IDS = new Set([0, 1, 4, 10])
/** Preset dictionary sizes (liblzma: 2^18, 2^20, 2^21, 2^22, 2^22, 2^23, 2^23, 2^24, 2^25, 2^26). */
export const PRESET_DICT = [18, 20, 21, 22, 22, 23, 23, 24, 25, 26].map(p => 2 ** p)
/** The threaded encoder keeps whole blocks; beyond this the wasm32 memory could not hold one. */
export const MT_BLOCK_SIZE_MAX = 2 ** 30

/** liblzma's default block size for the threaded encoder: 3x the dictionary, at least 1 MiB. */
export function mtDefaultBlockSize (level: number): number {
  return Math.max(3 * PRESET_DICT[level]!, 2 ** 20)
}

function invalid (message: string, params: Readonly<Record<string, number>>): InvalidArgumentError {
  return new InvalidArgumentError(`xz encoder: ${message}`, { params: { ...params } })
}

/**
 * Checks `params` beyond XZ_PARAM_RULES: a check id xz writes, and a threaded `blockSize` at its default
 * omitted (so one layout has one spelling). Throws InvalidArgumentError.
 */
export function checkXzParams (params: Readonly<Record<string, number>>): { level: number, check: number, mt: boolean, blockSize: number } {
  for (const [key, value] of Object.entries(params)) {
    const rule = XZ_PARAM_RULES[key]
    if (rule === undefined) throw invalid(`unknown parameter ${JSON.stringify(key)}`, params)
    if (!Number.isSafeInteger(value) || value < rule.min || value > rule.max) throw invalid(`${key} = ${value} is out of range`, params)
    if (value === rule.default) throw invalid(`${key} = ${value} is its default and must be omitted`, params)
  }
  const level = params.level
  if (level === undefined) throw invalid('level is required', params)
  const check = params.check ?? 4
  if (!CHECK_IDS.has(check)) throw invalid(`check ${check} is not one xz writes (0, 1, 4, 10)`, params)
  const mt = params.mt === 1
  const blockSize = params.blockSize ?? 0
  if (mt && blockSize === mtDefaultBlockSize(level)) throw invalid(`blockSize ${blockSize} is the default for mt level ${level} and must be omitted`, params)
  if (mt && blockSize > MT_BLOCK_SIZE_MAX) throw invalid(`blockSize ${blockSize} is too large for the threaded layout (max ${MT_BLOCK_SIZE_MAX})`, params)
  return { level, check, mt, blockSize }
}

/**
 * Input bytes the encoder holds before their output appears: a whole block in the threaded layout (its
 * header holds its compressed size), next to nothing otherwise.
 */
export function xzHoldsBack (params: Readonly<Record<string, number>>): number | undefined {
  const level = params.level ?? 6
  return params.mt === 1 ? (params.blockSize ?? mtDefaultBlockSize(level)) : undefined
}
