/**
 * Encoding a recipe's stream piece by piece, where its format has independent units (bzip2's blocks, the
 * blocks of xz's threaded layout): the input is cut where the real encoder starts a unit, each piece is
 * encoded as a stream of its own by the recipe's own encoder (anywhere: `BlockEncoders`, e.g. worker
 * threads on Node), and the units are spliced, in order, into exactly the stream one encoder writes over
 * the whole input (bzip2/blocks.ts and xz/blocks.ts say why that holds). Pieces being independent, several
 * can be encoded at once.
 */
import { joinBytes } from '../../bytes-concat.js'
import { Bzip2BlockCutter, Bzip2BlockSplicer } from '../bzip2/blocks.js'
import { gnuGzipDeflateInSegments, type DeflateSegment, type DeflateSegmentJob } from '../deflate/gnu-gzip-segments.js'
import { XzBlockCutter, XzBlockSplicer, xzBlockBytes } from '../xz/blocks.js'
import type { Recipe, StreamEncoder } from './encoder.js'
import { checkRecipe } from './params.js'
import { encoderFor } from './registry.js'

/**
 * Largest piece handed out (bytes of input). xz -7..-9 blocks (48..192 MiB) are encoded whole in one
 * thread rather than several at once, each held with its output (memory).
 */
export const MAX_BLOCK_PIECE_BYTES = 32 * 1024 * 1024

/** Where a format's units start, and how their one-unit streams make the whole stream. */
export interface BlockLayout {
  /** Takes the input in any pieces; returns the offsets (absolute, increasing) where a new unit starts. */
  readonly cutter: { push(bytes: Uint8Array): number[] }
  /** Returns the stream's bytes: its start, each piece's stream turned into its unit, its end. */
  readonly splicer: { start(): Uint8Array[], add(stream: Uint8Array): Uint8Array[], end(): Uint8Array[] }
}

/** The block layout of a recipe's stream, or undefined when it has no independent units (or they are too large). */
export function blockLayoutOf (recipe: Recipe): BlockLayout | undefined {
  // A recipe out of range is an invalid manifest here too, as when its encoder is loaded.
  checkRecipe(recipe)
  if (recipe.encoder === 'bzip2') {
    const level = recipe.params.level ?? 9
    return { cutter: new Bzip2BlockCutter(level), splicer: new Bzip2BlockSplicer(level) }
  }
  if (recipe.encoder === 'xz') {
    const bytes = xzBlockBytes(recipe.params)
    if (bytes === undefined || bytes > MAX_BLOCK_PIECE_BYTES) return undefined
    return { cutter: new XzBlockCutter(bytes), splicer: new XzBlockSplicer(recipe.params) }
  }
  return undefined
}

/**
 * Input under which a gzip body is not parsed in segments: the parsing threads start cold (their first segment
 * runs before V8 has optimised the parse) and the two cores only share what is beyond the first segments.
 */
export const MIN_SEGMENTED_BYTES = 8 << 20

/**
 * A gnu-gzip recipe's stream (levels 4-9) over `input` with its parse done in segments by
 * `encoders.parseDeflate` while this thread writes the blocks (deflate/gnu-gzip-segments.ts); undefined
 * where that does not apply: another encoder or level, encoders that do not parse, input under MIN_SEGMENTED_BYTES.
 */
export function deflateInSegments (recipe: Recipe, tarSize: number, input: AsyncIterable<Uint8Array>, encoders: BlockEncoders): AsyncGenerator<Uint8Array> | undefined {
  checkRecipe(recipe)
  const level = recipe.params.level ?? 6
  const parse = encoders.parseDeflate
  if (recipe.encoder !== 'gnu-gzip' || level < 4 || parse === undefined || tarSize < MIN_SEGMENTED_BYTES) return undefined
  return gnuGzipDeflateInSegments(level, input, { parse: job => parse.call(encoders, job), ahead: encoders.width + 1, rsyncable: recipe.params.rsyncable === 1 })
}

/** Encodes pieces: each piece's whole stream, as the recipe's encoder writes it. */
export interface BlockEncoders {
  /** Pieces worth encoding at once (one per encoder); the caller keeps at most one more handed over. */
  readonly width: number
  /** The recipe's stream for `piece`, which the caller gives up (it may be transferred to another thread). */
  encode(recipe: Recipe, piece: Uint8Array): Promise<Uint8Array>
  /**
   * A piece whose input is given as it arrives, so that neither side holds all of it: its encoder is
   * chosen now (or it waits for one, its input kept meanwhile). Optional: `encode` serves otherwise.
   */
  begin?(recipe: Recipe): PieceSink
  /**
   * Pieces of `recipe` are coming: get ready for them now (start threads, load the encoder), while the
   * caller gathers the first piece's input (the whole block, ~900 KB of tar for bzip2 -9).
   */
  prepare?(recipe: Recipe): void
  /**
   * Parses a deflate segment (parseDeflateSegment, deflate/gnu-gzip-segments.ts): a CPU-heavy job run
   * where the pieces are, beside them. The caller gives up `job.data` and `job.tokens` with the whole
   * buffers they view (a view from offset 0 may take its buffer to another thread, and the answer's `data`
   * and `tokens` bring them back). Optional: without it, the caller parses in its own thread.
   */
  parseDeflate?(job: DeflateSegmentJob): Promise<DeflateSegment>
}

/**
 * Loads the recipe's encoder in the calling thread and warms it up (EncoderFactory.warmUp), so that the
 * first piece this thread encodes runs optimised code: a block encoder's job on `prepare`.
 */
export async function prepareEncoder (recipe: Recipe): Promise<void> {
  (await encoderFor(recipe)).warmUp?.()
}

/** A piece being encoded as its input arrives. */
export interface PieceSink {
  /** The piece's next input, which the caller gives up (it may be transferred to another thread). */
  write(bytes: Uint8Array): void
  /** The input ended: the piece's stream. Call it once, also to abandon the piece. */
  end(): Promise<Uint8Array>
}

/** A piece's stream, encoded in the calling thread (a worker's job, or the fallback). */
export async function encodePiece (recipe: Recipe, piece: Uint8Array): Promise<Uint8Array> {
  const encoder = new PieceEncoder(recipe)
  encoder.write(piece)
  return await encoder.end()
}

/**
 * A piece encoded in the calling thread as its input arrives: each write is encoded at once (input given
 * before the recipe's encoder has loaded waits for it), so only the encoder holds the input.
 */
export class PieceEncoder implements PieceSink {
  #encoder: StreamEncoder | undefined
  /** Input given before the encoder loaded; undefined once it has. */
  #waiting: Uint8Array[] | undefined = []
  readonly #out: Uint8Array[] = []
  #failure: { error: unknown } | undefined
  readonly #loaded: Promise<void>

  constructor (recipe: Recipe) {
    this.#loaded = encoderFor(recipe).then(factory => {
      this.#encoder = factory.create()
      const waiting = this.#waiting as Uint8Array[]
      this.#waiting = undefined
      for (const bytes of waiting) this.write(bytes)
    })
    this.#loaded.catch(() => {}) // thrown by end()
  }

  write (bytes: Uint8Array): void {
    if (this.#failure !== undefined) return
    if (this.#waiting !== undefined) { this.#waiting.push(bytes); return }
    try {
      this.#out.push(...(this.#encoder as StreamEncoder).write(bytes))
    } catch (error) {
      this.#failure = { error }
    }
  }

  async end (): Promise<Uint8Array> {
    await this.#loaded
    const encoder = this.#encoder as StreamEncoder
    try {
      if (this.#failure !== undefined) throw this.#failure.error
      return joinBytes([...this.#out.splice(0), ...encoder.end()])
    } finally {
      // Its wasm instance goes back to the pool for the next piece.
      encoder.dispose?.()
    }
  }
}

/** Pieces held at most per encoder (encoding, waiting for one, or encoded and waiting for those before them). */
const HELD_PER_ENCODER = 2

/**
 * The recipe's stream over `input`, its pieces encoded by `encoders` (at most `width` + 1 encoding or waiting
 * for an encoder at once, and at most HELD_PER_ENCODER x `width` + 1 held with those encoded out of
 * order); the layout is the recipe's (blockLayoutOf). Input chunks are not kept beyond their piece's hand-over.
 */
export async function * encodeInBlocks (recipe: Recipe, layout: BlockLayout, input: AsyncIterable<Uint8Array>, encoders: BlockEncoders): AsyncGenerator<Uint8Array> {
  encoders.prepare?.(recipe)
  yield * layout.splicer.start()
  /** Pieces handed over, in order, each noted done once encoded (or failed). */
  const held: Array<{ stream: Promise<Uint8Array>, done: boolean }> = []
  let encoding = 0
  let settled: (() => void) | undefined
  /** Input not yet handed over, from offset `taken` on. */
  let parts: Uint8Array[] = []
  let taken = 0
  const handOver = (end: number): void => {
    const piece = takeBytes(parts, end - taken)
    taken = end
    if (piece.length === 0) return
    const entry = { stream: encoders.encode(recipe, piece), done: false }
    encoding++
    // Its failure is thrown where it is awaited, in order, not reported unhandled first.
    entry.stream.catch(() => {}).finally(() => { entry.done = true; encoding--; settled?.() })
    held.push(entry)
  }
  // Once the oldest piece is encoded its stream goes out; new input is taken as soon as an encoder is free
  // (waiting for the oldest instead would leave the encoders that finished later pieces idle meanwhile).
  const maxHeld = HELD_PER_ENCODER * encoders.width + 1
  async function * drain (): AsyncGenerator<Uint8Array> {
    for (;;) {
      while (held[0]?.done === true) yield * layout.splicer.add(await (held.shift() as { stream: Promise<Uint8Array> }).stream)
      if (encoding <= encoders.width && held.length < maxHeld) return
      await new Promise<void>(resolve => { settled = resolve })
    }
  }
  for await (const chunk of input) {
    if (chunk.length === 0) continue
    parts.push(chunk)
    for (const cut of layout.cutter.push(chunk)) {
      handOver(cut)
      yield * drain()
    }
  }
  let rest = 0
  for (const p of parts) rest += p.length
  handOver(taken + rest)
  parts = []
  for (const entry of held.splice(0)) yield * layout.splicer.add(await entry.stream)
  yield * layout.splicer.end()
}

/** Removes the first `n` bytes from `parts` (chunks in order) and returns them as one new array. */
export function takeBytes (parts: Uint8Array[], n: number): Uint8Array {
  const out = new Uint8Array(n)
  let at = 0
  while (at < n) {
    const p = parts[0] as Uint8Array
    const k = Math.min(p.length, n - at)
    out.set(p.subarray(0, k), at)
    at += k
    if (k === p.length) parts.shift()
    else parts[0] = p.subarray(k)
  }
  return out
}
