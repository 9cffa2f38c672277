/**
 * Raw deflate as zlib makes it, in two lineages that differ in their output (NOTES §5, checked here too):
 *   - "zlib": vanilla zlib 1.2.x, reproduced by pako 2.1.0 (Python's zlib and tarfile, git archive, older
 *     npm, Java's java.util.zip);
 *   - "zlib-chromium": the Chromium fork built into Node.js, reproduced by pako 3.0.3 (recent npm).
 * Both are pure JavaScript, so a recipe rebuilds in browsers too. Versions are pinned exactly in
 * package.json: a different version may produce other bytes.
 */
import { Deflate as VanillaDeflate } from 'pako'
import { Deflate as ChromiumDeflate } from 'pako-chromium'
import type { EncoderFactory, Recipe, StreamEncoder } from './encoder.js'

type DeflateClass = new (options: object) => { onData: (chunk: Uint8Array) => void, push: (data: Uint8Array, mode: boolean) => boolean, err: number, msg: string }

const lineages: Record<string, DeflateClass> = {
  zlib: VanillaDeflate as unknown as DeflateClass,
  'zlib-chromium': ChromiumDeflate as unknown as DeflateClass
}

export function zlibEncoder (recipe: Recipe): EncoderFactory {
  const Deflate = lineages[recipe.encoder]
  if (Deflate === undefined) throw new Error(`not a zlib lineage: ${recipe.encoder}`)
  const { level = 6, memLevel = 8, strategy = 0, windowBits = 15 } = recipe.params
  return {
    recipe,
    create (): StreamEncoder {
      const out: Uint8Array[] = []
      // pako hands output on only in whole chunks: small ones let a race see (and drop) a wrong candidate
      // after its first block instead of after 64 KiB of output. The bytes are the same either way.
      const deflate = new Deflate({ level, memLevel, strategy, windowBits: -windowBits, raw: true, chunkSize: 4 * 1024 })
      deflate.onData = (chunk) => { out.push(chunk) }
      const drain = (): Uint8Array[] => out.splice(0, out.length)
      return {
        write (bytes) { deflate.push(bytes, false); return drain() },
        end () { deflate.push(new Uint8Array(0), true); return drain() }
      }
    }
  }
}
