/**
 * Recipe encoder "xz": a whole .xz stream exactly as xz-utils 5.4.1 writes it, from liblzma itself
 * (Debian's source, compiled to wasm: see liblzma.ts). Parameters (integers; canonical form omits any at
 * its default):
 *
 *  - `level` 0..9, required: the preset (xz -0 .. -9).
 *  - `extreme` 0|1, default 0: xz -e.
 *  - `check` 0|1|4|10, default 4: --check=none|crc32|crc64|sha256 (the stream header's check id).
 *  - `mt` 0|1, default 0: 1 for the layout of xz's multi-threaded encoder (xz -T2 and up, or -T0 on a
 *    multi-core machine): blocks of `blockSize` with compressed and uncompressed sizes in their headers. The
 *    output does not depend on the thread count. 0 is xz -T1 (xz 5.4's default): no sizes in block headers.
 *  - `blockSize` 1..2^40: uncompressed bytes per block (xz --block-size). Absent: one block when mt = 0;
 *    liblzma's default when mt = 1 (3x the preset's dictionary size, at least 1 MiB), which must then be
 *    omitted rather than written. xz --block-list is not expressible with integer parameters.
 *
 * Memory: the preset's encoder (preset 6 ~94 MiB, 9 ~674 MiB). With mt = 1 a block is emitted only once
 * complete, as its header holds its compressed size; the block's input and output are kept until then, so
 * memory is bounded by about twice the block size (48 MiB at -6, 384 MiB at -9), never by the stream size.
 * With mt = 0 output streams as it is produced.
 */
import { InvalidArgumentError } from '../../errors.js'
import type { StreamEncoder } from '../recipe/encoder.js'
import { XZ_FILTER_LZMA2, XZ_STREAM_HEADER_SIZE, isXzStreamStart, parseXzBlockHeader, parseXzStreamHeader } from '../container/xz.js'
import { LiblzmaEncoder } from './liblzma.js'

/** Parameter rules for recipe encoder "xz": integers; a parameter at its default must be omitted (canonical form). */
export const XZ_PARAM_RULES: Record<string, { min: number, max: number, default?: number }> = {
  level: { min: 0, max: 9 },
  extreme: { min: 0, max: 1, default: 0 },
  check: { min: 0, max: 10, default: 4 },
  mt: { min: 0, max: 1, default: 0 },
  blockSize: { min: 1, max: 2 ** 40 }
}

const CHECK_IDS = new Set([0, 1, 4, 10])
/** Preset dictionary sizes (liblzma: 2^18, 2^20, 2^21, 2^22, 2^22, 2^23, 2^23, 2^24, 2^25, 2^26). */
const PRESET_DICT = [18, 20, 21, 22, 22, 23, 23, 24, 25, 26].map(p => 2 ** p)
/** The threaded encoder keeps whole blocks; beyond this the wasm32 memory could not hold one. */
const MT_BLOCK_SIZE_MAX = 2 ** 30

/** liblzma's default block size for the threaded encoder: 3x the dictionary, at least 1 MiB. */
function mtDefaultBlockSize (level: number): number {
  return Math.max(3 * PRESET_DICT[level]!, 2 ** 20)
}

function invalid (message: string, params: Readonly<Record<string, number>>): InvalidArgumentError {
  return new InvalidArgumentError(`xz encoder: ${message}`, { params: { ...params } })
}

/**
 * Checks `params` beyond XZ_PARAM_RULES: a check id xz writes, and a threaded `blockSize` at its default
 * omitted (so one layout has one spelling). Throws InvalidArgumentError.
 */
export function checkXzParams (params: Readonly<Record<string, number>>): { level: number, check: number, mt: boolean, blockSize: number } {
  for (const [key, value] of Object.entries(params)) {
    const rule = XZ_PARAM_RULES[key]
    if (rule === undefined) throw invalid(`unknown parameter ${JSON.stringify(key)}`, params)
    if (!Number.isSafeInteger(value) || value < rule.min || value > rule.max) throw invalid(`${key} = ${value} is out of range`, params)
    if (value === rule.default) throw invalid(`${key} = ${value} is its default and must be omitted`, params)
  }
  const level = params.level
  if (level === undefined) throw invalid('level is required', params)
  const check = params.check ?? 4
  if (!CHECK_IDS.has(check)) throw invalid(`check ${check} is not one xz writes (0, 1, 4, 10)`, params)
  const mt = params.mt === 1
  const blockSize = params.blockSize ?? 0
  if (mt && blockSize === mtDefaultBlockSize(level)) throw invalid(`blockSize ${blockSize} is the default for mt level ${level} and must be omitted`, params)
  if (mt && blockSize > MT_BLOCK_SIZE_MAX) throw invalid(`blockSize ${blockSize} is too large for the threaded layout (max ${MT_BLOCK_SIZE_MAX})`, params)
  return { level, check, mt, blockSize }
}

/**
 * Input bytes the encoder holds before their output appears: a whole block in the threaded layout (its
 * header holds its compressed size), next to nothing otherwise.
 */
export function xzHoldsBack (params: Readonly<Record<string, number>>): number | undefined {
  const level = params.level ?? 6
  return params.mt === 1 ? (params.blockSize ?? mtDefaultBlockSize(level)) : undefined
}

/** A whole .xz stream (stream header, blocks, index, footer) for the given params, push-based and synchronous. */
export function createXzEncoder (params: Readonly<Record<string, number>>): StreamEncoder {
  const { level, check, mt, blockSize } = checkXzParams(params)
  const enc = new LiblzmaEncoder({ preset: level, extreme: params.extreme === 1, check, mt, blockSize })
  return { write: (bytes) => enc.write(bytes), end: () => enc.end() }
}

// --- Recognising the parameters from the head of a stream ---

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
