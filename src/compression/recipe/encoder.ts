/**
 * A rebuild recipe names a deterministic encoder and its parameters; given the uncompressed bytes, the
 * encoder reproduces a compressed body exactly (for gzip: the raw deflate stream between a member's header
 * and trailer). Encoders are push-based and synchronous, so that many candidates can run in lockstep over
 * one stream and each can be dropped at its first wrong byte (see race.ts).
 */
export interface Recipe {
  /** Encoder name, e.g. "zlib" (vanilla zlib 1.2.x), "zlib-chromium" (Node's zlib), "gnu-gzip", "bzip2" (docs/spec.md §17.3). */
  readonly encoder: string
  /** Its parameters, all integers (e.g. level, memLevel, strategy). */
  readonly params: Readonly<Record<string, number>>
}

/**
 * What a race knows of the real stream so far, for encoders that can prove early that they will not write
 * it (the race's verdict must stay the one running them to the end would give: only proofs count).
 */
export interface RealStream {
  /** How many of the real stream's bytes have arrived. */
  readonly received: number
  /** Its first `length` bytes (at most `received`), or undefined once they are no longer all kept. */
  head(length: number): Uint8Array | undefined
  /**
   * Its bytes from `offset` on, as far as they have arrived: a view of some of them (at least one byte, those
   * of one chunk), or undefined when none has arrived or they are no longer kept. Valid until the race's next step.
   */
  from(offset: number): Uint8Array | undefined
}

export interface StreamEncoder {
  /** Takes the next uncompressed bytes; returns the compressed bytes produced so far (possibly none). */
  write(bytes: Uint8Array): Uint8Array[]
  /** Input ended: returns the last compressed bytes. */
  end(): Uint8Array[]
  /**
   * The encoder is no longer needed (after `end()`, or abandoned): frees what it holds now rather than
   * when collected (a WebAssembly encoder's instance returns to its module's pool). No call after this.
   */
  dispose?(): void
  /**
   * Given a `RealStream` at `create`: true once the encoder has proven that its output will differ from
   * the real stream, without writing that output (a deflate encoder: its first block's tokens differ; xz's
   * threaded layout: the data of a block it holds back until whole differs); the race then drops it as if
   * it had differed. It writes nothing more once this is true, and it stays true. The race asks after each
   * write and each arrival of real bytes, so it may be a getter that looks at the real bytes then.
   */
  readonly diverged?: boolean
}

export interface EncoderFactory {
  readonly recipe: Recipe
  /**
   * The most input bytes the encoder may take before writing their output, when more than a few MiB
   * (xz's multi-threaded layout writes a block only once it is whole, its header holding its size).
   */
  readonly holdsBack?: number
  /**
   * Undefined when `create` may be called now; else a promise of the encoder's code, whose import the
   * first call starts (lazy-code.ts). A race calls it only when the candidate is about to run.
   */
  load?(): Promise<void> | undefined
  /**
   * Runs the encoder once over a small made-up input, so that the engine has optimised its code before a
   * thread that is about to encode real input starts (see bzip2's); only where that repays its cost.
   */
  warmUp?(): void
  /** A new encoder (its code loaded: see `load`); `real`, when given, lets it find out early that it cannot match (see `diverged`). */
  create(real?: RealStream): StreamEncoder
  /**
   * True when facts about the real stream alone prove that this encoder never writes it, so the race
   * need not run it (e.g. Go's compress/flate never flags a data block final); false when they do not.
   */
  cannotWrite?(real: RealStream): boolean
}

/**
 * One encoder's factory maker, for recipes naming it. `contentSize` is the size of the input the encoder
 * will be given (a member's `tarSize`): zstd's CLI pledges it for a file argument, which both writes it in
 * the frame header and tunes the compression.
 */
export type EncoderFamily = (recipe: Recipe, contentSize?: number) => EncoderFactory
