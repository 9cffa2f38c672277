/**
 * Streaming Zstandard decompression (RFC 8878) with exact structure. Frames, block headers and skippable
 * frames are walked here (block headers carry their sizes), and each frame's bytes are decoded by fzstd.
 * fzstd does not verify the content checksum; it is verified here (XXH64, container/xxh64.ts).
 */
import { Decompress } from 'fzstd'
import { CorruptCompressedDataError, UnsupportedFormatError } from '../../errors.js'
import {
  ZSTD_BLOCK_SIZE_MAX, parseZstdBlockHeader, parseZstdFrameHeader, readLe32, zstdFrameHeaderSize, zstdMagicKind
} from '../container/zstd.js'
import { Xxh64 } from '../container/xxh64.js'
import type { DecompressEvent } from './events.js'
import { ByteReader, type ByteInput } from './reader.js'

function corrupt (reason: string, offset: number): CorruptCompressedDataError {
  return new CorruptCompressedDataError(`corrupt zstd data: ${reason}`, { offset, format: 'zstd', reason })
}

/** Decompress zstd data (frames and skippable frames, concatenated), yielding data and one event per frame, then `end`. */
export async function * unzstd (input: ByteInput): AsyncGenerator<DecompressEvent, void, undefined> {
  const r = new ByteReader(input, 'zstd')
  let uncompressedTotal = 0
  let frames = 0
  try {
    for (;;) {
      await r.fill(4)
      const kind = r.available >= 4 ? zstdMagicKind(r.peek(4)) : undefined
      if (kind === undefined) {
        const h = r.peek(Math.min(r.available, 4))
        if (frames === 0 && h.length > 0 && h.length < 4 && (h.every((b, i) => b === [0x28, 0xb5, 0x2f, 0xfd][i]) || h.every((b, i) => i === 0 ? (b & 0xf0) === 0x50 : b === [0, 0x2a, 0x4d, 0x18][i]))) throw r.truncated('a zstd frame header')
        if (frames === 0) throw new UnsupportedFormatError(r.available === 0 ? 'not zstd data: input is empty' : 'not zstd data (no 28 b5 2f fd frame magic)', { offset: 0, format: 'zstd' })
        const offset = r.pos
        const t = await r.drain()
        yield { kind: 'end', format: 'zstd', compressedSize: r.pos, uncompressedSize: uncompressedTotal, trailing: { offset, ...t } }
        return
      }
      frames++
      const offset = r.pos
      if (kind === 'skippable') {
        const h = await r.readExact(8, 'a zstd skippable frame header')
        const magicVariant = h[0]! & 0x0f
        let left = readLe32(h, 4)
        while (left > 0) {
          const c = await r.next(left)
          if (c === undefined) throw r.truncated('a zstd skippable frame')
          left -= c.length
        }
        yield { kind: 'zstd-skippable-frame', offset, size: r.pos - offset, magicVariant }
        continue
      }

      if (!(await r.fill(5))) throw r.truncated('a zstd frame header')
      const headerBytes = new Uint8Array(await r.readExact(zstdFrameHeaderSize(r.peek(5)[4]!), 'a zstd frame header'))
      const header = parseZstdFrameHeader(headerBytes, offset)
      if (header.dictionaryId !== 0) throw new UnsupportedFormatError(`zstd frame needs dictionary ${header.dictionaryId}`, { offset, format: 'zstd' })
      const blockMax = Math.min(header.windowSize, ZSTD_BLOCK_SIZE_MAX)
      const out: Uint8Array[] = []
      const dec = new Decompress((chunk) => { if (chunk.length > 0) out.push(chunk) })
      const push = (b: Uint8Array, final = false): void => {
        try { dec.push(b, final) } catch (e) {
          const code = (e as { code?: number }).code
          if (code === 1) throw new UnsupportedFormatError(`zstd window of ${header.windowSize} bytes is too large for the decoder`, { offset, format: 'zstd' })
          throw corrupt(`${(e as Error).message} (decoder)`, r.pos)
        }
      }
      push(headerBytes)
      const uncompressedOffset = uncompressedTotal
      const blocks = { raw: 0, rle: 0, compressed: 0 }
      const hash = header.checksumFlag ? new Xxh64() : undefined
      for (;;) {
        const blockOffset = r.pos
        const bh = await r.readExact(3, 'a zstd block header')
        const b = parseZstdBlockHeader(bh, 0)
        if (b.type === 3) throw corrupt('reserved block type', blockOffset)
        if (b.size > blockMax && b.type !== 1) throw corrupt(`block of ${b.size} bytes exceeds the maximum ${blockMax}`, blockOffset)
        if (b.type === 1 && b.size > blockMax) throw corrupt(`RLE block of ${b.size} bytes exceeds the maximum ${blockMax}`, blockOffset)
        if (b.type === 0) blocks.raw++
        else if (b.type === 1) blocks.rle++
        else blocks.compressed++
        push(bh)
        let left = b.dataSize
        while (left > 0) {
          const c = await r.next(left)
          if (c === undefined) throw r.truncated('a zstd block')
          left -= c.length
          push(c)
          for (const o of out) { hash?.update(o); uncompressedTotal += o.length; yield { kind: 'data', bytes: o } }
          out.length = 0
        }
        if (b.last) break
      }
      let checksum: number | undefined
      if (header.checksumFlag) {
        const ck = await r.readExact(4, 'a zstd frame checksum')
        checksum = readLe32(ck, 0) >>> 0
        push(ck)
      }
      push(new Uint8Array(0), true)
      for (const o of out) { hash?.update(o); uncompressedTotal += o.length; yield { kind: 'data', bytes: o } }
      out.length = 0
      if (hash !== undefined && (hash.digest()[1] !== checksum)) {
        throw new CorruptCompressedDataError('corrupt zstd data: content checksum mismatch', { offset: r.pos - 4, format: 'zstd', reason: 'checksum', stored: checksum })
      }
      const uncompressedSize = uncompressedTotal - uncompressedOffset
      if (header.contentSize !== undefined && header.contentSize !== uncompressedSize) {
        throw corrupt(`frame content size ${header.contentSize} differs from the decoded size ${uncompressedSize}`, offset)
      }
      const ev: DecompressEvent = { kind: 'zstd-frame', offset, size: r.pos - offset, headerBytes, header, blocks, uncompressedOffset, uncompressedSize }
      if (checksum !== undefined) ev.checksum = checksum
      yield ev
    }
  } finally {
    await r.close()
  }
}
