/** Editing real tars for tests: a header byte changed with its checksum kept valid, in the block's own format. */

/** Sets `tar[offset] = value` and rewrites the checksum digits of the 512-byte block holding it. */
export function setHeaderByte (tar: Uint8Array, offset: number, value: number): void {
  tar[offset] = value
  fixChecksum(tar, offset - (offset % 512))
}

/** Recomputes the checksum of the block at `block`, keeping the field's digit count, position and terminators. */
export function fixChecksum (tar: Uint8Array, block: number): void {
  const field = block + 148
  let sum = 8 * 0x20
  for (let i = block; i < block + 512; i++) if (i < field || i >= field + 8) sum += tar[i]!
  let start = field
  while (start < field + 8 && (tar[start]! < 0x30 || tar[start]! > 0x37)) start++
  let end = start
  while (end < field + 8 && tar[end]! >= 0x30 && tar[end]! <= 0x37) end++
  if (end === start) { start = field; end = field + 6 }
  const digits = sum.toString(8).padStart(end - start, '0')
  for (let i = 0; i < end - start; i++) tar[start + i] = digits.charCodeAt(digits.length - (end - start) + i)
}
