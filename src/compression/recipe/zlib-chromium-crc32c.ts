/**
 * Recipe encoder "zlib-chromium-crc32c": the Chromium fork of zlib that Node.js 12.17-20.6 bundle, hashing
 * with CRC-32C (deflate/zlib-deflate.ts), as a push-based encoder. npm packages published with those
 * Node.js versions were compressed by it; neither pako reproduces them.
 */
import { DIVERGED, firstBlockCheck } from './first-block-check.js'
import { lazyCode } from './lazy-code.js'
import type { EncoderFactory, RealStream, Recipe, StreamEncoder } from './encoder.js'

/** The deflater, loaded when a candidate or recipe first runs it: a race tries it after the common encoders. */
const code = lazyCode(async () => await import('../deflate/zlib-deflate.js'))

export function zlibChromiumCrc32cEncoder (recipe: Recipe): EncoderFactory {
  const level = recipe.params.level ?? 6
  return {
    recipe,
    load: code.load,
    create (real?: RealStream): StreamEncoder {
      const d = new (code.get().ZlibDeflater)(level, 'crc32c')
      let diverged = false
      if (real !== undefined) d.checkFirstBlock(firstBlockCheck(real))
      const run = (step: () => Uint8Array): Uint8Array[] => {
        if (diverged) return []
        try {
          const out = step()
          return out.length === 0 ? [] : [out]
        } catch (e) {
          if (e !== DIVERGED) throw e
          diverged = true
          return []
        }
      }
      return {
        // The deflater has taken all of the input into its window when write returns: callers may reuse it.
        write: (bytes) => run(() => d.write(bytes)),
        end: () => run(() => d.end()),
        get diverged () { return diverged }
      }
    }
  }
}
