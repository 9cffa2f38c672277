/**
 * Streaming decompressors that report the compressed structure exactly (members, streams, blocks, frames,
 * trailing bytes), for describing compressed tarballs byte for byte. Pure: no node: imports.
 */
import { UnsupportedFormatError } from '../../errors.js'
import { DETECT_BYTES, detectCompression, type CompressionFormat } from '../container/detect.js'
import { bunzip2 } from './bzip2.js'
import type { DecompressEvent } from './events.js'
import { gunzip, type GunzipOptions } from './gzip.js'
import { ByteReader, type ByteInput } from './reader.js'
import { unxz } from './xz.js'
import { unzstd } from './zstd.js'

export type * from './events.js'
export { gunzip, type GunzipOptions } from './gzip.js'
export { bunzip2 } from './bzip2.js'
export { unxz } from './xz.js'
export { unzstd } from './zstd.js'
export type { ByteInput } from './reader.js'

export interface DecompressOptions extends GunzipOptions {
  /** Skip detection and use this format. */
  format?: CompressionFormat
}

/** The decompressor for a format. */
export function decompressorFor (format: CompressionFormat, options: DecompressOptions = {}): (input: ByteInput) => AsyncGenerator<DecompressEvent, void, undefined> {
  switch (format) {
    case 'gzip': return (input) => gunzip(input, options)
    case 'bzip2': return bunzip2
    case 'xz': return unxz
    case 'zstd': return unzstd
  }
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
