/**
 * libbz2 (Debian's bzip2 1.0.8 source compiled to WebAssembly by scripts/wasm/build-libbz2.sh) behind a
 * small typed wrapper. The module is loaded and compiled once, by `loadLibbz2()` (the async entry points
 * call it; see wasm-module.ts), and shared; every compressor or decompressor gets an instance of its own
 * while it runs, from the module's pool: its linear memory (up to ~8 MB for `-9` compression) serves the
 * next stream of the thread once released, instead of a new instance growing (and the kernel zeroing) its
 * memory again for each stream (a rebuild's block worker encodes one piece after another). The module
 * imports nothing, so the same code runs in browsers.
 */
import { LazyWasmModule, type WasmInstanceStats } from '../wasm-module.js'

/** Return codes of BZ2_bzCompress / BZ2_bzDecompress (bzlib.h). */
export const BZ_OK = 0
export const BZ_RUN_OK = 1
export const BZ_FINISH_OK = 3
export const BZ_STREAM_END = 4
export const BZ_SEQUENCE_ERROR = -1
export const BZ_PARAM_ERROR = -2
export const BZ_MEM_ERROR = -3
export const BZ_DATA_ERROR = -4
export const BZ_DATA_ERROR_MAGIC = -5

/** The functions scripts/wasm/libbz2-shim.c exports; pointers are offsets into `memory`. */
interface ShimExports {
  memory: WebAssembly.Memory
  _initialize?: () => void
  shim_compress_new: (blockSize100k: number) => number
  shim_decompress_new: () => number
  shim_free: (h: number) => void
  shim_in_buffer: (h: number) => number
  shim_out_buffer: (h: number) => number
  shim_in_capacity: () => number
  shim_out_capacity: () => number
  shim_push: (h: number, n: number) => number
  shim_avail_in: (h: number) => number
  shim_total_in: (h: number) => number
  shim_compress: (h: number, finish: number) => number
  shim_decompress: (h: number) => number
  shim_produced: (h: number) => number
}

const libbz2 = new LazyWasmModule('libbz2', async () => (await import('./libbz2-wasm.generated.js')).LIBBZ2_WASM_BASE64)

let compressorsCreated = 0

/** Compressor streams created in this thread so far (for tests and measurements). */
export function libbz2CompressorsCreated (): number {
  return compressorsCreated
}

/** libbz2's instances: created, in use, idle (for tests and measurements). */
export function libbz2Instances (): WasmInstanceStats {
  return libbz2.stats
}

/** Loads libbz2 (once); Libbz2Stream, Bzip2Encoder and bzip2CompressSync need it to have completed. */
export async function loadLibbz2 (): Promise<void> {
  await libbz2.load()
}

/**
 * One libbz2 stream (a compressor or a decompressor) in its own WebAssembly instance. Input goes through
 * the instance's input window (at most `inCapacity` bytes at a time, and only once the previous input is
 * consumed); each step writes into the output window, which `output()` views until the next step.
 */
export class Libbz2Stream {
  private x: ShimExports | undefined
  private readonly h: number
  readonly inCapacity: number
  /** A call trapped: the instance (its stack pointer, its heap) is not fit for another stream. */
  private broken = false

  private constructor (create: (x: ShimExports) => number) {
    const x = libbz2.instantiate() as ShimExports
    const h = create(x)
    if (h === 0) {
      libbz2.recycle(x)
      throw new RangeError('libbz2: stream initialisation failed (out of memory or bad block size)')
    }
    this.x = x
    this.h = h
    this.inCapacity = x.shim_in_capacity()
  }

  /** A compressor writing what `bzip2 -<blockSize100k>` writes (blockSize100k 1..9, checked by the caller). */
  static compressor (blockSize100k: number): Libbz2Stream {
    compressorsCreated++
    return new Libbz2Stream((x) => x.shim_compress_new(blockSize100k))
  }

  /** A decompressor for a single bzip2 stream. */
  static decompressor (): Libbz2Stream {
    return new Libbz2Stream((x) => x.shim_decompress_new())
  }

  private get exports (): ShimExports {
    if (this.x === undefined) throw new RangeError('libbz2: stream already released')
    return this.x
  }

  /** Hand `bytes` (at most inCapacity, copied) to libbz2 as its next input; the previous input must be consumed. */
  push (bytes: Uint8Array): void {
    const x = this.exports
    new Uint8Array(x.memory.buffer, x.shim_in_buffer(this.h), bytes.length).set(bytes)
    if (x.shim_push(this.h, bytes.length) !== BZ_OK) throw new RangeError('libbz2: input pushed before the previous input was consumed')
  }

  /** Input bytes pushed but not consumed yet. */
  get availIn (): number { return this.exports.shim_avail_in(this.h) }

  /** Input bytes consumed since the stream was created. */
  get totalIn (): number { return this.exports.shim_total_in(this.h) }

  /** One BZ2_bzCompress call (BZ_RUN, or BZ_FINISH); returns libbz2's code. */
  compress (finish: boolean): number { return this.guard(x => x.shim_compress(this.h, finish ? 1 : 0)) }

  /** One BZ2_bzDecompress call; returns libbz2's code. */
  decompress (): number { return this.guard(x => x.shim_decompress(this.h)) }

  /** Runs `call` on the exports; the instance is not reused if it throws (a trap). */
  private guard (call: (x: ShimExports) => number): number {
    const x = this.exports
    try {
      return call(x)
    } catch (err) {
      this.broken = true
      throw err
    }
  }

  /** Whether the last step filled the output window (so there may be more output without more input). */
  get outputFull (): boolean { const x = this.exports; return x.shim_produced(this.h) === x.shim_out_capacity() }

  /** The bytes the last step produced, as a view into the instance's memory: copy or use before the next step. */
  output (): Uint8Array {
    const x = this.exports
    return new Uint8Array(x.memory.buffer, x.shim_out_buffer(this.h), x.shim_produced(this.h))
  }

  /** Release the stream and give its instance back to the pool (or drop it after a trap). Safe to call twice. */
  release (): void {
    if (this.x === undefined) return
    const x = this.x
    this.x = undefined
    if (this.broken) return
    // The pool resets the memory anyway; freeing first keeps a released instance's heap consistent.
    try { x.shim_free(this.h) } catch { return }
    libbz2.recycle(x)
  }
}
