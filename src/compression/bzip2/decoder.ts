/**
 * Streaming bzip2 decompressor (one stream, or several concatenated): libbz2 from bzip2 1.0.8 (see
 * libbz2.ts), one instance per stream, verifying block and stream CRCs.
 *
 * Memory is bounded by the block size: libbz2 holds one block's tables (4 bytes per block byte, so 3.6 MB
 * at level 9), input is handed over chunk by chunk and output is taken out in window-sized pieces. A
 * consequence: a block's bytes are yielded before its CRC has been checked (as `bzip2 -d` writes them);
 * a mismatch raises an error after them, so a consumer that stops at an error sees at most one block's
 * worth of bad bytes but never a successful end.
 *
 * Errors carry `offset`, a byte offset in this function's input: CorruptCompressedDataError where libbz2
 * had read up to when it found the problem, TruncatedCompressedDataError the input's length, and
 * UnsupportedFormatError 0 for input that does not start like bzip2, or, for bytes after a complete
 * stream that do not start another one, where those bytes begin (always > 0).
 */
import {
  ArchiveManifestError, CorruptCompressedDataError, InvalidArgumentError, TruncatedCompressedDataError, UnsupportedFormatError
} from '../../errors.js'
import { BZ_MEM_ERROR, BZ_OK, BZ_STREAM_END, Libbz2Stream, loadLibbz2 } from './libbz2.js'

/** "BZh" and the block size digit. */
const HEADER_LEN = 4

function isStreamHeader (b: Uint8Array, at: number): boolean {
  return b[at] === 0x42 && b[at + 1] === 0x5a && b[at + 2] === 0x68 && b[at + 3]! >= 0x31 && b[at + 3]! <= 0x39
}

/** The input as chunks, with the absolute offset of the read position. */
class ChunkReader {
  private readonly it: AsyncIterator<Uint8Array> | Iterator<Uint8Array>
  chunk: Uint8Array = new Uint8Array(0)
  /** Next unread byte of `chunk`. */
  pos = 0
  /** Offset of chunk[0] in the whole input. */
  private chunkStart = 0
  eof = false

  constructor (input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
    this.it = Symbol.asyncIterator in input ? input[Symbol.asyncIterator]() : input[Symbol.iterator]()
  }

  get offset (): number { return this.chunkStart + this.pos }
  get available (): number { return this.chunk.length - this.pos }

  /** Read one more non-empty chunk, keeping the unread bytes in front of it; false at the end of the input. */
  async more (): Promise<boolean> {
    if (this.eof) return false
    for (;;) {
      const r = await this.it.next()
      if (r.done === true) { this.eof = true; return false }
      const c: unknown = r.value
      if (!(c instanceof Uint8Array)) throw new InvalidArgumentError('bzip2Decompress: input chunks must be Uint8Array')
      if (c.length === 0) continue
      const rest = this.chunk.subarray(this.pos)
      this.chunkStart += this.pos
      this.pos = 0
      if (rest.length === 0) this.chunk = c
      else { const j = new Uint8Array(rest.length + c.length); j.set(rest); j.set(c, rest.length); this.chunk = j }
      return true
    }
  }

  /** Take up to `max` unread bytes (a view). */
  take (max: number): Uint8Array {
    const n = Math.min(max, this.available)
    const out = this.chunk.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }

  /** Give back the last `n` bytes taken (libbz2 did not consume them). */
  untake (n: number): void { this.pos -= n }
}

/**
 * Decompress a bzip2 stream (or several concatenated), yielding the data in pieces as libbz2 produces it.
 * `lend`: each piece is a view of libbz2's memory, valid until the next piece is asked for (no copy).
 */
export async function * bzip2Decompress (input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: { lend?: boolean } = {}): AsyncIterable<Uint8Array> {
  const r = new ChunkReader(input)
  const truncated = (): TruncatedCompressedDataError => {
    const end = r.offset + r.available
    return new TruncatedCompressedDataError('bzip2 input ended inside a stream', { offset: end, format: 'bzip2' })
  }
  let streams = 0
  for (;;) {
    while (r.available < HEADER_LEN && await r.more()) { /* gather the next stream's header */ }
    if (r.available === 0 && streams > 0) return
    if (r.available < HEADER_LEN || !isStreamHeader(r.chunk, r.pos)) {
      if (streams > 0) throw new UnsupportedFormatError('trailing bytes after bzip2 stream', { offset: r.offset, format: 'bzip2' })
      if (r.available === 0) throw new UnsupportedFormatError('not bzip2 data: input is empty', { offset: 0, format: 'bzip2' })
      if (r.available < HEADER_LEN) throw truncated()
      throw new UnsupportedFormatError('not bzip2 data (no "BZh1".."BZh9" header)', { offset: 0, format: 'bzip2' })
    }
    streams++
    const streamStart = r.offset
    await loadLibbz2() // only once the bytes are known to be bzip2
    const s = Libbz2Stream.decompressor()
    try {
      let pending = false // the last call filled the output window: more output may come without input
      for (;;) {
        if (s.availIn === 0 && !pending) {
          if (r.available === 0 && !await r.more()) throw truncated()
          s.push(r.take(s.inCapacity))
        }
        const before = s.availIn
        let code: number
        try {
          code = s.decompress()
        } catch (e) { // a trap: libbz2 failed an internal assertion, which only bad input should cause
          throw new CorruptCompressedDataError('corrupt bzip2 data: libbz2 internal error',
            { offset: streamStart + s.totalIn, format: 'bzip2', reason: 'libbz2 internal error' }, { cause: e })
        }
        if (code === BZ_MEM_ERROR) throw new ArchiveManifestError('libbz2 could not allocate memory', { format: 'bzip2' })
        if (code !== BZ_OK && code !== BZ_STREAM_END) {
          // BZ_DATA_ERROR (bad magic, table, code, run or CRC) and BZ_DATA_ERROR_MAGIC; libbz2 does not say which.
          throw new CorruptCompressedDataError(`corrupt bzip2 data (libbz2 error ${code})`,
            { offset: streamStart + s.totalIn, format: 'bzip2', reason: `libbz2 error ${code}` })
        }
        const out = s.output()
        pending = s.outputFull
        // A view of the instance's memory, which the next call overwrites: a copy unless lent.
        if (out.length > 0) yield options.lend === true ? out : out.slice()
        if (code === BZ_STREAM_END) {
          r.untake(s.availIn) // bytes after the end-of-stream marker belong to what follows
          break
        }
        // BZ_OK without a full window means libbz2 consumed all its input; anything else would loop forever.
        if (!pending && s.availIn > 0 && s.availIn === before) {
          throw new CorruptCompressedDataError('corrupt bzip2 data: libbz2 made no progress',
            { offset: streamStart + s.totalIn, format: 'bzip2', reason: 'no progress' })
        }
      }
    } finally {
      s.release()
    }
  }
}
