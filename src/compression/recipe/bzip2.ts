/** Recipe encoder "bzip2": libbz2 1.0.8 (WebAssembly) as `bzip2 -1..-9` drives it. */
import { Bzip2Encoder, warmUpBzip2Encoder } from '../bzip2/encoder.js'
import { loadLibbz2 } from '../bzip2/libbz2.js'
import type { EncoderFactory, EncoderFamily, Recipe, StreamEncoder } from './encoder.js'

/** Loads libbz2; the factory it returns then creates encoders synchronously. */
export async function loadBzip2Encoder (): Promise<EncoderFamily> {
  await loadLibbz2()
  return bzip2Encoder
}

function bzip2Encoder (recipe: Recipe): EncoderFactory {
  const level = recipe.params.level ?? 9
  return {
    recipe,
    warmUp: warmUpBzip2Encoder,
    create (): StreamEncoder {
      const e = new Bzip2Encoder(level)
      const some = (b: Uint8Array): Uint8Array[] => b.length > 0 ? [b] : []
      return { write: (bytes) => some(e.write(bytes)), end: () => some(e.finish()), dispose: () => { e.dispose() } }
    }
  }
}
