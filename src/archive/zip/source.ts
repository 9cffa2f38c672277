/** Random-access sources: checked reads, and a source over bytes in memory. */

import type { RandomAccessSource } from './types.js'
import { InvalidArgumentError, TruncatedArchiveError } from '../../errors.js'

/** A source over bytes in memory; reads are views, not copies. */
export function bytesSource (bytes: Uint8Array): RandomAccessSource {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, offset + length)
  }
}

export function checkSource (source: RandomAccessSource): void {
  if (source == null || typeof source.read !== 'function' || !Number.isSafeInteger(source.size) || source.size < 0) {
    throw new InvalidArgumentError('zip source must be { size: non-negative safe integer, read(offset, length) }')
  }
}

/** Reads exactly [offset, offset + length), which the caller has checked lies within the source. */
export async function readExact (source: RandomAccessSource, offset: number, length: number): Promise<Uint8Array> {
  if (length === 0) return new Uint8Array(0)
  if (offset < 0 || length < 0 || offset + length > source.size) {
    throw new TruncatedArchiveError(`read of ${length} bytes at ${offset} is outside the ${source.size}-byte archive`, { offset })
  }
  const bytes = await source.read(offset, length)
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError(`zip source returned ${typeof bytes}, not a Uint8Array`, { offset })
  if (bytes.length !== length) {
    throw new TruncatedArchiveError(`zip source returned ${bytes.length} bytes for a read of ${length}`, { offset })
  }
  return bytes
}
