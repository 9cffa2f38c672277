/**
 * A race of one candidate whose format has independent blocks (bzip2: its header names the level, so it
 * is the only candidate), verified block by block: the input is cut where the encoder starts a block,
 * the pieces are encoded by `BlockEncoders` (on Node, worker threads: several at once), and the spliced
 * stream is compared with the real bytes as the pieces come back, in order. The verdict is the one
 * RecipeRace gives: the candidate's recipe exactly when its whole stream equals the real body.
 */
import { blockLayoutOf, takeBytes, type BlockEncoders, type BlockLayout } from './blocks.js'
import type { Recipe } from './encoder.js'
import type { RaceResult } from './race.js'

export class BlockVerifier {
  readonly #recipe: Recipe
  readonly #layout: BlockLayout
  readonly #encoders: BlockEncoders
  /** Pieces handed over, encoding, in order. */
  readonly #encoding: Array<Promise<Uint8Array>> = []
  /** Splices and compares the pieces' streams in order, one after the other. */
  #compared: Promise<void> = Promise.resolve()
  /** Input not yet handed over, from offset #held on. */
  #parts: Uint8Array[] = []
  #held = 0
  /** Spliced output and real bytes not yet compared (one of the two is empty between steps). */
  #out: Uint8Array[] = []
  #real: Uint8Array[] = []
  #outBytes = 0
  #realBytes = 0
  #failed = false

  /** Undefined when the recipe has no block layout (use RecipeRace). */
  static of (recipe: Recipe, encoders: BlockEncoders): BlockVerifier | undefined {
    const layout = blockLayoutOf(recipe)
    return layout === undefined ? undefined : new BlockVerifier(recipe, layout, encoders)
  }

  private constructor (recipe: Recipe, layout: BlockLayout, encoders: BlockEncoders) {
    this.#recipe = recipe
    this.#layout = layout
    this.#encoders = encoders
    this.#output(layout.splicer.start())
  }

  /** Input is kept until its piece is handed over: give it bytes that are not reused. */
  get logging (): boolean { return true }

  /** The next real compressed bytes. */
  expected (bytes: Uint8Array): void {
    if (this.#failed || bytes.length === 0) return
    this.#real.push(bytes)
    this.#realBytes += bytes.length
    this.#match()
  }

  /** The next uncompressed bytes. */
  input (bytes: Uint8Array): void {
    if (this.#failed || bytes.length === 0) return
    this.#parts.push(bytes)
    for (const cut of this.#layout.cutter.push(bytes)) this.#handOver(cut)
  }

  /** A promise while more pieces are encoding than the encoders take at once (wait for it), else undefined. */
  ready (): Promise<void> | undefined {
    if (this.#encoding.length <= this.#encoders.width) return undefined
    return this.#encoding[0]!.then(() => {}, () => {})
  }

  /** The input ended, and the real body is the first `length` real bytes: the recipe, if its stream is that. */
  async end (length: number): Promise<RaceResult> {
    if (!this.#failed) {
      let rest = 0
      for (const p of this.#parts) rest += p.length
      this.#handOver(this.#held + rest)
    }
    await this.#compared
    if (!this.#failed) this.#output(this.#layout.splicer.end())
    // Output not compared is output beyond the real bytes received.
    if (this.#failed || this.#out.length > 0 || this.#outBytes !== length) {
      const reason = this.#failed ? 'differs' : this.#outBytes < length ? 'too-short' : 'too-long'
      return { rejected: [{ recipe: this.#recipe, at: Math.min(this.#outBytes, length), reason }] }
    }
    return { recipe: this.#recipe, rejected: [] }
  }

  /**
   * Abandons the verification: the bytes held are let go and no piece more is handed over (those being
   * encoded finish unheard). No call after this.
   */
  dispose (): void { this.#fail() }

  #handOver (end: number): void {
    const piece = takeBytes(this.#parts, end - this.#held)
    this.#held = end
    if (piece.length === 0) return
    const encoded = this.#encoders.encode(this.#recipe, piece)
    encoded.catch(() => {}) // thrown where it is awaited, in order
    this.#encoding.push(encoded)
    this.#compared = this.#compared.then(async () => {
      const stream = await encoded
      this.#encoding.shift()
      if (!this.#failed) this.#output(this.#layout.splicer.add(stream))
    })
    // Thrown where it is awaited (end()); until then a failed encode must not count as unhandled.
    this.#compared.catch(() => {})
  }

  #output (chunks: Uint8Array[]): void {
    for (const c of chunks) if (c.length > 0) { this.#out.push(c); this.#outBytes += c.length }
    this.#match()
  }

  /** Compares as much of the output as real bytes have arrived for; the first difference fails. */
  #match (): void {
    while (!this.#failed && this.#out.length > 0 && this.#real.length > 0) {
      const a = this.#out[0]!
      const b = this.#real[0]!
      const n = Math.min(a.length, b.length)
      for (let i = 0; i < n; i++) if (a[i] !== b[i]) { this.#fail(); return }
      if (n === a.length) this.#out.shift(); else this.#out[0] = a.subarray(n)
      if (n === b.length) this.#real.shift(); else this.#real[0] = b.subarray(n)
    }
  }

  #fail (): void {
    this.#failed = true
    this.#out = []
    this.#real = []
    this.#parts = []
  }
}
