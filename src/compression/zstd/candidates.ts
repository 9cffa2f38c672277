/**
 * Which "zstd" recipe parameters could have written a frame, judged from its header alone.
 *
 * The header tells the checksum flag, whether a content size was pledged (a file argument) and its value,
 * and the window: either a window log or, in a single-segment frame, that the window covers the whole
 * content. libzstd derives the window from the level, the pledged size and --long, so for each level the
 * exact header it would write is predicted (as that libzstd does, see window-log.ts) and compared byte for
 * byte; levels whose header differs are left out. The level itself is not in the header, so several
 * levels usually remain, most likely first:
 *   3 (the CLI's default: `tar --zstd`, `tar -I zstd`), 19 (the highest without --ultra, usual for
 *   release tarballs), 1, then levels people type as round numbers (9, 6, 12, 22, 10, 15), then the
 *   others ascending, then --fast=1..5.
 * The order also breaks ties: when several candidates give identical bytes the first one is kept, so the
 * default of each parameter comes before the other value. A wrong level's output differs from the first
 * compressed block on (byte 6 of the frame), but on the ZSTDMT path (workers=1, the default) nothing comes
 * out before the first job's input is complete: 4 windows, e.g. 8 MiB at levels 3-8, 32 MiB at 17-19,
 * 128-512 MiB at 20-22. So wrong candidates die after one job, and --single-thread ones after 128 KiB
 * (measured on a 50 MiB tar: test/compression/zstd-encoder/measure.ts).
 */
import { parseZstdFrameHeader, zstdFrameHeaderSize, zstdMagicKind } from '../container/zstd.js'
import { zstdWindowLog } from './window-log.js'

export const ZSTD_LEVELS_BY_LIKELIHOOD: readonly number[] = Object.freeze([
  3, 19, 1, 9, 6, 12, 22, 10, 15, 2, 4, 5, 7, 8, 11, 13, 14, 16, 17, 18, 20, 21, -1, -2, -3, -4, -5
])

/** Below this pledged size libzstd compresses single-threaded whatever nbWorkers says (ZSTDMT_JOBSIZE_MIN). */
const MT_MIN_SIZE = 512 * 1024
/** --long's default window log. */
const LONG_DEFAULT = 27
/** Windows above level 19's (8 MiB) are where --long becomes a plausible explanation. */
const LONG_MIN_WINDOW_LOG = 24

/** The frame header libzstd 1.5.4 writes (no dictionary), magic included. */
function predictedHeader (level: number, checksum: boolean, size: number | undefined, longWindowLog: number): Uint8Array | undefined {
  const wlog = zstdWindowLog(level, size, longWindowLog)
  if (wlog === 0) return undefined
  const bytes = [0x28, 0xb5, 0x2f, 0xfd]
  if (size === undefined) {
    bytes.push(checksum ? 4 : 0, (wlog - 10) << 3)
    return Uint8Array.from(bytes)
  }
  const singleSegment = 2 ** wlog >= size
  const fcsCode = (size >= 256 ? 1 : 0) + (size >= 65536 + 256 ? 1 : 0) + (size >= 0xffffffff ? 1 : 0)
  bytes.push((fcsCode << 6) | (singleSegment ? 0x20 : 0) | (checksum ? 4 : 0))
  if (!singleSegment) bytes.push((wlog - 10) << 3)
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsCode]!
  let v = fcsCode === 1 ? size - 256 : size
  for (let i = 0; i < fcsBytes; i++) { bytes.push(v % 256); v = Math.floor(v / 256) }
  return Uint8Array.from(bytes)
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/** From the first bytes of a zstd frame (the frame header, at most 18 bytes): the param sets worth trying, most likely first, or undefined if more bytes are needed. [] if none can match (e.g. a dictionary ID). */
export function zstdCandidateParams (head: Uint8Array): Array<Record<string, number>> | undefined {
  if (head.length < 4) return undefined
  if (zstdMagicKind(head) !== 'frame') return []
  if (head.length < 5) return undefined
  const headerSize = zstdFrameHeaderSize(head[4]!)
  if (head.length < headerSize) return undefined
  const header = head.subarray(0, headerSize)
  let parsed
  try { parsed = parseZstdFrameHeader(header, 0) } catch { return [] }
  // The CLI writes no dictionary ID field without a dictionary, and recipes have no dictionaries.
  if ((parsed.descriptor & 3) !== 0) return []

  const checksum = parsed.checksumFlag
  const size = parsed.contentSize
  const out: Array<Record<string, number>> = []
  const tryAll = (pledgedSize: number | undefined, workerChoices: number[], longWindowLog: number, extra: Record<string, number>): void => {
    for (const workers of workerChoices) {
      for (const level of ZSTD_LEVELS_BY_LIKELIHOOD) {
        const predicted = predictedHeader(level, checksum, pledgedSize, longWindowLog)
        if (predicted === undefined || !sameBytes(predicted, header)) continue
        const params: Record<string, number> = { level }
        if (!checksum) params.checksum = 0
        Object.assign(params, extra)
        if (workers === 0) params.workers = 0
        if (longWindowLog !== 0) params.long = longWindowLog
        out.push(params)
      }
    }
  }

  if (size === undefined) {
    // Read from a pipe: the size was never pledged, and every piece goes through ZSTDMT by default.
    tryAll(undefined, [1, 0], 0, {})
    const wlog = parsed.windowDescriptor! >> 3
    if (wlog + 10 >= LONG_MIN_WINDOW_LOG && (parsed.windowDescriptor! & 7) === 0) tryAll(undefined, [1, 0], wlog + 10, {})
  } else if (size === 0) {
    // An empty pipe also ends up with a content size of 0 (libzstd pledges the size when the first call
    // already ends the frame), and its frame equals the file argument's: pledged stays at its default.
    tryAll(0, [1], 0, {})
  } else {
    const workerChoices = size > MT_MIN_SIZE ? [1, 0] : [1]
    tryAll(size, workerChoices, 0, { pledged: 1 })
    if (parsed.singleSegment) {
      if (size > 2 ** 23) tryAll(size, workerChoices, LONG_DEFAULT, { pledged: 1 })
    } else {
      const wlog = (parsed.windowDescriptor! >> 3) + 10
      if (wlog >= LONG_MIN_WINDOW_LOG && (parsed.windowDescriptor! & 7) === 0) tryAll(size, workerChoices, wlog, { pledged: 1 })
    }
  }
  return out
}
