/**
 * Streaming xz decompression with exact structure. The container (stream header, block headers, LZMA2
 * chunk headers, block padding and checks, index, footer, stream padding) is walked here, so every block's
 * extent and sizes are known and compared with the index; the bytes of each stream are then decoded by
 * liblzma 5.4.1 compiled to WebAssembly (src/compression/xz/liblzma.ts), which verifies every check type
 * (CRC32, CRC64, SHA-256) and decodes the filters xz writes before LZMA2 (BCJ for x86, ARM, ARM64, ...,
 * and delta). Each stream gets its own decoder instance, so any number of decompressions may interleave.
 */
import { CorruptCompressedDataError, LimitExceededError, UnsupportedFormatError } from '../../errors.js'
import { crc32 } from '../container/crc32.js'
import {
  XZ_HEADER_MAGIC, XZ_STREAM_HEADER_SIZE, isXzStreamStart, parseLzma2ChunkHeader, parseXzBlockHeader, parseXzStreamFooter,
  parseXzStreamHeader, readXzVli, xzCheckSize, type XzBlockInfo
} from '../container/xz.js'
import { LiblzmaDecodeError, LiblzmaDecoder, loadLiblzma } from '../xz/liblzma.js'
import type { DecompressEvent, LendOptions, XzStreamEvent } from './events.js'
import { ByteReader, type ByteInput } from './reader.js'

function corrupt (reason: string, offset: number): CorruptCompressedDataError {
  return new CorruptCompressedDataError(`corrupt xz data: ${reason}`, { offset, format: 'xz', reason })
}

/** Read a VLI at r.pos, consuming it; returns value and raw bytes. */
async function readVli (r: ByteReader, what: string): Promise<[number, Uint8Array]> {
  await r.fill(9)
  if (r.available === 0) throw r.truncated(what)
  const view = r.peek(Math.min(9, r.available))
  const res = readXzVli(view, 0, r.pos)
  if (res === undefined) throw r.truncated(what)
  const raw = r.take(res[1])
  return [res[0], raw]
}

/**
 * The bytes of one xz stream (header .. footer), yielded as they are walked; fills `info`. Throws on
 * structural errors; the decoder checks the CRCs of data and the check fields.
 */
async function * streamBytes (r: ByteReader, info: XzStreamEvent): AsyncGenerator<Uint8Array, void, undefined> {
  const offset = r.pos
  const hb = await r.readExact(XZ_STREAM_HEADER_SIZE, 'an xz stream header')
  const sh = parseXzStreamHeader(hb, offset)
  info.flags = sh.flags
  info.checkType = sh.checkType
  const checkSize = xzCheckSize(sh.checkType)
  info.checkSize = checkSize
  yield hb
  let uncompressed = info.uncompressedOffset
  for (;;) {
    if (!(await r.fill(1))) throw r.truncated('an xz stream (block or index expected)')
    const b0 = r.peek(1)[0]!
    if (b0 === 0) break
    const blockOffset = r.pos
    const hdr = await r.readExact((b0 + 1) * 4, 'an xz block header')
    const bh = parseXzBlockHeader(hdr, blockOffset)
    yield hdr
    let compressedSize = 0
    let uncompressedSize = 0
    let chunks = 0
    for (;;) {
      await r.fill(6)
      const ch = parseLzma2ChunkHeader(r.peek(Math.min(6, r.available)), r.pos)
      if (ch === undefined) throw r.truncated('an LZMA2 chunk header')
      yield r.take(ch.headerSize)
      compressedSize += ch.headerSize
      if (ch.end) break
      let left = ch.dataSize
      while (left > 0) {
        const c = await r.next(left)
        if (c === undefined) throw r.truncated('LZMA2 chunk data')
        left -= c.length
        yield c
      }
      compressedSize += ch.dataSize
      uncompressedSize += ch.uncompressedSize
      chunks++
    }
    if (bh.headerCompressedSize !== undefined && bh.headerCompressedSize !== compressedSize) throw corrupt('block compressed size differs from its header', blockOffset)
    if (bh.headerUncompressedSize !== undefined && bh.headerUncompressedSize !== uncompressedSize) throw corrupt('block uncompressed size differs from its header', blockOffset)
    const paddingSize = (4 - ((bh.headerSize + compressedSize) & 3)) & 3
    const tail = await r.readExact(paddingSize + checkSize, 'xz block padding and check')
    for (let i = 0; i < paddingSize; i++) if (tail[i] !== 0) throw corrupt('non-zero block padding', r.pos - tail.length + i)
    yield tail
    const block: XzBlockInfo = {
      offset: blockOffset,
      headerSize: bh.headerSize,
      compressedSize,
      paddingSize,
      checkSize,
      unpaddedSize: bh.headerSize + compressedSize + checkSize,
      uncompressedSize,
      uncompressedOffset: uncompressed,
      filters: bh.filters,
      check: new Uint8Array(tail.subarray(paddingSize)),
      chunks
    }
    if (bh.headerCompressedSize !== undefined) block.headerCompressedSize = bh.headerCompressedSize
    if (bh.headerUncompressedSize !== undefined) block.headerUncompressedSize = bh.headerUncompressedSize
    info.blocks.push(block)
    uncompressed += uncompressedSize
  }

  // Index: indicator, record count, (unpadded, uncompressed) per block, padding, CRC32.
  const indexOffset = r.pos
  info.indexOffset = indexOffset
  let crc = 0
  const pass = (b: Uint8Array): Uint8Array => { crc = crc32(b, crc); return b }
  yield pass(r.take(1))
  const [count, raw] = await readVli(r, 'the xz index')
  yield pass(raw)
  if (count !== info.blocks.length) throw corrupt(`index lists ${count} blocks, the stream has ${info.blocks.length}`, indexOffset)
  for (const b of info.blocks) {
    const [unpadded, raw1] = await readVli(r, 'the xz index')
    yield pass(raw1)
    const [usize, raw2] = await readVli(r, 'the xz index')
    yield pass(raw2)
    if (unpadded !== b.unpaddedSize || usize !== b.uncompressedSize) throw corrupt(`index record for the block at ${b.offset} does not match the block`, r.pos)
  }
  const pad = (4 - ((r.pos - indexOffset) & 3)) & 3
  const padBytes = await r.readExact(pad, 'the xz index')
  for (let i = 0; i < pad; i++) if (padBytes[i] !== 0) throw corrupt('non-zero index padding', r.pos - pad + i)
  yield pass(padBytes)
  const crcAt = r.pos
  const storedCrc = await r.readExact(4, 'the xz index')
  if (((storedCrc[0]! | (storedCrc[1]! << 8) | (storedCrc[2]! << 16) | (storedCrc[3]! << 24)) >>> 0) !== crc) throw corrupt('index CRC32 mismatch', crcAt)
  yield storedCrc
  info.indexSize = r.pos - indexOffset

  const footerOffset = r.pos
  info.footerOffset = footerOffset
  const fb = await r.readExact(12, 'an xz stream footer')
  const footer = parseXzStreamFooter(fb, footerOffset)
  if (footer.backwardSize !== info.indexSize) throw corrupt('footer backward size does not match the index', footerOffset + 4)
  if (footer.flags !== info.flags) throw corrupt('footer flags differ from header flags', footerOffset + 8)
  yield fb
  info.size = r.pos - offset
  info.uncompressedSize = uncompressed - info.uncompressedOffset
}

/** Decompress xz data (one stream or several, with stream padding), yielding data and one `xz-stream` event per stream, then `end`. */
export async function * unxz (input: ByteInput, options: LendOptions = {}): AsyncGenerator<DecompressEvent, void, undefined> {
  const r = new ByteReader(input, 'xz')
  let uncompressedTotal = 0
  let streams = 0
  try {
    for (;;) {
      // After a stream: stream padding (zero bytes, a multiple of 4) then another stream, or trailing bytes.
      const padOffset = r.pos
      if (streams > 0) {
        let zeros = 0
        for (;;) {
          if (!(await r.fill(4))) break
          const w = r.peek(4)
          if (w[0] !== 0 || w[1] !== 0 || w[2] !== 0 || w[3] !== 0) break
          r.skip(4)
          zeros += 4
        }
        await r.fill(6)
        if (!(r.available >= 6 && isXzStreamStart(r.peek(6)))) {
          r.unread(new Uint8Array(zeros))
          const t = await r.drain()
          yield { kind: 'end', format: 'xz', compressedSize: r.pos, uncompressedSize: uncompressedTotal, trailing: { offset: padOffset, ...t } }
          return
        }
        if (zeros > 0) yield { kind: 'xz-stream-padding', offset: padOffset, size: zeros }
      } else {
        await r.fill(6)
        if (r.available > 0 && r.available < 6 && r.peek(r.available).every((b, i) => b === XZ_HEADER_MAGIC[i])) throw r.truncated('an xz stream header')
        if (!(r.available >= 6 && isXzStreamStart(r.peek(6)))) {
          throw new UnsupportedFormatError(r.available === 0 ? 'not xz data: input is empty' : 'not xz data (no fd 37 7a 58 5a 00 header)', { offset: 0, format: 'xz' })
        }
      }
      streams++
      const info: XzStreamEvent = {
        kind: 'xz-stream', offset: r.pos, size: 0, flags: 0, checkType: 0, checkSize: 0, blocks: [],
        indexOffset: 0, indexSize: 0, footerOffset: 0, uncompressedOffset: uncompressedTotal, uncompressedSize: 0
      }
      const gen = streamBytes(r, info)
      await loadLiblzma() // only once the bytes are known to be xz
      const decoder = new LiblzmaDecoder()
      const decodeError = (e: unknown): Error => {
        if (!(e instanceof LiblzmaDecodeError)) return e as Error
        const at = info.offset + e.inputOffset
        if (e.failure === 'unsupported') return new UnsupportedFormatError('xz stream uses options or filters liblzma 5.4.1 does not support', { offset: at, format: 'xz' })
        if (e.failure === 'memory') return new LimitExceededError('xz decoder ran out of WebAssembly memory', { limit: 'wasmMemory', offset: at })
        if (e.failure === 'truncated') return r.truncated('an xz stream')
        return corrupt('the decoder found corrupt data or a check mismatch', at)
      }
      for (;;) {
        const n = await gen.next()
        const pieces = n.done === true ? decoder.lendEnd() : decoder.lend(n.value)
        for (;;) {
          let piece: IteratorResult<Uint8Array, void>
          try {
            piece = pieces.next()
          } catch (e) {
            await gen.return()
            throw decodeError(e)
          }
          if (piece.done === true) break
          uncompressedTotal += piece.value.length
          // Lent: a view of the decoder's memory, which its next step overwrites.
          yield { kind: 'data', bytes: options.lend === true ? piece.value : piece.value.slice() }
        }
        if (n.done === true) break
      }
      const consumed = decoder.consumed
      decoder.dispose() // its instance serves the next stream, or an encoder
      if (consumed !== info.size) throw corrupt('the decoder ended before the stream', info.offset + consumed)
      if (uncompressedTotal - info.uncompressedOffset !== info.uncompressedSize) throw corrupt('decoded size differs from the index', info.footerOffset)
      yield info
    }
  } finally {
    await r.close()
  }
}
