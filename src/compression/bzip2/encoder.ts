/**
 * bzip2 compressor reproducing bzip2 1.0.8 (`bzip2 -1` .. `bzip2 -9`) byte for byte.
 */
import { InvalidArgumentError } from '../../errors.js'
import { BitWriter } from './bitwriter.js'
import { encodeBlock } from './block-encoder.js'
import { CRC_INIT, combineCrc, crcUpdateRun } from './crc.js'

export type Bzip2Level = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9

/**
 * Incremental compressor. Input goes through bzip2's first run-length stage (runs of 4..255 equal bytes become
 * 4 bytes plus a count byte) into a block of at most 100000*level - 19 bytes; a block is encoded as soon as
 * it reaches that size (as libbzip2 does while running), the pending run carrying over to the next block.
 */
export class Bzip2Encoder {
  private readonly bw = new BitWriter()
  private readonly maxBlock: number
  private readonly block: Uint8Array
  private nblock = 0
  private readonly inUse = new Uint8Array(256)
  private blockCrc = CRC_INIT
  private streamCrc = 0
  private runCh = -1 // byte of the pending run, -1 when none
  private runLen = 0
  private finished = false

  constructor (level: number) {
    if (!Number.isInteger(level) || level < 1 || level > 9) {
      throw new InvalidArgumentError(`bzip2 level must be an integer 1..9, got ${String(level)}`)
    }
    this.maxBlock = 100000 * level - 19
    this.block = new Uint8Array(this.maxBlock + 64) // a flushed run may overshoot by up to 4 bytes
    this.bw.write(24, 0x425a68) // "BZh"
    this.bw.write(8, 0x30 + level)
  }

  /** Append the pending run to the block (bzip2's add_pair_to_block). */
  private flushRun (): void {
    const ch = this.runCh
    if (ch < 0) return
    const len = this.runLen
    this.blockCrc = crcUpdateRun(this.blockCrc, ch, len)
    this.inUse[ch] = 1
    const b = this.block
    if (len < 4) {
      for (let i = 0; i < len; i++) b[this.nblock++] = ch
    } else {
      b[this.nblock++] = ch; b[this.nblock++] = ch; b[this.nblock++] = ch; b[this.nblock++] = ch
      b[this.nblock++] = len - 4
      this.inUse[len - 4] = 1
    }
    this.runCh = -1
    this.runLen = 0
  }

  private endBlock (): void {
    if (this.nblock === 0) return
    const crc = (~this.blockCrc) >>> 0
    this.streamCrc = combineCrc(this.streamCrc, crc)
    encodeBlock(this.bw, this.block, this.nblock, this.inUse, crc)
    this.nblock = 0
    this.inUse.fill(0)
    this.blockCrc = CRC_INIT
  }

  /** Feed bytes; returns whole output bytes produced so far (may be empty). */
  write (data: Uint8Array): Uint8Array {
    if (this.finished) throw new InvalidArgumentError('bzip2 encoder already finished')
    const max = this.maxBlock
    let ch = this.runCh
    let len = this.runLen
    for (let i = 0; i < data.length; i++) {
      if (this.nblock >= max) {
        this.runCh = ch; this.runLen = len
        this.endBlock()
      }
      const c = data[i]!
      if (c === ch && len < 255) {
        len++
      } else {
        if (ch >= 0) {
          if (len === 1) { // common case: a lone byte
            this.blockCrc = crcUpdateRun(this.blockCrc, ch, 1)
            this.inUse[ch] = 1
            this.block[this.nblock++] = ch
          } else {
            this.runCh = ch; this.runLen = len
            this.flushRun()
          }
        }
        ch = c
        len = 1
      }
    }
    this.runCh = ch
    this.runLen = len
    // libbzip2 encodes a full block before it returns from a run call, even without further input.
    if (this.nblock >= max) this.endBlock()
    return this.bw.takeBytes()
  }

  /** Finish the stream: last block, end-of-stream marker, combined CRC, zero padding. */
  finish (): Uint8Array {
    if (this.finished) throw new InvalidArgumentError('bzip2 encoder already finished')
    this.finished = true
    if (this.nblock >= this.maxBlock) this.endBlock()
    this.flushRun()
    this.endBlock()
    this.bw.write(24, 0x177245); this.bw.write(24, 0x385090) // end-of-stream magic (BCD sqrt(pi))
    this.bw.write32(this.streamCrc)
    this.bw.flushPadding()
    return this.bw.takeBytes()
  }
}

/** Compress a whole buffer; same bytes as `bzip2 -<level> -c`. */
export function bzip2CompressSync (bytes: Uint8Array, level: Bzip2Level | number): Uint8Array {
  const enc = new Bzip2Encoder(level)
  const a = enc.write(bytes)
  const b = enc.finish()
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/** Streaming compression; memory is bounded by the block size, not the input size. */
export async function * bzip2Compress (
  input: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  level: Bzip2Level | number
): AsyncIterable<Uint8Array> {
  const enc = new Bzip2Encoder(level)
  if (input instanceof Uint8Array) {
    // Feed in block-sized slices so output is produced as each block completes.
    const step = 1 << 20
    for (let i = 0; i < input.length; i += step) {
      const out = enc.write(input.subarray(i, Math.min(i + step, input.length)))
      if (out.length > 0) yield out
    }
  } else if (input != null && (Symbol.asyncIterator in input || Symbol.iterator in input)) {
    for await (const chunk of input) {
      if (!(chunk instanceof Uint8Array)) throw new InvalidArgumentError('bzip2Compress: input chunks must be Uint8Array')
      const out = enc.write(chunk)
      if (out.length > 0) yield out
    }
  } else {
    throw new InvalidArgumentError('bzip2Compress: input must be a Uint8Array or an (async) iterable of Uint8Array')
  }
  const last = enc.finish()
  if (last.length > 0) yield last
}
