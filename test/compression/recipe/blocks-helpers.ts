/** Shared by the block tests: a recipe's stream encoded piece by piece (encodeInBlocks) in this thread, input fed in odd chunks. */
import { blockLayoutOf, encodeInBlocks, encodePiece, type BlockEncoders } from '../../../src/compression/recipe/blocks.js'
import type { Recipe } from '../../../src/compression/recipe/encoder.js'

/** In-thread encoders that count the pieces they were given. */
export function countingEncoders (width = 2): BlockEncoders & { pieces: number[] } {
  const pieces: number[] = []
  return { width, pieces, encode: async (recipe, piece) => { pieces.push(piece.length); return await encodePiece(recipe, piece) } }
}

async function * chunked (input: Uint8Array, chunk: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < input.length; at += chunk) yield input.subarray(at, at + chunk)
}

/** The recipe's stream over `input` through its block layout; also the pieces' sizes. */
export async function inBlocks (recipe: Recipe, input: Uint8Array, chunk = 65_537): Promise<{ bytes: Uint8Array, pieces: number[] }> {
  const layout = blockLayoutOf(recipe)
  if (layout === undefined) throw new Error(`no block layout for ${JSON.stringify(recipe)}`)
  const encoders = countingEncoders()
  const out: Uint8Array[] = []
  for await (const bytes of encodeInBlocks(recipe, layout, chunked(input, chunk), encoders)) out.push(bytes)
  return { bytes: new Uint8Array(Buffer.concat(out)), pieces: encoders.pieces }
}
