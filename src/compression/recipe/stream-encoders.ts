/**
 * Encoding a recipe's one stream somewhere other than the calling thread: a member with no independent
 * units (a gzip body, xz's single-block layout, a zstd frame) is one encoder's work from its first byte to
 * its last, so the most a rebuild can do is run that encoder beside the rest (reading blocks, assembling the
 * tar, checking digests) rather than between it. Where it runs is injected: on Node, worker threads
 * (`createWorkerStreamEncoders`); without it, in this thread (restore.ts).
 */
import type { Recipe } from './encoder.js'

/** Runs a recipe's encoder over a whole input, elsewhere. */
export interface StreamEncoders {
  /**
   * The recipe's stream over `input` (`contentSize` bytes in all, as a member's `tarSize`), in order. The
   * input's chunks may be views of memory the caller goes on using: they are copied before they leave.
   * Stopping early (`return()` on the result, or an error) releases whatever encodes it.
   */
  encode(recipe: Recipe, contentSize: number, input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array>
}
