/**
 * bzip2 compressor: libbz2 from bzip2 1.0.8 (see libbz2.ts) driven the way the `bzip2` command line drives
 * it, so the output is byte for byte what `bzip2 -1` .. `bzip2 -9` writes.
 */
import { ArchiveManifestError, InvalidArgumentError } from '../../errors.js'
import { BZ_FINISH_OK, BZ_RUN_OK, BZ_STREAM_END, Libbz2Stream, loadLibbz2 } from './libbz2.js'
import { joinBytes } from '../../bytes-concat.js'

export type Bzip2Level = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9

function concat (parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0]! : joinBytes(parts)
}

/**
 * Incremental compressor. libbz2 compresses a block as soon as it is full, so output comes out block by
 * block while writing; memory is one WebAssembly instance (about 8 MB at level 9), given back to the
 * module's pool by `finish`.
 * Synchronous: `loadLibbz2()` must have completed first.
 */
export class Bzip2Encoder {
  private stream: Libbz2Stream | undefined

  constructor (level: number) {
    if (!Number.isInteger(level) || level < 1 || level > 9) {
      throw new InvalidArgumentError(`bzip2 level must be an integer 1..9, got ${String(level)}`)
    }
    this.stream = Libbz2Stream.compressor(level)
  }

  private get s (): Libbz2Stream {
    if (this.stream === undefined) throw new InvalidArgumentError('bzip2 encoder already finished')
    return this.stream
  }

  /** One compress step; copies what it produced into `out`. Releases the instance on any failure. */
  private step (finish: boolean, out: Uint8Array[]): number {
    const s = this.s
    let code: number
    try {
      code = s.compress(finish)
    } catch (e) { // a trap: libbz2 failed an internal assertion
      this.abandon()
      throw new ArchiveManifestError('libbz2 internal error while compressing', { format: 'bzip2' }, { cause: e })
    }
    const expected = finish ? [BZ_FINISH_OK, BZ_STREAM_END] : [BZ_RUN_OK]
    if (!expected.includes(code)) {
      this.abandon()
      throw new ArchiveManifestError(`libbz2 returned ${code} while compressing`, { format: 'bzip2', libbz2Code: code })
    }
    const produced = s.output()
    if (produced.length > 0) out.push(produced.slice())
    return code
  }

  /** Gives the instance back without finishing (a race's rejected candidate); safe after finish. */
  dispose (): void { this.abandon() }

  private abandon (): void {
    this.stream?.release()
    this.stream = undefined
  }

  /** Feed bytes; returns the output bytes produced so far (may be empty). */
  write (data: Uint8Array): Uint8Array {
    const s = this.s
    const out: Uint8Array[] = []
    for (let i = 0; i < data.length; i += s.inCapacity) {
      s.push(data.subarray(i, Math.min(i + s.inCapacity, data.length)))
      // BZ_RUN returns when the input is consumed or the output window is full; a full window may
      // leave output pending even with no input left, so go on until neither holds.
      do this.step(false, out); while (s.availIn > 0 || s.outputFull)
    }
    return concat(out)
  }

  /** Finish the stream (last block, end-of-stream marker, combined CRC) and release the instance. */
  finish (): Uint8Array {
    if (this.stream === undefined) throw new InvalidArgumentError('bzip2 encoder already finished')
    const out: Uint8Array[] = []
    while (this.step(true, out) !== BZ_STREAM_END) { /* BZ_FINISH_OK: more output to come */ }
    this.abandon()
    return concat(out)
  }
}

/** Compress a whole buffer; same bytes as `bzip2 -<level> -c`. `loadLibbz2()` must have completed first. */
export function bzip2CompressSync (bytes: Uint8Array, level: Bzip2Level | number): Uint8Array {
  const enc = new Bzip2Encoder(level)
  const a = enc.write(bytes)
  const b = enc.finish()
  return a.length === 0 ? b : concat([a, b])
}

/**
 * Bytes of the warm-up input: over libbz2's 10000, below which a block is sorted by its fallback sort
 * instead of the main one. Compressed at level 1 (the same code as level 9, over 100 kB blocks instead of
 * 900 kB), so that its instance's memory is ~1 MB rather than ~8 where nothing reuses it.
 */
const WARM_UP_BYTES = 32 * 1024

/**
 * Compresses a small made-up text once, so that the engine optimises libbz2's hot functions before the
 * first real block. V8 compiles WebAssembly to baseline code first and optimises a function once it has
 * run enough, for its next call only (no on-stack replacement): a block's sort is one call, most of a
 * block's ~60 ms at `-9`, so a thread's first block ran wholly in baseline code (alsa-lib's: 79 ms of
 * thread CPU against 61-64 for the next, ~95 in a lone thread). Optimised code is shared by every thread
 * of the process that compiled the same module. `loadLibbz2()` must have completed first.
 */
export function warmUpBzip2Encoder (): void {
  const text = new Uint8Array(WARM_UP_BYTES)
  // Letters, spaces, newlines and digits in a fixed pseudo-random order: sorted like text, not like a run.
  let x = 12345
  for (let i = 0; i < text.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    const r = (x >>> 16) % 40
    text[i] = r < 26 ? 97 + r : r < 34 ? 32 : r < 36 ? 10 : 48 + r - 36
  }
  bzip2CompressSync(text, 1)
}

/** Streaming compression; memory is bounded by the block size, not the input size. */
export async function * bzip2Compress (
  input: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  level: Bzip2Level | number
): AsyncIterable<Uint8Array> {
  await loadLibbz2()
  const enc = new Bzip2Encoder(level)
  if (input instanceof Uint8Array) {
    // Feed in slices so output is produced as each block completes.
    const step = 1 << 20
    for (let i = 0; i < input.length; i += step) {
      const out = enc.write(input.subarray(i, Math.min(i + step, input.length)))
      if (out.length > 0) yield out
    }
  } else if (input != null && (Symbol.asyncIterator in input || Symbol.iterator in input)) {
    for await (const chunk of input) {
      if (!(chunk instanceof Uint8Array)) throw new InvalidArgumentError('bzip2Compress: input chunks must be Uint8Array')
      const out = enc.write(chunk)
      if (out.length > 0) yield out
    }
  } else {
    throw new InvalidArgumentError('bzip2Compress: input must be a Uint8Array or an (async) iterable of Uint8Array')
  }
  const last = enc.finish()
  if (last.length > 0) yield last
}
