/**
 * Streaming xz decompression with exact structure. The container (stream header, block headers, LZMA2
 * chunk headers, block padding and checks, index, footer, stream padding) is walked here, so every block's
 * extent and sizes are known and compared with the index; the bytes of each stream are then decoded by
 * xz-embedded compiled to WebAssembly (npm `xz-decompress`), which also verifies CRC32/CRC64 checks
 * (SHA-256 checks are verified here). That build has the LZMA2 filter only: chains with a BCJ or delta
 * filter (xz --x86, --arm64, --delta, ...) are refused with UnsupportedFormatError.
 *
 * xz-decompress serialises its decoders behind one global lock (concurrent contexts corrupted each other,
 * upstream issue #9): two xz decompressions interleaved by one consumer wait for each other. Consume one
 * to the end (or stop it: breaking out of the loop releases the lock) before starting another.
 */
import xzDecompress from 'xz-decompress'
import { CorruptCompressedDataError, UnsupportedFormatError } from '../../errors.js'
import { crc32 } from '../container/crc32.js'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  XZ_HEADER_MAGIC, XZ_STREAM_HEADER_SIZE, encodeXzIndex, encodeXzStreamFooter, encodeXzStreamHeader, isXzStreamStart, parseLzma2ChunkHeader, parseXzBlockHeader, parseXzStreamFooter,
  parseXzStreamHeader, readXzVli, xzCheckSize, type XzBlockInfo
} from '../container/xz.js'
import type { DecompressEvent, XzStreamEvent } from './events.js'
import { ByteReader, type ByteInput } from './reader.js'

type XzReadableStreamCtor = new (compressed: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>
const XzReadableStream: XzReadableStreamCtor =
  (xzDecompress as unknown as { XzReadableStream?: XzReadableStreamCtor }).XzReadableStream ??
  (xzDecompress as unknown as { default: { XzReadableStream: XzReadableStreamCtor } }).default.XzReadableStream

const XZ_FILTER_NAMES: Record<number, string> = { 3: 'delta', 4: 'x86', 5: 'powerpc', 6: 'ia64', 7: 'arm', 8: 'armthumb', 9: 'sparc', 10: 'arm64', 11: 'riscv' }

const XZ_ERROR_NAMES: Record<string, string> = { 2: 'unsupported check', 3: 'out of memory', 4: 'memory limit', 5: 'not xz', 6: 'unsupported options', 7: 'corrupt data', 8: 'no progress' }

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

/** Check types xz-embedded (as built in xz-decompress) verifies itself: none, CRC32, CRC64. */
const DECODER_CHECKS = new Set([0, 1, 4])

/**
 * The bytes of one xz stream (header .. footer), yielded as they are walked; fills `info`. Throws on
 * structural errors; the decoder checks CRCs of data and the check fields. For a check type the decoder
 * does not know (SHA-256), the bytes yielded are those of the same stream rewritten with check type none
 * (header, checks dropped, index and footer re-encoded), and the caller verifies the checks.
 */
async function * streamBytes (r: ByteReader, info: XzStreamEvent): AsyncGenerator<Uint8Array, void, undefined> {
  const offset = r.pos
  const hb = await r.readExact(XZ_STREAM_HEADER_SIZE, 'an xz stream header')
  const sh = parseXzStreamHeader(hb, offset)
  info.flags = sh.flags
  info.checkType = sh.checkType
  const checkSize = xzCheckSize(sh.checkType)
  info.checkSize = checkSize
  const rewrite = !DECODER_CHECKS.has(sh.checkType)
  yield rewrite ? encodeXzStreamHeader(0) : hb
  let uncompressed = info.uncompressedOffset
  for (;;) {
    if (!(await r.fill(1))) throw r.truncated('an xz stream (block or index expected)')
    const b0 = r.peek(1)[0]!
    if (b0 === 0) break
    const blockOffset = r.pos
    const hdr = await r.readExact((b0 + 1) * 4, 'an xz block header')
    const bh = parseXzBlockHeader(hdr, blockOffset)
    if (bh.filters.length > 1) {
      // xz-decompress's xz-embedded is built with LZMA2 only (no BCJ or delta filters).
      const names = bh.filters.slice(0, -1).map(f => XZ_FILTER_NAMES[f.id] ?? `0x${f.id.toString(16)}`).join(', ')
      throw new UnsupportedFormatError(`xz filter ${names} before LZMA2 is not supported by the decoder`, { offset: blockOffset, format: 'xz', filters: bh.filters.map(f => f.id) })
    }
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
    yield rewrite ? tail.subarray(0, paddingSize) : tail
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
  const none = new Uint8Array(0)
  const pass = (b: Uint8Array): Uint8Array => { crc = crc32(b, crc); return rewrite ? none : b }
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
  const newIndex = rewrite ? encodeXzIndex(info.blocks.map(b => ({ unpaddedSize: b.unpaddedSize - checkSize, uncompressedSize: b.uncompressedSize }))) : none
  yield rewrite ? newIndex : storedCrc
  info.indexSize = r.pos - indexOffset

  const footerOffset = r.pos
  info.footerOffset = footerOffset
  const fb = await r.readExact(12, 'an xz stream footer')
  const footer = parseXzStreamFooter(fb, footerOffset)
  if (footer.backwardSize !== info.indexSize) throw corrupt('footer backward size does not match the index', footerOffset + 4)
  if (footer.flags !== info.flags) throw corrupt('footer flags differ from header flags', footerOffset + 8)
  if (rewrite) {
    yield encodeXzStreamFooter(newIndex.length, 0)
  } else yield fb
  info.size = r.pos - offset
  info.uncompressedSize = uncompressed - info.uncompressedOffset
}

/** Verifies SHA-256 block checks on the decoded output (xz-embedded skips them), block by block. */
class Sha256Verifier {
  private block = 0
  private h = sha256.create()
  constructor (private pos: number) {}

  update (bytes: Uint8Array, info: XzStreamEvent): void {
    let off = 0
    while (off < bytes.length) {
      const b = info.blocks[this.block]
      if (b === undefined) { this.h.update(bytes.subarray(off)); this.pos += bytes.length - off; return } // end not walked yet: all in this block
      const take = Math.min(bytes.length - off, b.uncompressedOffset + b.uncompressedSize - this.pos)
      this.h.update(bytes.subarray(off, off + take))
      this.pos += take
      off += take
      if (this.pos === b.uncompressedOffset + b.uncompressedSize) this.next(b)
    }
  }

  finish (info: XzStreamEvent): void {
    for (let b = info.blocks[this.block]; b !== undefined; b = info.blocks[this.block]) {
      if (this.pos !== b.uncompressedOffset + b.uncompressedSize) throw corrupt('decoded size differs from the block', b.offset)
      this.next(b)
    }
  }

  private next (b: XzBlockInfo): void {
    const d = this.h.digest()
    for (let i = 0; i < 32; i++) {
      if (d[i] !== b.check[i]) throw corrupt('block SHA-256 check mismatch', b.offset + b.headerSize + b.compressedSize + b.paddingSize)
    }
    this.block++
    this.h = sha256.create()
  }
}

/** Decompress xz data (one stream or several, with stream padding), yielding data and one `xz-stream` event per stream, then `end`. */
export async function * unxz (input: ByteInput): AsyncGenerator<DecompressEvent, void, undefined> {
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
      let verifier: Sha256Verifier | undefined
      const source = new ReadableStream<Uint8Array>({
        async pull (controller) {
          for (;;) { // never hand the decoder an empty chunk: it would report "no progress"
            const n = await gen.next()
            if (n.done === true) { controller.close(); return }
            if (n.value.length > 0) { controller.enqueue(n.value); return }
          }
        },
        async cancel () { await gen.return() }
      }, { highWaterMark: 0 })
      const reader = new XzReadableStream(source).getReader()
      try {
        for (;;) {
          let res: ReadableStreamReadResult<Uint8Array>
          try {
            res = await reader.read()
          } catch (e) {
            if (e instanceof CorruptCompressedDataError || e instanceof UnsupportedFormatError || (e as { code?: string }).code === 'ERR_TRUNCATED_COMPRESSED' || (e as { code?: string }).code === 'ERR_LIMIT_EXCEEDED') throw e
            const m = /error code (\d+)/.exec(String((e as Error)?.message))
            if (m?.[1] === '6' || m?.[1] === '4') throw new UnsupportedFormatError(`xz stream uses options the decoder does not support (${XZ_ERROR_NAMES[m[1]]})`, { offset: r.pos, format: 'xz' })
            // The walker is at most one input chunk ahead of the decoder: the error is at or before r.pos.
            throw corrupt(`${m !== null ? XZ_ERROR_NAMES[m[1]!] ?? `xz-embedded error ${m[1]}` : String((e as Error)?.message)} (decoder)`, r.pos)
          }
          if (res.done === true) break
          if (res.value.length === 0) continue
          if (info.checkType === 10) (verifier ??= new Sha256Verifier(info.uncompressedOffset)).update(res.value, info)
          uncompressedTotal += res.value.length
          yield { kind: 'data', bytes: res.value }
        }
      } finally {
        // Releases xz-decompress's lock when the consumer stops early or an error was thrown.
        await reader.cancel().catch(() => {})
      }
      if (info.checkType === 10) {
        verifier ??= new Sha256Verifier(info.uncompressedOffset)
        verifier.finish(info)
      }
      const rest = await gen.next()
      if (rest.done !== true) throw corrupt('decoder stopped before the end of the stream', r.pos)
      if (uncompressedTotal - info.uncompressedOffset !== info.uncompressedSize) throw corrupt('decoded size differs from the index', info.footerOffset)
      yield info
    }
  } finally {
    await r.close()
  }
}
