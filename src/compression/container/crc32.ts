/** CRC-32 (ISO 3309 / ITU-T V.42, as in gzip, zip, xz and PNG), slice-by-8. Pure. */

const TABLES: Uint32Array = (() => {
  const t = new Uint32Array(8 * 256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!
    for (let s = 1; s < 8; s++) { c = t[c & 0xff]! ^ (c >>> 8); t[s * 256 + n] = c >>> 0 }
  }
  return t
})()

/** Update a running CRC-32 (start with 0) with `data`; returns the CRC of everything so far (unsigned). */
export function crc32 (data: Uint8Array, crc = 0): number {
  const t = TABLES
  let c = ~crc >>> 0
  let i = 0
  const n = data.length
  const end8 = n - (n & 7)
  for (; i < end8; i += 8) {
    const a = (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) ^ c
    const b = data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24)
    c = t[1792 + (a & 0xff)]! ^ t[1536 + ((a >>> 8) & 0xff)]! ^ t[1280 + ((a >>> 16) & 0xff)]! ^ t[1024 + (a >>> 24)]! ^
      t[768 + (b & 0xff)]! ^ t[512 + ((b >>> 8) & 0xff)]! ^ t[256 + ((b >>> 16) & 0xff)]! ^ t[b >>> 24]!
  }
  for (; i < n; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8)
  return ~c >>> 0
}
