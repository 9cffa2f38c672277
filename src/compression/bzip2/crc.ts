/**
 * The CRC-32 that bzip2 stores per block and per stream: polynomial 0x04C11DB7 processed most significant
 * bit first (not the reflected zlib CRC), initial value 0xFFFFFFFF, final complement.
 */

const TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n << 24
    for (let k = 0; k < 8; k++) c = (c & 0x80000000) !== 0 ? (c << 1) ^ 0x04c11db7 : c << 1
    t[n] = c >>> 0
  }
  return t
})()

export const CRC_INIT = 0xffffffff

/** Feed `count` copies of byte `b` into a running (not yet complemented) CRC. */
export function crcUpdateRun (crc: number, b: number, count: number): number {
  for (let i = 0; i < count; i++) crc = ((crc << 8) ^ TABLE[((crc >>> 24) ^ b) & 0xff]!) >>> 0
  return crc
}

export function crcUpdate (crc: number, b: number): number {
  return ((crc << 8) ^ TABLE[((crc >>> 24) ^ b) & 0xff]!) >>> 0
}

/** The stream CRC: rotate left by one, then xor in each block's final CRC (bzip2's combinedCRC). */
export function combineCrc (combined: number, blockCrc: number): number {
  return (((combined << 1) | (combined >>> 31)) ^ blockCrc) >>> 0
}
