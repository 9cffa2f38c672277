/**
 * A rebuild recipe names a deterministic encoder and its parameters; given the uncompressed bytes, the
 * encoder reproduces a compressed body exactly (for gzip: the raw deflate stream between a member's header
 * and trailer). Encoders are push-based and synchronous, so that many candidates can run in lockstep over
 * one stream and each can be dropped at its first wrong byte (see race.ts).
 */
export interface Recipe {
  /** Encoder name, e.g. "zlib" (vanilla zlib 1.2.x), "zlib-chromium" (Node's zlib), "gnu-gzip", "bzip2". */
  readonly encoder: string
  /** Its parameters, all integers (e.g. level, memLevel, strategy). */
  readonly params: Readonly<Record<string, number>>
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
   * Optional, for an encoder that holds output back (xz's threaded layout writes a block only once it is
   * whole, as its header holds its size): an offset where its output is already known to differ from the real
   * bytes (`real`), from what it has encoded but not written yet; else undefined. Sound: an offset only
   * when its whole output cannot equal the real bytes, so a race may drop it at once, as it would later.
   */
  differsAt?(real: RealBytes): number | undefined
}

/**
 * The real bytes from stream offset `at` on, as far as they have arrived: a view of some of them (at least
 * one byte), or undefined when none has arrived (or they are no longer kept). Valid until the caller's next step.
 */
export type RealBytes = (at: number) => Uint8Array | undefined

export interface EncoderFactory {
  readonly recipe: Recipe
  /**
   * The most input bytes the encoder may take before writing their output, when more than a few MiB
   * (xz's multi-threaded layout writes a block only once it is whole, its header holding its size).
   */
  readonly holdsBack?: number
  create(): StreamEncoder
}

/**
 * One encoder's factory maker, for recipes naming it. `contentSize` is the size of the input the encoder
 * will be given (a member's `tarSize`): zstd's CLI pledges it for a file argument, which both writes it in
 * the frame header and tunes the compression.
 */
export type EncoderFamily = (recipe: Recipe, contentSize?: number) => EncoderFactory
