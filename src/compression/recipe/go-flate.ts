/** Recipe encoder "go-flate": Go's compress/flate as compress/gzip drives it (deflate/go/go-flate.ts). */
import { GoFlateDeflater } from '../deflate/go/go-flate.js'
import type { EncoderFactory, Recipe, StreamEncoder } from './encoder.js'

export function goFlateEncoder (recipe: Recipe): EncoderFactory {
  const level = recipe.params.level ?? 6
  return {
    recipe,
    create (): StreamEncoder {
      const d = new GoFlateDeflater(level)
      return { write: (bytes) => d.write(bytes), end: () => d.end() }
    }
  }
}
