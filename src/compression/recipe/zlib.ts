/**
 * Raw deflate as zlib makes it, in two lineages that differ in their output (NOTES §5, checked here too):
 *   - "zlib": vanilla zlib 1.2.x, reproduced by pako 2.1.0 (Python's zlib and tarfile, git archive, older
 *     npm, Java's java.util.zip);
 *   - "zlib-chromium": the Chromium fork built into Node.js, reproduced by pako 3.0.3 (recent npm).
 * The fork as Node.js 12.17-20.6 bundle it hashes differently and has no pako: zlib-chromium-crc32c.ts.
 * Both are pure JavaScript, so a recipe rebuilds in browsers too. Versions are pinned exactly in
 * package.json: a different version may produce other bytes.
 */
import { firstDeflateBlock } from './real-deflate.js'
import { lazyCode, type LazyCode } from './lazy-code.js'
import type { EncoderFactory, RealStream, Recipe, StreamEncoder } from './encoder.js'

/** The parts of pako's deflate state (zlib's deflate_state, same names) the first block's probe reads. */
interface PakoState { pending: number, bi_valid: number, sym_next: number, sym_buf: number, pending_buf: Uint8Array }
interface PakoDeflate {
  onData: (chunk: Uint8Array) => void
  push: (data: Uint8Array, mode: boolean) => boolean
  strm: { total_out: number, state: PakoState }
}
type DeflateClass = new (options: object) => PakoDeflate

/** Each lineage's pako, loaded when one of its candidates or recipes first runs (a race seldom runs both). */
const lineages: Record<string, LazyCode<DeflateClass>> = {
  zlib: lazyCode(async () => (await import('pako')).Deflate as unknown as DeflateClass),
  'zlib-chromium': lazyCode(async () => (await import('pako-chromium')).Deflate as unknown as DeflateClass)
}

/** Input given to pako at a time while its first block is checked token by token (a wrong level shows within ~1 KiB). */
const PROBE_PIECE = 1024

export function zlibEncoder (recipe: Recipe): EncoderFactory {
  const lineage = lineages[recipe.encoder]
  if (lineage === undefined) throw new Error(`not a zlib lineage: ${recipe.encoder}`)
  const { level = 6, memLevel = 8, strategy = 0, windowBits = 15 } = recipe.params
  return {
    recipe,
    load: lineage.load,
    create (real?: RealStream): StreamEncoder {
      const Deflate = lineage.get()
      const out: Uint8Array[] = []
      // pako hands output on only in whole chunks: small ones let a race see (and drop) a wrong candidate
      // after its first block instead of after 64 KiB of output. The bytes are the same either way.
      const deflate = new Deflate({ level, memLevel, strategy, windowBits: -windowBits, raw: true, chunkSize: 4 * 1024 })
      deflate.onData = (chunk) => { out.push(chunk) }
      const drain = (): Uint8Array[] => out.splice(0, out.length)
      const probe = real === undefined ? undefined : new FirstBlockProbe(deflate, real)
      return {
        write (bytes) {
          let at = 0
          // zlib's output does not depend on how its input is split (no flush is asked for).
          for (; probe?.active === true && at < bytes.length; at += PROBE_PIECE) {
            deflate.push(bytes.subarray(at, at + PROBE_PIECE), false)
            probe.check()
          }
          if (probe?.diverged === true) return []
          if (at < bytes.length) deflate.push(at === 0 ? bytes : bytes.subarray(at), false)
          return drain()
        },
        end () { deflate.push(new Uint8Array(0), true); return drain() },
        get diverged () { return probe?.diverged ?? false }
      }
    }
  }
}

/**
 * Compares the symbols zlib has tallied for its first block (its sym_buf: distance low, distance high,
 * literal or length - 3) with the real first block's tokens, while that block is still open: once zlib has
 * written any bit, its bytes are compared by the race instead. Two equal streams have equal first blocks,
 * so a token that differs, or more tokens than a complete real block holds, proves the output differs.
 */
class FirstBlockProbe {
  active = true
  diverged = false
  #checked = 0

  constructor (private readonly deflate: PakoDeflate, private readonly real: RealStream) {}

  /** Called after each piece of input while active; once diverged, no longer active. */
  check (): void {
    const strm = this.deflate.strm
    const s = strm.state
    if (strm.total_out !== 0 || s.pending !== 0 || s.bi_valid !== 0) { this.active = false; return }
    const block = firstDeflateBlock(this.real)
    if (block === undefined) return
    if (block.type === 'stored') { this.active = false; return }
    const tokens = block.tokens
    const tallied = s.sym_next / 3
    const buf = s.pending_buf
    let i = this.#checked
    for (; i < tallied; i++) {
      if (i >= tokens.length) {
        if (block.complete) this.#diverge()
        break
      }
      const at = s.sym_buf + 3 * i
      const token = (buf[at]! | buf[at + 1]! << 8) * 256 + buf[at + 2]!
      if (token !== tokens[i]) { this.#diverge(); break }
    }
    this.#checked = i
  }

  #diverge (): void { this.diverged = true; this.active = false }
}
