/**
 * The window log libzstd 1.5.4 writes a frame with, computed here rather than asked of libzstd, so that
 * reading a frame header (candidates.ts) and planning a race (how much a candidate holds back) need no
 * WebAssembly: the thread that describes the archive then never compiles libzstd nor keeps an instance
 * of it (about 10 MB of peak RSS, #16); only the thread that runs the encoders loads it.
 *
 * It follows ZSTD_getCParamsFromCCtxParams as the shim's zw_window_log calls it (no dictionary): the
 * level's row of ZSTD_defaultCParameters (clevels.h), chosen by the pledged size; --long sets the window
 * log; a pledged size shrinks the window to the size's log; 10 is the least. The test compares it with
 * libzstd's own answer (libzstdWindowLog) over every level and a grid of sizes and --long values.
 */

/** windowLog of ZSTD_defaultCParameters' first table (sizes above 256 KiB, or unknown), by row: level 0..22; row 0 is the base of the negative levels. */
const LARGE_WINDOW_LOGS: readonly number[] = [19, 19, 20, 21, 21, 21, 21, 21, 21, 22, 22, 22, 22, 22, 22, 22, 22, 23, 23, 23, 25, 26, 27]
const MAX_LEVEL = 22
/** libzstd's default level, which level 0 stands for. */
const DEFAULT_LEVEL = 3
/** ZSTD_WINDOWLOG_ABSOLUTEMIN. */
const MIN_WINDOW_LOG = 10
/** ZSTD_HASHLOG_MIN: the least log a small size shrinks the window to (then raised to MIN_WINDOW_LOG). */
const MIN_SIZE_LOG = 6
/** Sizes above this do not shrink the window: 2^(ZSTD_WINDOWLOG_MAX - 1), wasm32's (its max is 30), larger than any window the levels or --long=30 choose, so amd64's 2^30 gives the same. */
const MAX_WINDOW_RESIZE = 2 ** 29

/**
 * The window log libzstd 1.5.4 chooses for a frame at `level`, for a pledged `size` (undefined: unknown)
 * and a --long window log (0: off).
 */
export function zstdWindowLog (level: number, size: number | undefined, longWindowLog = 0): number {
  const row = level === 0 ? DEFAULT_LEVEL : level < 0 ? 0 : Math.min(level, MAX_LEVEL)
  // The tables for sizes up to 256, 128 and 16 KiB have one window log each, whatever the level.
  const tableLog = size === undefined || size > 256 * 1024 ? LARGE_WINDOW_LOGS[row]! : size > 128 * 1024 ? 18 : size > 16 * 1024 ? 17 : 14
  let windowLog = longWindowLog !== 0 ? longWindowLog : tableLog
  if (size !== undefined && size <= MAX_WINDOW_RESIZE) windowLog = Math.min(windowLog, sizeLog(size))
  return Math.max(MIN_WINDOW_LOG, windowLog)
}

/** The log of the smallest power of two holding `size` bytes, at least MIN_SIZE_LOG (ZSTD_adjustCParams_internal's srcLog). */
function sizeLog (size: number): number {
  return size < 2 ** MIN_SIZE_LOG ? MIN_SIZE_LOG : 32 - Math.clz32(size - 1)
}
