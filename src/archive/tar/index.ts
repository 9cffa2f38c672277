/** Streaming tar reader that keeps every byte: see {@link TarReader}. */
export { TarReader, type TarReaderOptions } from './reader.js'
export type { EntryType, TarFlavor, TarMember, TarPart } from './types.js'
