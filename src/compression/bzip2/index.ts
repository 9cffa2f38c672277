/** bzip2 (de)compression with libbz2 1.0.8 compiled to WebAssembly; the compressor reproduces `bzip2 -1..-9` byte for byte. */
export { bzip2Compress, bzip2CompressSync, Bzip2Encoder, type Bzip2Level } from './encoder.js'
export { bzip2Decompress } from './decoder.js'
export { loadLibbz2 } from './libbz2.js'
