/**
 * A race of one candidate whose format has independent blocks (bzip2: its header names the level, so it
 * is the only candidate), verified block by block: the input is cut where the encoder starts a block,
 * the pieces are encoded by `BlockEncoders` (on Node, worker threads: several at once), and the spliced
 * stream is compared with the real bytes as the pieces come back, in order. The verdict is the one
 * RecipeRace gives: the candidate's recipe exactly when its whole stream equals the real body. A piece's
 * input goes to its encoder as it arrives, when the encoders take it so (`begin`): an xz piece is 24 MiB
 * at -6, which would otherwise be held whole here and again by its encoder.
 */
import { blockLayoutOf, takeBytes, type BlockEncoders, type BlockLayout, type PieceSink } from './blocks.js'
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
  /** The piece whose input is being given, if any. */
  #piece: PieceSink | undefined
  /** Input so far. */
  #offset = 0
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

  /** Input is given up to the encoders (or kept until its piece is handed over): give it bytes that are not reused. */
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
    const start = this.#offset
    this.#offset += bytes.length
    // No view of `bytes` after its last part is written: that part may have been transferred, `bytes` with it.
    let from = 0
    for (const cut of this.#layout.cutter.push(bytes)) {
      this.#write(bytes.subarray(from, cut - start))
      from = cut - start
      this.#handOver()
    }
    if (from < bytes.length) this.#write(bytes.subarray(from))
  }

  /** A promise while more pieces are encoding than the encoders take at once (wait for it), else undefined. */
  ready (): Promise<void> | undefined {
    if (this.#encoding.length <= this.#encoders.width) return undefined
    return this.#encoding[0]!.then(() => {}, () => {})
  }

  /** The input ended, and the real body is the first `length` real bytes: the recipe, if its stream is that. */
  async end (length: number): Promise<RaceResult> {
    if (!this.#failed) this.#handOver()
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

  #write (bytes: Uint8Array): void {
    if (bytes.length === 0) return
    this.#piece ??= this.#encoders.begin?.(this.#recipe) ?? heldPiece(this.#recipe, this.#encoders)
    this.#piece.write(bytes)
  }

  /** Ends the piece being given its input (none without input). */
  #handOver (): void {
    const piece = this.#piece
    this.#piece = undefined
    if (piece === undefined) return
    const encoded = piece.end()
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
    // Ended unheard: its encoder is free for the next one.
    this.#piece?.end().catch(() => {})
    this.#piece = undefined
  }
}

/** A piece held whole until its input ends, then handed over (encoders without `begin`). */
function heldPiece (recipe: Recipe, encoders: BlockEncoders): PieceSink {
  const parts: Uint8Array[] = []
  let length = 0
  return {
    write (bytes) { parts.push(bytes); length += bytes.length },
    async end () { return await encoders.encode(recipe, takeBytes(parts, length)) }
  }
}
