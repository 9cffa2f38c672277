/** Recipe encoder "go-flate": Go's compress/flate as compress/gzip drives it (deflate/go/go-flate.ts). */
import { firstDeflateBlock } from './real-deflate.js'
import { lazyCode } from './lazy-code.js'
import type { EncoderFactory, Recipe, StreamEncoder } from './encoder.js'

/** The deflater, loaded when a go-flate candidate or recipe first runs: Go-made gzip is rare (NOTES §5). */
const code = lazyCode(async () => await import('../deflate/go/go-flate.js'))

export function goFlateEncoder (recipe: Recipe): EncoderFactory {
  const level = recipe.params.level ?? 6
  return {
    recipe,
    load: code.load,
    create (): StreamEncoder {
      const d = new (code.get().GoFlateDeflater)(level)
      return { write: (bytes) => d.write(bytes), end: () => d.end() }
    },
    // Go writes every data block non-final and closes with an empty final stored block (go-flate.ts), at
    // every level: a stream whose first block is final and not that one was not written by it.
    cannotWrite (real) {
      const first = firstDeflateBlock(real)
      return first !== undefined && first.final && (first.type !== 'stored' || first.storedLength !== 0)
    }
  }
}
