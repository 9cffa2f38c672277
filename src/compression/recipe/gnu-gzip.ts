/**
 * Recipe encoder "gnu-gzip": GNU gzip 1.12's own deflate (deflate/gnu-gzip.ts) as a push-based encoder;
 * `rsyncable` 1 is `gzip --rsyncable`.
 */
import { GnuGzipDeflater, RunStatus } from '../deflate/gnu-gzip.js'
import { DIVERGED, firstBlockCheck } from './first-block-check.js'
import type { EncoderFactory, RealStream, Recipe, StreamEncoder } from './encoder.js'

export function gnuGzipEncoder (recipe: Recipe): EncoderFactory {
  const level = recipe.params.level ?? 6
  return {
    recipe,
    create (real?: RealStream): StreamEncoder {
      const d = new GnuGzipDeflater(level, undefined, { rsyncable: recipe.params.rsyncable === 1 })
      let diverged = false
      if (real !== undefined) d.checkFirstBlock(firstBlockCheck(real))
      const drain = (until: RunStatus): Uint8Array[] => {
        const out: Uint8Array[] = []
        try {
          for (;;) {
            const status = d.run()
            if (d.pendingOutput > 0) out.push(d.take())
            if (status === until || status === RunStatus.Done) return out
          }
        } catch (e) {
          if (e !== DIVERGED) throw e
          diverged = true
          return []
        }
      }
      return {
        // The deflater keeps a reference to its input until it has consumed it, and callers reuse theirs
        // (a copy costs a memcpy next to a deflate; not slice(): on a Node Buffer that is a view).
        write (bytes) {
          if (diverged) return []
          d.push(new Uint8Array(bytes))
          return drain(RunStatus.NeedInput)
        },
        end () { if (diverged) return []; d.end(); return drain(RunStatus.Done) },
        get diverged () { return diverged }
      }
    }
  }
}
