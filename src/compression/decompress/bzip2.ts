/**
 * Streaming bzip2 decompression with stream boundaries. Decoding is done by libbz2 compiled to WebAssembly
 * (src/compression/bzip2, `bzip2Decompress`), which verifies block and stream CRCs; this module splits the
 * input into streams so each gets a `bzip2-stream` event with its exact extent.
 *
 * A stream ends, byte-aligned, after its end-of-stream marker (48-bit magic 0x177245385090 and a 32-bit
 * CRC, at any bit position, then 0..7 zero padding bits). The next stream begins with "BZh1".."BZh9" and a
 * block or end-of-stream magic. A split point is taken where that 10-byte sequence follows a well-formed
 * end-of-stream marker (more than 120 bits that must match by chance inside compressed data); the decoder
 * then checks the CRCs, so a false split would surface as an error (after at most a block's bytes, which
 * libbz2 releases before their CRC is checked), never as a clean end.
 */
import { bzip2Decompress } from '../bzip2/index.js'
import { CorruptCompressedDataError, TruncatedCompressedDataError, UnsupportedFormatError } from '../../errors.js'
import { isBzip2BlockOrEndMagic } from '../container/detect.js'
import type { DecompressEvent, LendOptions } from './events.js'
import { ByteReader, type ByteInput } from './reader.js'

const EOS_HI = 0x177245
const EOS_LO = 0x385090
/** "BZh" + level digit + 6-byte magic. */
const NEXT_STREAM_LEN = 10
/** Bytes before a split point that must hold the previous stream's end-of-stream marker (80 bits + padding). */
const EOS_LOOKBACK = 11

function isStreamHeader (b: Uint8Array, at: number): boolean {
  return b[at] === 0x42 && b[at + 1] === 0x5a && b[at + 2] === 0x68 && b[at + 3]! >= 0x31 && b[at + 3]! <= 0x39
}

/** True when the 11 bytes `prev` end with an end-of-stream marker, its CRC and 0..7 zero padding bits. */
function endsWithEos (prev: Uint8Array): boolean {
  if (prev.length < EOS_LOOKBACK) return false
  const bit = (i: number): number => (prev[i >> 3]! >> (7 - (i & 7))) & 1
  const bits = (from: number, n: number): number => { let v = 0; for (let i = 0; i < n; i++) v = v * 2 + bit(from + i); return v }
  for (let pad = 0; pad < 8; pad++) {
    if (pad > 0 && (prev[EOS_LOOKBACK - 1]! & ((1 << pad) - 1)) !== 0) break
    const start = EOS_LOOKBACK * 8 - pad - 80
    if (bits(start, 24) === EOS_HI && bits(start + 24, 24) === EOS_LO) return true
  }
  return false
}

function isPrefix (head: Uint8Array, magic: ArrayLike<number>): boolean {
  for (let i = 0; i < head.length && i < magic.length; i++) if (head[i] !== magic[i]) return false
  return true
}

interface SegmentState { lastNonZero: number }

/**
 * The bytes of the stream starting at `r.pos`, up to (not including) the next stream's header or the end of
 * the input. Holds back at most 9 bytes to look for a split point across chunk boundaries.
 */
async function * streamSegment (r: ByteReader, st: SegmentState): AsyncGenerator<Uint8Array, void, undefined> {
  const start = r.pos
  let tail = new Uint8Array(0) // last EOS_LOOKBACK bytes already yielded
  let carry = new Uint8Array(0) // bytes read but not yet yielded
  const note = (b: Uint8Array, at: number): void => {
    for (let i = b.length - 1; i >= 0; i--) if (b[i] !== 0) { st.lastNonZero = Math.max(st.lastNonZero, at + i); break }
  }
  for (;;) {
    const chunk = await r.next()
    if (chunk === undefined) {
      if (carry.length > 0) { note(carry, r.pos - carry.length); yield carry }
      return
    }
    let buf: Uint8Array
    if (carry.length === 0) buf = chunk
    else { buf = new Uint8Array(carry.length + chunk.length); buf.set(carry); buf.set(chunk, carry.length) }
    const bufStart = r.pos - buf.length
    const scanEnd = buf.length - NEXT_STREAM_LEN
    let split = -1
    for (let i = buf.indexOf(0x42); i >= 0 && i <= scanEnd; i = buf.indexOf(0x42, i + 1)) {
      if (bufStart + i - start < 14 || !isStreamHeader(buf, i) || !isBzip2BlockOrEndMagic(buf, i + 4)) continue
      let prev: Uint8Array
      if (i >= EOS_LOOKBACK) prev = buf.subarray(i - EOS_LOOKBACK, i)
      else { prev = new Uint8Array(tail.length + i); prev.set(tail); prev.set(buf.subarray(0, i), tail.length); prev = prev.subarray(prev.length - EOS_LOOKBACK) }
      if (endsWithEos(prev)) { split = i; break }
    }
    if (split >= 0) {
      r.unread(buf.subarray(split))
      if (split > 0) { const out = buf.subarray(0, split); note(out, bufStart); yield out }
      return
    }
    const keep = Math.min(buf.length, NEXT_STREAM_LEN - 1)
    const out = buf.subarray(0, buf.length - keep)
    carry = buf.slice(buf.length - keep)
    if (out.length > 0) {
      note(out, bufStart)
      const t = new Uint8Array(Math.min(EOS_LOOKBACK, tail.length + out.length))
      const fromOut = Math.min(out.length, t.length)
      t.set(tail.subarray(tail.length - (t.length - fromOut)))
      t.set(out.subarray(out.length - fromOut), t.length - fromOut)
      tail = t
      yield out
    }
  }
}

/** Decompress bzip2 data (one stream or several concatenated), yielding data and one `bzip2-stream` event per stream, then `end`. */
export async function * bunzip2 (input: ByteInput, options: LendOptions = {}): AsyncGenerator<DecompressEvent, void, undefined> {
  const r = new ByteReader(input, 'bzip2')
  let uncompressedTotal = 0
  let streams = 0
  try {
    for (;;) {
      await r.fill(NEXT_STREAM_LEN)
      const head = r.peek(Math.min(r.available, NEXT_STREAM_LEN))
      const starts = head.length >= NEXT_STREAM_LEN && isStreamHeader(head, 0) && isBzip2BlockOrEndMagic(head, 4)
      if (!starts) {
        if (streams === 0) {
          if (head.length >= 4 && isStreamHeader(head, 0)) throw r.truncated('a bzip2 stream header')
          if (head.length > 0 && head.length < 4 && isPrefix(head, [0x42, 0x5a, 0x68])) throw r.truncated('a bzip2 stream header')
          throw new UnsupportedFormatError(head.length === 0 ? 'not bzip2 data: input is empty' : 'not bzip2 data (no "BZh1".."BZh9" header)', { offset: 0, format: 'bzip2' })
        }
        const offset = r.pos
        const t = await r.drain()
        yield { kind: 'end', format: 'bzip2', compressedSize: r.pos, uncompressedSize: uncompressedTotal, trailing: { offset, ...t } }
        return
      }
      streams++
      const offset = r.pos
      const level = head[3]! - 0x30
      const uncompressedOffset = uncompressedTotal
      const st: SegmentState = { lastNonZero: -1 }
      const segment = streamSegment(r, st)
      let trailingAt: number | undefined
      try {
        for await (const bytes of bzip2Decompress(segment, options)) {
          uncompressedTotal += bytes.length
          yield { kind: 'data', bytes }
        }
      } catch (e) {
        // bzip2Decompress's offsets are relative to the segment, which starts at this stream.
        if (e instanceof UnsupportedFormatError && typeof e.offset === 'number' && e.offset > 0) {
          trailingAt = offset + e.offset // the decoder finished the stream and found non-bzip2 bytes after it
        } else if (e instanceof TruncatedCompressedDataError) {
          throw new TruncatedCompressedDataError('bzip2 input ended inside a stream', { offset: r.pos + r.available, format: 'bzip2', cause: e.message })
        } else if (e instanceof CorruptCompressedDataError) {
          throw new CorruptCompressedDataError(`corrupt bzip2 data: ${String(e.details.reason)}`,
            { ...e.details, offset: offset + (e.offset ?? 0), format: 'bzip2' }, { cause: e })
        } else if (e instanceof UnsupportedFormatError) { // cannot happen: the segment starts with a checked header
          throw new CorruptCompressedDataError(`corrupt bzip2 data: ${e.message}`, { offset, format: 'bzip2', reason: e.message })
        } else throw e
      }
      if (trailingAt !== undefined) {
        // Everything from trailingAt on is trailing: what the segment still holds, then the rest of the input.
        for await (const _ of segment) { /* consume */ }
        const restAllZero = (await r.drain()).allZero
        const end = r.pos
        yield { kind: 'bzip2-stream', offset, size: trailingAt - offset, level, uncompressedOffset, uncompressedSize: uncompressedTotal - uncompressedOffset }
        yield {
          kind: 'end', format: 'bzip2', compressedSize: end, uncompressedSize: uncompressedTotal,
          trailing: { offset: trailingAt, length: end - trailingAt, allZero: restAllZero && st.lastNonZero < trailingAt }
        }
        return
      }
      if ((await segment.next()).done !== true) {
        throw new CorruptCompressedDataError('corrupt bzip2 data: decoder stopped before the end of the stream', { offset: r.pos, format: 'bzip2', reason: 'early end' })
      }
      yield { kind: 'bzip2-stream', offset, size: r.pos - offset, level, uncompressedOffset, uncompressedSize: uncompressedTotal - uncompressedOffset }
    }
  } finally {
    await r.close()
  }
}
