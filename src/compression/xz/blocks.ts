/**
 * The threaded .xz layout (recipe params `mt: 1`) as independent blocks: liblzma's threaded encoder cuts
 * the input every `blockSize` bytes and compresses each block from a fresh state into a buffer of its own,
 * its header reserving room for the largest sizes a block of `blockSize` can have. A block's bytes thus
 * depend only on its input and the params, so each piece of `blockSize` bytes can be encoded as a stream of
 * its own (one block) and the blocks put together: stream header, the blocks, an index of their sizes, the
 * stream footer. The single-threaded layout (`mt` absent) is one block and has nothing to split.
 */
import {
  XZ_STREAM_FOOTER_SIZE, XZ_STREAM_HEADER_SIZE, encodeXzIndex, encodeXzStreamFooter, encodeXzStreamHeader, parseXzStreamFooter, readXzVli
} from '../container/xz.js'
import { InvalidArgumentError } from '../../errors.js'
import { checkXzParams, mtDefaultBlockSize } from './params.js'

/** The input bytes of each block in the threaded layout, or undefined for a layout of one block. */
export function xzBlockBytes (params: Readonly<Record<string, number>>): number | undefined {
  const { level, mt, blockSize } = checkXzParams(params)
  if (!mt) return undefined
  return blockSize === 0 ? mtDefaultBlockSize(level) : blockSize
}

/** Cuts every `blockSize` input bytes: push the input in any pieces; each call returns the new cuts (absolute offsets). */
export class XzBlockCutter {
  readonly #blockSize: number
  #offset = 0
  #next: number

  constructor (blockSize: number) {
    this.#blockSize = blockSize
    this.#next = blockSize
  }

  push (bytes: Uint8Array): number[] {
    const cuts: number[] = []
    this.#offset += bytes.length
    // A cut at the very end is made too: the threaded encoder ends a block as soon as it is full.
    while (this.#next <= this.#offset) { cuts.push(this.#next); this.#next += this.#blockSize }
    return cuts
  }
}

function bad (): InvalidArgumentError {
  return new InvalidArgumentError('xz block splice: a piece did not encode to a one-block stream')
}

/**
 * Splices one-block .xz streams (each piece's own, same params, in order) into one stream: `start()`
 * first, `add()` per piece, `end()` last; each returns the bytes now complete.
 */
export class XzBlockSplicer {
  /** The stream flags: a zero byte, then the check id. */
  readonly #flags: number
  readonly #records: Array<{ unpaddedSize: number, uncompressedSize: number }> = []

  constructor (params: Readonly<Record<string, number>>) {
    this.#flags = checkXzParams(params).check
  }

  start (): Uint8Array[] { return [encodeXzStreamHeader(this.#flags)] }

  add (stream: Uint8Array): Uint8Array[] {
    if (stream.length < XZ_STREAM_HEADER_SIZE + XZ_STREAM_FOOTER_SIZE) throw bad()
    const footerAt = stream.length - XZ_STREAM_FOOTER_SIZE
    const { backwardSize } = parseXzStreamFooter(stream.subarray(footerAt), footerAt)
    const indexAt = footerAt - backwardSize
    // The index of one block: indicator 0, one record (unpadded size, uncompressed size).
    if (indexAt <= XZ_STREAM_HEADER_SIZE || stream[indexAt] !== 0 || stream[indexAt + 1] !== 1) throw bad()
    const index = stream.subarray(indexAt, footerAt)
    const unpadded = readXzVli(index, 2, indexAt)
    const uncompressed = unpadded === undefined ? undefined : readXzVli(index, unpadded[1], indexAt)
    if (unpadded === undefined || uncompressed === undefined) throw bad()
    this.#records.push({ unpaddedSize: unpadded[0], uncompressedSize: uncompressed[0] })
    return [stream.subarray(XZ_STREAM_HEADER_SIZE, indexAt)]
  }

  end (): Uint8Array[] {
    const index = encodeXzIndex(this.#records)
    return [index, encodeXzStreamFooter(index.length, this.#flags)]
  }
}
