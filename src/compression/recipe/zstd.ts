/** Recipe encoder "zstd": libzstd 1.5.4 (WebAssembly) as the zstd command line drives it (zstd/encoder.ts). */
import { createZstdEncoder } from '../zstd/encoder.js'
import { loadLibzstd, zstdWindowLog } from '../zstd/libzstd.js'
import type { EncoderFactory, EncoderFamily, Recipe } from './encoder.js'

export { zstdCandidateParams } from '../zstd/candidates.js'

/** Loads libzstd; the factory it returns then creates encoders synchronously (and zstdCandidateParams works). */
export async function loadZstdEncoder (): Promise<EncoderFamily> {
  await loadLibzstd()
  return zstdEncoder
}

function zstdEncoder (recipe: Recipe, contentSize?: number): EncoderFactory {
  return { recipe, holdsBack: zstdHoldsBack(recipe.params, contentSize), create: () => createZstdEncoder(recipe.params, contentSize) }
}

/**
 * zstd's multi-threaded path (the CLI's default) writes nothing of a job until the whole job's input is in:
 * 2^(windowLog + 2) bytes (with --long, at most that).
 */
function zstdHoldsBack (params: Readonly<Record<string, number>>, contentSize: number | undefined): number | undefined {
  if (params.workers === 0) return undefined
  const windowLog = zstdWindowLog(params.level as number, params.pledged === 1 ? contentSize : undefined, params.long ?? 0)
  return 2 ** Math.max(20, windowLog + 2)
}
