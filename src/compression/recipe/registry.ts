/**
 * Every encoder a recipe may name, by name, and the candidates tried when looking for one. The order of
 * candidates is part of the format: the first candidate whose output matches is the one recorded, so
 * the same archive always gets the same recipe (docs/spec.md, "Compressed archives").
 *
 * Each encoder's code (and, for bzip2, xz and zstd, its WebAssembly) is imported the first time a recipe
 * or a candidate names it, so describing or restoring a plain tar loads none of them; hence the async API.
 * A race goes further for the deflate encoders it seldom runs (go-flate, zlib): their factories are made
 * without their code, which loads when the race is about to run them (`candidateFor`, lazy-code.ts).
 */
import { InvalidManifestError } from '../../errors.js'
import { checkRecipe } from './params.js'
import type { EncoderFactory, EncoderFamily, Recipe } from './encoder.js'

/** Each encoder's module, imported (and its WebAssembly compiled) when first needed. */
const families: Readonly<Record<string, () => Promise<EncoderFamily>>> = {
  'gnu-gzip': async () => (await import('./gnu-gzip.js')).gnuGzipEncoder,
  'go-flate': async () => (await import('./go-flate.js')).goFlateEncoder,
  zlib: async () => (await import('./zlib.js')).zlibEncoder,
  'zlib-chromium': async () => (await import('./zlib.js')).zlibEncoder,
  'zlib-chromium-crc32c': async () => (await import('./zlib-chromium-crc32c.js')).zlibChromiumCrc32cEncoder,
  bzip2: async () => await (await import('./bzip2.js')).loadBzip2Encoder(),
  xz: async () => await (await import('./xz.js')).loadXzEncoder(),
  zstd: async () => (await import('./zstd.js')).zstdEncoder
}

/**
 * The encoder a recipe names, loaded and ready to run; an unknown encoder or parameter is an invalid
 * manifest. `contentSize` is the size of the input it will be given (a member's `tarSize`): zstd's CLI
 * pledges it for a file argument, which both writes it in the frame header and tunes the compression.
 */
export async function encoderFor (recipe: Recipe, contentSize?: number): Promise<EncoderFactory> {
  const factory = await candidateFor(recipe, contentSize)
  await factory.load?.()
  return factory
}

/** As encoderFor, but its code may not be loaded yet (see EncoderFactory.load): for a race, which loads it only to run it. */
export async function candidateFor (recipe: Recipe, contentSize?: number): Promise<EncoderFactory> {
  checkRecipe(recipe)
  const family = families[recipe.encoder]
  if (family === undefined) throw new InvalidManifestError(`unknown recipe encoder ${JSON.stringify(recipe.encoder)}`)
  return (await family())(recipe, contentSize)
}

const LEVELS_BY_LIKELIHOOD = [9, 6, 1, 2, 3, 4, 5, 7, 8]

/**
 * The candidates for a gzip member body, most likely first (NOTES §5: GNU gzip -9/-6 for GNU and Debian
 * release tarballs, zlib 6 for git archive and Python, Node's zlib 9/6 for npm, Go's compress/gzip for Go
 * releases): for each level in LEVELS_BY_LIKELIHOOD, GNU gzip, zlib, zlib-chromium, then go-flate; then
 * zlib-chromium-crc32c at each level (npm packages published with Node.js 12.17-20.6), then `gzip
 * --rsyncable` at each level (some GNU releases), after all of those so that they change no recipe an
 * earlier version of this list found.
 */
export function gzipCandidateRecipes (): Recipe[] {
  return [
    ...LEVELS_BY_LIKELIHOOD.flatMap(level => ['gnu-gzip', 'zlib', 'zlib-chromium', 'go-flate'].map(encoder => ({ encoder, params: { level } }))),
    ...LEVELS_BY_LIKELIHOOD.map(level => ({ encoder: 'zlib-chromium-crc32c', params: { level } })),
    ...LEVELS_BY_LIKELIHOOD.map(level => ({ encoder: 'gnu-gzip', params: { level, rsyncable: 1 } }))
  ]
}

/** The factories of gzipCandidateRecipes, every one's code loaded. */
export async function gzipCandidates (): Promise<EncoderFactory[]> {
  // Made once (factories hold no state; a zip asks for them per entry); each caller gets its own array.
  gzipList ??= (async () => {
    const out: EncoderFactory[] = []
    for (const recipe of gzipCandidateRecipes()) out.push(await encoderFor(recipe))
    return out
  })()
  return [...await gzipList]
}

let gzipList: Promise<EncoderFactory[]> | undefined

/** A bzip2 stream's header names its block size, which is the level: one candidate. */
export async function bzip2Candidates (level: number): Promise<EncoderFactory[]> {
  return [await encoderFor({ encoder: 'bzip2', params: { level } })]
}

/**
 * An xz stream's header and first block header name its check, its LZMA2 dictionary (so the preset up to
 * a pair) and its block layout: the few presets left, most likely first (see xz/candidates.ts). Undefined
 * until enough of the stream is visible.
 */
export async function xzCandidates (head: Uint8Array): Promise<EncoderFactory[] | undefined> {
  const params = (await import('../xz/candidates.js')).xzCandidateParams(head)
  if (params === undefined) return undefined
  return await Promise.all(params.map(async p => await encoderFor({ encoder: 'xz', params: p })))
}

/**
 * A zstd frame header names the checksum flag, whether the size was pledged (and the size) and the
 * window, but not the level: the levels that fit, most likely first (see zstd/candidates.ts). libzstd
 * is not loaded here: the race loads it when it runs them (`load`), maybe on another thread.
 */
export async function zstdCandidates (head: Uint8Array, contentSize: number | undefined): Promise<EncoderFactory[] | undefined> {
  const params = (await import('../zstd/candidates.js')).zstdCandidateParams(head)
  if (params === undefined) return undefined
  return await Promise.all(params.map(async p => await candidateFor({ encoder: 'zstd', params: p }, contentSize)))
}
