/**
 * The race's early proof for the deflate encoders written here (gnu-gzip.ts, zlib-chromium-crc32c.ts):
 * each symbol of the encoder's first block is compared, as it is tallied, with the real first block's token
 * of that number.
 */
import type { FirstBlock } from '../deflate/first-block.js'
import { firstDeflateBlock } from './real-deflate.js'
import type { RealStream } from './encoder.js'

/** Thrown from the first block's check to abandon a deflater whose output provably differs. */
export const DIVERGED = Symbol('diverged')

/**
 * Two equal streams have equal first blocks, so a differing token, or more tokens than a complete real
 * block holds, proves the output differs: the check then throws DIVERGED (the deflater is not used again).
 */
export function firstBlockCheck (real: RealStream): (index: number, token: number) => void {
  let block: FirstBlock | undefined
  return (index, token) => {
    block ??= firstDeflateBlock(real)
    if (block === undefined || block.type === 'stored') return
    const tokens = block.tokens
    if (index < tokens.length ? tokens[index] !== token : block.complete) throw DIVERGED
    // An incomplete block's later tokens may be decoded once more real bytes arrived.
    if (index >= tokens.length) block = undefined
  }
}
