/**
 * Recognising recipe encoder "xz"'s parameters from the head of an .xz stream: which presets, check and
 * layout can have written it (the race then tries each). Pure header parsing; no liblzma.
 */
import { XZ_FILTER_LZMA2, XZ_STREAM_HEADER_SIZE, isXzStreamStart, parseXzBlockHeader, parseXzStreamHeader } from '../container/xz.js'
import { CHECK_IDS, MT_BLOCK_SIZE_MAX, PRESET_DICT, mtDefaultBlockSize } from './params.js'

/** Levels for each preset dictionary size, most used first (-6 is xz's default; -9 next; -5/-4 rare). */
const LEVELS_BY_DICT = new Map<number, number[]>([
  [PRESET_DICT[0]!, [0]], [PRESET_DICT[1]!, [1]], [PRESET_DICT[2]!, [2]], [PRESET_DICT[3]!, [3, 4]],
  [PRESET_DICT[5]!, [6, 5]], [PRESET_DICT[7]!, [7]], [PRESET_DICT[8]!, [8]], [PRESET_DICT[9]!, [9]]
])
/** All levels by how often they are used, for blocks that do not tell the level. */
const LEVELS_BY_USE = [6, 9, 1, 0, 2, 3, 4, 5, 7, 8]
/** Dictionary size liblzma writes in the header of a block stored uncompressed (LZMA_DICT_SIZE_MIN). */
const UNCOMPRESSED_BLOCK_DICT = 4096

function vliSize (v: number): number {
  let n = 1
  while (v >= 0x80) { v = Math.floor(v / 128); n++ }
  return n
}

/** lzma_block_buffer_bound64: the threaded encoder's output buffer size for a block size. */
function blockBufferBound (blockSize: number): number {
  const lzma2 = blockSize + Math.ceil(blockSize / 65536) * 3 + 1
  return 92 + Math.ceil(lzma2 / 4) * 4
}

/** The block header size the threaded encoder reserves (and keeps) for a block size, LZMA2 alone. */
function mtHeaderSize (blockSize: number): number {
  return Math.ceil((2 + vliSize(blockBufferBound(blockSize)) + vliSize(blockSize) + 3 + 4) / 4) * 4
}

/** LZMA2 dictionary size from its one-byte properties, or undefined when invalid. */
function lzma2DictSize (props: Uint8Array): number | undefined {
  if (props.length !== 1 || props[0]! > 40) return undefined
  const bits = props[0]!
  return bits === 40 ? 0xffffffff : (2 | (bits & 1)) * 2 ** (Math.floor(bits / 2) + 11)
}

function canonical (level: number, extreme: boolean, check: number, mt: boolean, blockSize?: number): Record<string, number> {
  const p: Record<string, number> = { level }
  if (extreme) p.extreme = 1
  if (check !== 4) p.check = check
  if (mt) p.mt = 1
  if (blockSize !== undefined) p.blockSize = blockSize
  return p
}

/**
 * From the first bytes of an .xz stream (stream header + first block header, or the index of an empty stream):
 * the param sets worth trying, most likely first, or undefined if more bytes are needed (never needs more than
 * 12 + 1024 bytes). [] if no candidate can match (e.g. filters other than a lone LZMA2).
 *
 * What the head tells: the check (stream header); the preset's dictionary size (LZMA2 properties), which
 * narrows the level to one or two; the layout (sizes in the header: threaded); with the threaded layout, the
 * block size from the first block's uncompressed size, unless that block is also the last (then the default
 * block size if the header size seen fits it, else the block's size, else a larger size giving that header). Extreme or
 * not is not visible: the plain preset comes first (xz -6 and -9 are far more common than -6e and -9e).
 * Single-threaded streams made with --block-size look like one-block streams here and are not recognised.
 */
export function xzCandidateParams (head: Uint8Array): Array<Record<string, number>> | undefined {
  if (head.length < XZ_STREAM_HEADER_SIZE) {
    for (let i = 0; i < head.length && i < 6; i++) if (head[i] !== [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00][i]) return []
    return undefined
  }
  if (!isXzStreamStart(head)) return []
  let check: number
  try { check = parseXzStreamHeader(head.subarray(0, XZ_STREAM_HEADER_SIZE), 0).checkType } catch { return [] }
  if (!CHECK_IDS.has(check)) return []
  if (head.length < XZ_STREAM_HEADER_SIZE + 1) return undefined
  // An index indicator right after the stream header: no blocks, so every level writes these same bytes.
  if (head[XZ_STREAM_HEADER_SIZE] === 0) return [canonical(6, false, check, false)]
  const headerSize = (head[XZ_STREAM_HEADER_SIZE]! + 1) * 4
  if (head.length < XZ_STREAM_HEADER_SIZE + headerSize) return undefined
  let header: ReturnType<typeof parseXzBlockHeader>
  try { header = parseXzBlockHeader(head.subarray(XZ_STREAM_HEADER_SIZE, XZ_STREAM_HEADER_SIZE + headerSize), XZ_STREAM_HEADER_SIZE) } catch { return [] }
  if (header.filters.length !== 1 || header.filters[0]!.id !== XZ_FILTER_LZMA2) return []
  const dict = lzma2DictSize(header.filters[0]!.props)
  if (dict === undefined) return []
  const out: Array<Record<string, number>> = []
  const both = (level: number, mt: boolean, blockSize?: number): void => {
    out.push(canonical(level, false, check, mt, blockSize), canonical(level, true, check, mt, blockSize))
  }

  const { headerCompressedSize: csize, headerUncompressedSize: usize } = header
  if (csize === undefined && usize === undefined) {
    // Single-threaded layout: liblzma's minimal header for LZMA2 alone.
    if (headerSize !== 12) return []
    for (const level of LEVELS_BY_DICT.get(dict) ?? []) both(level, false)
    return out
  }
  if (csize === undefined || usize === undefined || usize === 0) return []

  if (dict === UNCOMPRESSED_BLOCK_DICT) {
    // Stored uncompressed by the threaded encoder: a full block (the only case where it falls back), whose
    // header was sized for its own sizes. The level is not visible; the block size is.
    const defaults = LEVELS_BY_USE.filter(level => mtDefaultBlockSize(level) === usize)
    if (defaults.length > 0) { for (const level of defaults) both(level, true); return out }
    if (usize > MT_BLOCK_SIZE_MAX) return []
    for (const level of LEVELS_BY_USE) both(level, true, usize)
    return out
  }
  for (const level of LEVELS_BY_DICT.get(dict) ?? []) {
    const auto = mtDefaultBlockSize(level)
    // The first block holds at most one block size of input: the default fits only when usize <= auto.
    // Otherwise, or if the reserved header size says it is not the default, either the block size is usize
    // (more blocks may follow) or this is the only block and the block size is larger. An only block's
    // bytes depend on the block size just through the header size reserved for it, so the smallest block
    // size reserving the header size seen stands for all of them.
    const fitsDefault = usize <= auto && mtHeaderSize(auto) === headerSize
    const fitsOwn = usize !== auto && usize <= MT_BLOCK_SIZE_MAX && mtHeaderSize(usize) === headerSize
    if (fitsDefault) both(level, true)
    if (fitsOwn) both(level, true, usize)
    if (fitsDefault || fitsOwn) continue
    const larger = smallestBlockSizeFor(headerSize, usize)
    if (larger !== undefined) both(level, true, larger)
  }
  return out
}

/** The smallest block size >= from (and <= MT_BLOCK_SIZE_MAX) whose reserved header is `headerSize` bytes. */
function smallestBlockSizeFor (headerSize: number, from: number): number | undefined {
  // mtHeaderSize grows with the block size: binary search for the first block size reaching headerSize.
  let lo = from
  let hi = MT_BLOCK_SIZE_MAX
  if (mtHeaderSize(hi) < headerSize) return undefined
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    if (mtHeaderSize(mid) >= headerSize) hi = mid
    else lo = mid + 1
  }
  return mtHeaderSize(lo) === headerSize ? lo : undefined
}
