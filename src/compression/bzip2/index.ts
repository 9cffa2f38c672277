/** bzip2 (de)compression; the compressor reproduces bzip2 1.0.8 output byte for byte. */
export { bzip2Compress, bzip2CompressSync, Bzip2Encoder, type Bzip2Level } from './encoder.js'
export { bzip2Decompress } from './decoder.js'
