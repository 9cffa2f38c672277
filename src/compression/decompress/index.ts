/**
 * Streaming decompressors that report the compressed structure exactly (members, streams, blocks, frames,
 * trailing bytes), for describing compressed tarballs byte for byte. Pure: no node: imports.
 *
 * Each format's decompressor (and the inflate, libbz2, liblzma or fzstd code under it) is imported only
 * when data in that format arrives: a plain tar never loads any of them.
 */
import { UnsupportedFormatError } from '../../errors.js'
import { DETECT_BYTES, detectCompression, type CompressionFormat } from '../container/detect.js'
import type { DecompressEvent, LendOptions } from './events.js'
import type { GunzipOptions } from './gzip.js'
import { ByteReader, type ByteInput } from './reader.js'

export type * from './events.js'
export type { GunzipOptions } from './gzip.js'
export type { ByteInput } from './reader.js'

export interface DecompressOptions extends GunzipOptions, LendOptions {
  /** Skip detection and use this format. */
  format?: CompressionFormat
}

/** The decompressor for a format (its module is imported when the returned generator starts). */
export function decompressorFor (format: CompressionFormat, options: DecompressOptions = {}): (input: ByteInput) => AsyncGenerator<DecompressEvent, void, undefined> {
  switch (format) {
    case 'gzip': return async function * (input) { yield * (await import('./gzip.js')).gunzip(input, options) }
    case 'bzip2': return async function * (input) { yield * (await import('./bzip2.js')).bunzip2(input, options) }
    case 'xz': return async function * (input) { yield * (await import('./xz.js')).unxz(input, options) }
    case 'zstd': return async function * (input) { yield * (await import('./zstd.js')).unzstd(input) }
  }
}

/** Whether the format's decompressor lends its output when asked to (LendOptions): xz and bzip2. */
export function lendsOutput (format: CompressionFormat): boolean {
  return format === 'xz' || format === 'bzip2'
}

/**
 * Decompress gzip, bzip2, xz or zstd data, detected from its first bytes (or `options.format`).
 * Throws UnsupportedFormatError when the data is none of them.
 */
export async function * decompress (input: ByteInput, options: DecompressOptions = {}): AsyncGenerator<DecompressEvent, void, undefined> {
  if (options.format !== undefined) { yield * decompressorFor(options.format, options)(input); return }
  const r = new ByteReader(input, 'compressed')
  await r.fill(DETECT_BYTES)
  const head = r.peek(Math.min(r.available, DETECT_BYTES))
  const format = detectCompression(head)
  if (format === undefined) {
    await r.close()
    throw new UnsupportedFormatError('not gzip, bzip2, xz or zstd data', { offset: 0 })
  }
  async function * rest (): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      const c = await r.next()
      if (c === undefined) return
      yield c
    }
  }
  try {
    yield * decompressorFor(format, options)(rest())
  } finally {
    await r.close()
  }
}
