/**
 * The real stream's first deflate block, as the deflate encoders ask a race for it (see `RealStream` in
 * encoder.ts): decoded from the real bytes that have arrived, once per stream, and again only while it is
 * incomplete and the bytes received have at least doubled since (so a stream that arrives in many small
 * pieces is not decoded again for each).
 */
import { readFirstBlock, type FirstBlock } from '../deflate/first-block.js'
import type { RealStream } from './encoder.js'

/** Real bytes decoded at most (the most tokens first-block.ts reads fit well within). */
const FIRST_BLOCK_MAX_BYTES = 1024 * 1024

const decoded = new WeakMap<RealStream, { block: FirstBlock | undefined, from: number }>()

/** The real stream's first deflate block as far as it has arrived; undefined while too little has. */
export function firstDeflateBlock (real: RealStream): FirstBlock | undefined {
  const known = decoded.get(real)
  if (known?.block?.complete === true || known?.block?.type === 'stored') return known.block
  const seen = Math.min(real.received, FIRST_BLOCK_MAX_BYTES)
  if (seen === 0 || (known !== undefined && seen < 2 * known.from)) return known?.block
  const bytes = real.head(seen)
  if (bytes === undefined) return known?.block
  const block = readFirstBlock(bytes)
  decoded.set(real, { block, from: seen })
  return block
}
