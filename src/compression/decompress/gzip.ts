/**
 * Streaming gzip decompression (RFC 1952) with exact structure: every member's header bytes, deflate
 * extent and trailer are reported. pako's raw inflate (zlib 1.2.x port) tells exactly where each deflate
 * stream ends, so the next member, or trailing bytes, start at a known offset. CRC32 and ISIZE are checked.
 */
import { Inflate } from 'pako'
import { CorruptCompressedDataError, UnsupportedFormatError } from '../../errors.js'
import { crc32 } from '../container/crc32.js'
import {
  DEFAULT_GZIP_MAX_FIELD_LENGTH, isGzipMemberStart, parseGzipHeader, parseGzipTrailer,
  type GzipHeader, type GzipHeaderLimits, type GzipMember
} from '../container/gzip.js'
import type { DecompressEvent } from './events.js'
import { ByteReader, type ByteInput } from './reader.js'

export interface GunzipOptions extends GzipHeaderLimits {
  /** Compressed bytes handed to inflate at a time (default 64 KiB). */
  chunkSize?: number
}

interface PakoStream { next_in: number, avail_in: number, msg?: string }

/** Decompress gzip data (one member or several concatenated), yielding data and one `gzip-member` event per member, then `end`. */
export async function * gunzip (input: ByteInput, options: GunzipOptions = {}): AsyncGenerator<DecompressEvent, void, undefined> {
  const r = new ByteReader(input, 'gzip')
  const chunkSize = options.chunkSize ?? 65536
  const maxField = options.maxFieldLength ?? DEFAULT_GZIP_MAX_FIELD_LENGTH
  const maxHeader = 10 + 2 + 65535 + 2 * (maxField + 1) + 2
  let uncompressedTotal = 0
  let members = 0
  try {
    for (;;) {
      await r.fill(3)
      const startsMember = r.available >= 3 && isGzipMemberStart(r.peek(3))
      if (members === 0 && !startsMember) {
        const h = r.peek(Math.min(r.available, 3))
        if (h.length > 0 && h.length < 3 && h[0] === 0x1f && (h.length < 2 || h[1] === 0x8b)) throw r.truncated('a gzip member header')
        throw new UnsupportedFormatError(r.available === 0 ? 'not gzip data: input is empty' : 'not gzip data (no 1f 8b 08 header)', { offset: 0, format: 'gzip' })
      }
      if (!startsMember) {
        const offset = r.pos
        const t = await r.drain()
        yield { kind: 'end', format: 'gzip', compressedSize: r.pos, uncompressedSize: uncompressedTotal, trailing: { offset, ...t } }
        return
      }
      members++
      const offset = r.pos

      // Header, kept byte for byte.
      let need = 10
      let header: GzipHeader
      let headerLength: number
      for (;;) {
        if (!(await r.fill(need))) throw r.truncated('a gzip member header')
        const parsed = parseGzipHeader(r.peek(Math.min(r.available, maxHeader)), offset, options)
        if (parsed.complete) { header = parsed.header; headerLength = parsed.length; break }
        need = parsed.need
      }
      const headerBytes = new Uint8Array(r.take(headerLength)) // a copy (Buffer#slice would share memory)

      // Deflate data.
      const deflateOffset = r.pos
      const inflator = new Inflate({ raw: true, chunkSize: 65536 })
      const strm = (inflator as unknown as { strm: PakoStream }).strm
      const out: Uint8Array[] = []
      inflator.onData = (c) => { out.push(c as Uint8Array) }
      let crc = 0
      const uncompressedOffset = uncompressedTotal
      for (;;) {
        const chunk = await r.next(chunkSize)
        if (chunk === undefined) throw r.truncated('a gzip member\'s deflate data')
        const base = r.pos - chunk.length
        inflator.push(chunk, false)
        if (inflator.err !== 0) {
          throw new CorruptCompressedDataError(`corrupt gzip data: ${inflator.msg || `inflate error ${inflator.err}`}`,
            { offset: base + strm.next_in, format: 'gzip', reason: inflator.msg })
        }
        for (const o of out) {
          crc = crc32(o, crc)
          uncompressedTotal += o.length
          yield { kind: 'data', bytes: o }
        }
        out.length = 0
        if ((inflator as unknown as { ended: boolean }).ended) {
          if (strm.avail_in > 0) r.unread(chunk.subarray(chunk.length - strm.avail_in))
          break
        }
      }
      const trailerOffset = r.pos
      const trailer = parseGzipTrailer(await r.readExact(8, 'a gzip member trailer'))
      const uncompressedSize = uncompressedTotal - uncompressedOffset
      if (trailer.crc32 !== crc) {
        throw new CorruptCompressedDataError(`corrupt gzip data: CRC32 mismatch (stored ${trailer.crc32.toString(16)}, computed ${crc.toString(16)})`,
          { offset: trailerOffset, format: 'gzip', reason: 'crc32', stored: trailer.crc32, computed: crc })
      }
      if (trailer.isize !== uncompressedSize % 2 ** 32) {
        throw new CorruptCompressedDataError(`corrupt gzip data: ISIZE mismatch (stored ${trailer.isize}, actual ${uncompressedSize % 2 ** 32})`,
          { offset: trailerOffset + 4, format: 'gzip', reason: 'isize', stored: trailer.isize, computed: uncompressedSize % 2 ** 32 })
      }
      const member: GzipMember = {
        offset,
        headerBytes,
        header,
        deflateOffset,
        deflateSize: trailerOffset - deflateOffset,
        trailerOffset,
        crc32: trailer.crc32,
        isize: trailer.isize,
        uncompressedOffset,
        uncompressedSize
      }
      yield { kind: 'gzip-member', member }
    }
  } finally {
    await r.close()
  }
}
