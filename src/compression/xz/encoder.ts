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
 * complete, as its header holds its compressed size; its output is kept until then, and its input only
 * while the output may still outgrow the block (stored uncompressed then): a compressible block lets go of
 * it after a few MiB. Memory is thus bounded by about twice the block size (48 MiB at -6, 384 MiB at -9),
 * never by the stream size, and is near the block's compressed size for compressible data (both buffers
 * are allocated at their full sizes when the first block starts; pages not written stay unbacked).
 * With mt = 0 output streams as it is produced. With mt = 1 a race need not wait for a whole block: the
 * encoder compares the block's data with the real bytes as it is encoded (`diverged`, block-probe.ts).
 */
import type { RealStream, StreamEncoder } from '../recipe/encoder.js'
import { XzBlockProbe } from './block-probe.js'
import { LiblzmaEncoder } from './liblzma.js'
import { checkXzParams } from './params.js'

/**
 * A whole .xz stream (stream header, blocks, index, footer) for the given params, push-based and
 * synchronous. `loadLiblzma()` must have completed first.
 */
export function createXzEncoder (params: Readonly<Record<string, number>>, real?: RealStream): StreamEncoder {
  const { level, check, mt, blockSize } = checkXzParams(params)
  const enc = new LiblzmaEncoder({ preset: level, extreme: params.extreme === 1, check, mt, blockSize })
  if (!mt || real === undefined) return { write: (bytes) => enc.write(bytes), end: () => enc.end(), dispose: () => { enc.dispose() } }
  // A block is written only once whole: its data can be compared before (block-probe.ts).
  const probe = new XzBlockProbe(enc)
  // Latched: once proven it stays proven (the real bytes it was proven on may be dropped afterwards).
  let diverged = false
  return {
    write: (bytes) => probe.wrote(enc.write(bytes)),
    end: () => probe.wrote(enc.end()),
    dispose: () => { enc.dispose() },
    get diverged () { return (diverged ||= probe.differsAt(real.from) !== undefined) }
  }
}
