/** Recipe encoder "xz": liblzma 5.4.1 (WebAssembly) as the xz command line drives it (xz/encoder.ts). */
import { createXzEncoder } from '../xz/encoder.js'
import { loadLiblzma } from '../xz/liblzma.js'
import { xzHoldsBack } from '../xz/params.js'
import type { EncoderFactory, EncoderFamily, Recipe } from './encoder.js'

/** Loads liblzma; the factory it returns then creates encoders synchronously. */
export async function loadXzEncoder (): Promise<EncoderFamily> {
  await loadLiblzma()
  return xzEncoder
}

function xzEncoder (recipe: Recipe): EncoderFactory {
  return { recipe, holdsBack: xzHoldsBack(recipe.params), create: (real) => createXzEncoder(recipe.params, real) }
}
