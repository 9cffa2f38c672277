/** Recipe encoder "gnu-gzip": GNU gzip 1.12's own deflate (deflate/gnu-gzip.ts) as a push-based encoder. */
import { GnuGzipDeflater, RunStatus } from '../deflate/gnu-gzip.js'
import type { EncoderFactory, Recipe, StreamEncoder } from './encoder.js'

export function gnuGzipEncoder (recipe: Recipe): EncoderFactory {
  const level = recipe.params.level ?? 6
  return {
    recipe,
    create (): StreamEncoder {
      const d = new GnuGzipDeflater(level)
      const drain = (until: RunStatus): Uint8Array[] => {
        const out: Uint8Array[] = []
        for (;;) {
          const status = d.run()
          if (d.pendingOutput > 0) out.push(d.take())
          if (status === until || status === RunStatus.Done) return out
        }
      }
      return {
        // The deflater keeps a reference to its input until it has consumed it, and callers reuse theirs
        // (a copy costs a memcpy next to a deflate; not slice(): on a Node Buffer that is a view).
        write (bytes) { d.push(new Uint8Array(bytes)); return drain(RunStatus.NeedInput) },
        end () { d.end(); return drain(RunStatus.Done) }
      }
    }
  }
}
