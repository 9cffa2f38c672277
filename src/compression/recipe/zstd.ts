/** Recipe encoder "zstd": libzstd 1.5.4 (WebAssembly) as the zstd command line drives it (zstd/encoder.ts). */
import { createZstdEncoder } from '../zstd/encoder.js'
import { libzstdLoading } from '../zstd/libzstd.js'
import { zstdWindowLog } from '../zstd/window-log.js'
import type { EncoderFactory, Recipe } from './encoder.js'

/**
 * A factory made without libzstd: its WebAssembly loads (`load`) only when a candidate or recipe is about
 * to run, so a description that races on another thread never compiles it on its own (#16, memory).
 */
export function zstdEncoder (recipe: Recipe, contentSize?: number): EncoderFactory {
  return {
    recipe,
    holdsBack: zstdHoldsBack(recipe.params, contentSize),
    load: libzstdLoading,
    create: () => createZstdEncoder(recipe.params, contentSize)
  }
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
