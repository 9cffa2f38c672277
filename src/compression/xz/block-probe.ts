/**
 * Telling early that a threaded-layout encoder (recipe params `mt: 1`) is the wrong one. Such an encoder
 * writes a block only once it is whole (its header holds its compressed size), so a race would compare it
 * only after a whole block of input (24 MiB at -6): xz -6 tried first on a -6e stream encodes that block in
 * full before it is found wrong. But the block's LZMA2 data, after the room kept for its header, is final
 * as it is encoded, and the real block sits at the offset where the encoder's block will be written: the
 * data can be compared as it appears.
 *
 * Why a difference there dooms the encoder: if its block ends up compressed, those bytes are what it will
 * write at that offset. If instead its output outgrows the threaded encoder's block buffer, it stores the
 * block uncompressed, under a header whose one filter is LZMA2 with the smallest dictionary (properties
 * byte 0); so the data is compared only where the real block's header parses and is not such a header,
 * and then that header alone already differs from the stored block's.
 */
import { XZ_FILTER_LZMA2, parseXzBlockHeader } from '../container/xz.js'
import type { RealStream } from '../recipe/encoder.js'
import type { LiblzmaEncoder } from './liblzma.js'

/** The real bytes from an offset on, as far as they have arrived (RealStream.from). */
type RealBytes = RealStream['from']

/** The largest block header (its size byte counts 4-byte units, 1..255). */
const MAX_BLOCK_HEADER = 1024

export class XzBlockProbe {
  readonly #enc: LiblzmaEncoder
  /** Output bytes written so far: where the block being encoded will start. */
  #written = 0
  /** The block whose real header was looked at (its start), whether its data is compared, and how far (from its start). */
  #blockAt = -1
  #comparable = false
  #compared = 0

  constructor (enc: LiblzmaEncoder) {
    this.#enc = enc
  }

  /** Counts output written (returns it unchanged). */
  wrote (chunks: Uint8Array[]): Uint8Array[] {
    for (const c of chunks) this.#written += c.length
    return chunks
  }

  /** Where the current block's data differs from the real bytes at its offset, if it does yet. */
  differsAt (real: RealBytes): number | undefined {
    const block = this.#enc.blockSoFar()
    if (block === undefined || block.bytes.length <= block.headerSize) return undefined
    const at = this.#written
    if (this.#blockAt !== at) {
      const header = realHeader(real, at)
      if (header === undefined) return undefined // not arrived yet
      this.#blockAt = at
      this.#comparable = header
      this.#compared = block.headerSize
    }
    if (!this.#comparable) return undefined
    const { bytes } = block
    while (this.#compared < bytes.length) {
      const r = real(at + this.#compared)
      if (r === undefined) return undefined
      const n = Math.min(r.length, bytes.length - this.#compared)
      for (let i = 0; i < n; i++) if (r[i] !== bytes[this.#compared + i]) return at + this.#compared + i
      this.#compared += n
    }
    return undefined
  }
}

/**
 * Whether the real block header at `at` allows comparing the data after it (it parses, and is not the
 * header of a block stored uncompressed), or undefined while it has not fully arrived.
 */
function realHeader (real: RealBytes, at: number): boolean | undefined {
  const first = real(at)
  if (first === undefined) return undefined
  // 0 is the index indicator: no block there.
  if (first[0] === 0) return false
  const size = (first[0]! + 1) * 4
  const header = new Uint8Array(Math.min(size, MAX_BLOCK_HEADER))
  for (let got = 0; got < header.length;) {
    const r = real(at + got)
    if (r === undefined) return undefined
    const n = Math.min(r.length, header.length - got)
    header.set(r.subarray(0, n), got)
    got += n
  }
  let filters
  try { filters = parseXzBlockHeader(header, at).filters } catch { return false }
  const stored = filters.length === 1 && filters[0]!.id === XZ_FILTER_LZMA2 && filters[0]!.props.length === 1 && filters[0]!.props[0] === 0
  return !stored
}
