/** Byte-exact zip reader over a random-access source: see {@link readZipDirectory} and {@link readZipLayout}. */
export { readZipDirectory, readZipLayout } from './reader.js'
export { ZipDirectory } from './directory.js'
export { bytesSource } from './source.js'
export { defaultZipLimits, resolveZipLimits } from './limits.js'
export type {
  ExtraField, RandomAccessSource, ZipEntry, ZipEntryType, ZipLayout, ZipLimits, ZipReadOptions, ZipSegment, ZipSegmentKind
} from './types.js'
