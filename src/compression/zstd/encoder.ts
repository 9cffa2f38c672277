/**
 * Recipe encoder "zstd": one zstd frame exactly as the `zstd` 1.5.4 command-line tool of Debian bookworm
 * writes it, computed by that tool's own libzstd built to WebAssembly (libzstd.ts).
 *
 * Parameters (integers; canonical form: `level` always, the others only when not at their default):
 *   - level: the compression level, -131072..22 without 0: 1..19, 20..22 (the CLI wants --ultra for
 *     those), negative for --fast=N (level -N). 0 is libzstd's alias of 3 and is refused: write 3.
 *   - checksum: 1 (default) writes the XXH64 content checksum as the CLI does; 0 is --no-check.
 *   - pledged: 0 (default) for input read from a pipe or stdin (`tar --zstd`, `tar -I zstd`,
 *     `... | zstd`): no content size in the header; 1 for a file argument (`zstd file`), where the CLI
 *     pledges the file's size, which is written as Frame_Content_Size and also changes the compression
 *     parameters (window, table sizes, and below 512 KiB the single-threaded path).
 *   - workers: 1 (default) is the CLI's default multi-threaded path (ZSTDMT, taken with any -T#, and by
 *     default even on one core); 0 is --single-thread. The two give different bytes once the input is a few
 *     MiB (measured: from about 3 MiB at levels 1 and 3, and below one MiB never).
 *   - long: --long=N, long-distance matching with window log N (10..30; --long alone is 27); 0 (default)
 *     is off.
 *
 * The CLI's compression loop (programs/fileio.c, FIO_compressZstdFrame) is replayed exactly: input goes to
 * ZSTD_compressStream2 in 128 KiB pieces; with a pledged size the piece that completes it carries
 * ZSTD_e_end, otherwise a last, empty piece does. Each call's output is returned as soon as it exists, and
 * memory stays bounded by libzstd's window and job sizes whatever the input's length. How soon output
 * exists is libzstd's: single-threaded, a block (128 KiB of input) behind; on the ZSTDMT path a whole job
 * behind, because a job starts only once its input is complete. Jobs are 2^(windowLog+2) bytes: 2 MiB at
 * levels <= 1, 4 MiB at 2, 8 MiB at 3-8, 16 MiB at 9-16, 32 MiB at 17-19, 128/256/512 MiB at 20/21/22
 * (--long: from the chain log instead). A race that drops candidates lagging by a fixed amount must allow
 * for that.
 */
import { InvalidArgumentError } from '../../errors.js'
import type { StreamEncoder } from '../recipe/encoder.js'
import { LibzstdStream, ZSTD_e_continue, ZSTD_e_end, ZstdParameter } from './libzstd.js'
import { checkZstdParams } from './params.js'

/** One whole zstd frame for the given params, push-based and synchronous (`loadLibzstd()` must have completed first). `contentSize`, when the params say the size was pledged, is the frame's uncompressed size (known from the frame header when racing, and from the manifest when rebuilding). */
export function createZstdEncoder (params: Readonly<Record<string, number>>, contentSize?: number): StreamEncoder {
  const p = checkZstdParams(params)
  const pledged = p.pledged === 1
  if (pledged && (contentSize === undefined || !Number.isSafeInteger(contentSize) || contentSize < 0)) {
    throw new InvalidArgumentError('zstd encoder with pledged=1 needs the content size')
  }
  const z = new LibzstdStream()
  // The parameters the CLI sets that are not libzstd's defaults anyway, in the CLI's order.
  z.setParameter(ZstdParameter.contentSizeFlag, 1)
  z.setParameter(ZstdParameter.dictIDFlag, 1)
  z.setParameter(ZstdParameter.checksumFlag, p.checksum)
  z.setParameter(ZstdParameter.compressionLevel, p.level)
  if (p.long !== 0) {
    z.setParameter(ZstdParameter.enableLongDistanceMatching, 1)
    z.setParameter(ZstdParameter.windowLog, p.long)
  }
  z.setParameter(ZstdParameter.nbWorkers, p.workers)
  if (pledged) z.setPledgedSize(contentSize!)

  const capacity = z.inputCapacity
  const staged = new Uint8Array(capacity)
  let fill = 0
  let total = 0
  let ended = false

  /** Hands the staged piece to libzstd the way the CLI does, until it is consumed (and, at the end, flushed). */
  const run = (endOp: number, out: Uint8Array[]): void => {
    z.setInput(staged.subarray(0, fill))
    fill = 0
    let toFlush = 1
    while (z.inputRemaining() > 0 || (endOp === ZSTD_e_end && toFlush !== 0)) {
      const r = z.compress(endOp)
      if (r.output !== undefined) out.push(r.output)
      toFlush = r.toFlush
    }
    if (endOp === ZSTD_e_end) { ended = true; z.free() }
  }

  return {
    write (bytes) {
      if (ended) {
        if (bytes.length === 0) return []
        throw new InvalidArgumentError(`zstd encoder: input longer than the pledged ${contentSize} bytes`)
      }
      const out: Uint8Array[] = []
      let at = 0
      while (at < bytes.length) {
        const n = Math.min(capacity - fill, bytes.length - at)
        if (pledged && total + n > contentSize!) throw new InvalidArgumentError(`zstd encoder: input longer than the pledged ${contentSize} bytes`)
        staged.set(bytes.subarray(at, at + n), fill)
        fill += n
        total += n
        at += n
        if (pledged && total === contentSize) run(ZSTD_e_end, out)
        else if (fill === capacity) run(ZSTD_e_continue, out)
      }
      return out
    },
    end () {
      const out: Uint8Array[] = []
      if (ended) return out
      if (pledged) {
        if (total !== contentSize) throw new InvalidArgumentError(`zstd encoder: input of ${total} bytes, ${contentSize} pledged`)
      } else if (fill > 0) {
        run(ZSTD_e_continue, out)
      }
      run(ZSTD_e_end, out)
      return out
    },
    dispose () { z.dispose() }
  }
}
