/**
 * Debian bookworm's libzstd 1.5.4 compressor as WebAssembly (built by scripts/wasm/build-libzstd.sh from
 * Debian's patched source, see libzstd-wasm.generated.ts), and a typed wrapper over its small C shim
 * (scripts/wasm/libzstd-shim.c). The module has no imports, so it runs unchanged in browsers and Node.
 *
 * The module is loaded and compiled once, by `loadLibzstd()` (see wasm-module.ts), and cached. Each
 * encoder gets an instance of its own, synchronously: a compressor holds up to a few hundred MiB (more for
 * levels 20-22 and --long), which wasm memory never gives back; `dispose()` returns the instance to the
 * module's pool, where the next encoder reuses that memory.
 */
import { ArchiveManifestError, LimitExceededError } from '../../errors.js'
import { LazyWasmModule, type WasmExports, type WasmInstanceStats } from '../wasm-module.js'

const libzstd = new LazyWasmModule('libzstd', async () => (await import('./libzstd-wasm.generated.js')).libzstdWasmBase64)

/** Loads libzstd (once); LibzstdStream and libzstdWindowLog need it to have completed. */
export async function loadLibzstd (): Promise<void> {
  await libzstd.load()
}

/** Undefined once libzstd is loaded, else the promise of `loadLibzstd()` (for EncoderFactory.load). */
export function libzstdLoading (): Promise<void> | undefined {
  return libzstd.loading()
}

/** libzstd's instances: created, in use, idle (what holds its memory; for tests and measurements). */
export function libzstdInstances (): WasmInstanceStats {
  return libzstd.stats
}

/** ZSTD_EndDirective. */
export const ZSTD_e_continue = 0
export const ZSTD_e_end = 2

/** The ZSTD_cParameter numbers the encoder sets (zstd.h, stable in the 1.5 series). */
export const ZstdParameter = {
  compressionLevel: 100,
  windowLog: 101,
  enableLongDistanceMatching: 160,
  contentSizeFlag: 200,
  checksumFlag: 201,
  dictIDFlag: 202,
  nbWorkers: 400
} as const

interface ShimExports extends WasmExports {
  zw_create: () => number
  zw_free: (s: number) => void
  zw_set_parameter: (s: number, param: number, value: number) => number
  zw_set_pledged_size: (s: number, size: number) => number
  zw_input_buffer: (s: number) => number
  zw_input_capacity: () => number
  zw_set_input: (s: number, size: number) => void
  zw_input_remaining: (s: number) => number
  zw_compress: (s: number, endOp: number) => number
  zw_output_buffer: (s: number) => number
  zw_output_size: (s: number) => number
  zw_is_error: (code: number) => number
  zw_error_name: (code: number) => number
  zw_window_log: (level: number, size: number, longWindowLog: number) => number
}

function instantiate (): ShimExports {
  return libzstd.instantiate() as ShimExports
}

/** One libzstd compression stream in an instance of its own. */
export class LibzstdStream {
  private readonly x: ShimExports
  private readonly s: number
  /** Size of the staging input buffer: the zstd CLI's read size, ZSTD_CStreamInSize() (128 KiB). */
  readonly inputCapacity: number
  /** Set by a trap (which may leave the instance inconsistent: it is then not reused) and by dispose(). */
  private state: 'live' | 'trapped' | 'disposed' = 'live'

  constructor () {
    this.x = instantiate()
    this.s = this.x.zw_create() >>> 0
    if (this.s === 0) throw new LimitExceededError('libzstd: out of memory creating a compression context', { limit: 'wasmMemory' })
    this.inputCapacity = this.x.zw_input_capacity()
  }

  setParameter (param: number, value: number): void {
    this.check(this.x.zw_set_parameter(this.s, param, value), `setting parameter ${param} to ${value}`)
  }

  setPledgedSize (size: number): void {
    this.check(this.x.zw_set_pledged_size(this.s, size), `pledging ${size} bytes`)
  }

  /** Stages `bytes` (at most inputCapacity) as the next piece of input. */
  setInput (bytes: Uint8Array): void {
    this.live()
    new Uint8Array(this.x.memory.buffer, this.x.zw_input_buffer(this.s) >>> 0, bytes.length).set(bytes)
    this.x.zw_set_input(this.s, bytes.length)
  }

  inputRemaining (): number { return this.x.zw_input_remaining(this.s) >>> 0 }

  /** One ZSTD_compressStream2 call; returns the bytes it produced (a copy) and what it says is left to flush. */
  compress (endOp: number): { output: Uint8Array | undefined, toFlush: number } {
    this.live()
    let code: number
    try {
      code = this.x.zw_compress(this.s, endOp) >>> 0
    } catch (cause) {
      this.state = 'trapped'
      // A trap: ZSTDMT waited for a thread (see scripts/wasm/include/pthread.h), or memory ran out badly.
      throw new ArchiveManifestError('libzstd trapped while compressing', {}, { cause })
    }
    this.check(code, 'compressing')
    const n = this.x.zw_output_size(this.s) >>> 0
    const output = n === 0 ? undefined : new Uint8Array(this.x.memory.buffer, this.x.zw_output_buffer(this.s) >>> 0, n).slice()
    return { output, toFlush: code }
  }

  free (): void { this.x.zw_free(this.s) }

  /** Gives the instance back for reuse (its memory is reset then); no call after this. */
  dispose (): void {
    if (this.state === 'live') libzstd.recycle(this.x)
    this.state = 'disposed'
  }

  private live (): void {
    if (this.state === 'disposed') throw new ArchiveManifestError('libzstd: used after dispose()')
  }

  private check (code: number, what: string): void {
    const c = code >>> 0
    if (this.x.zw_is_error(c) === 0) return
    const name = readCString(this.x.memory, this.x.zw_error_name(c) >>> 0)
    if (/memory/i.test(name)) throw new LimitExceededError(`libzstd: ${name} while ${what}`, { limit: 'wasmMemory' })
    throw new ArchiveManifestError(`libzstd: ${name} while ${what}`)
  }
}

function readCString (memory: WebAssembly.Memory, p: number): string {
  const b = new Uint8Array(memory.buffer)
  let end = p
  while (b[end] !== 0 && end < b.length) end++
  let s = ''
  for (let i = p; i < end; i++) s += String.fromCharCode(b[i]!)
  return s
}

let query: ShimExports | undefined

/**
 * The window log libzstd 1.5.4 chooses for a frame at `level`, for a pledged `size` (undefined: unknown)
 * and a --long window log (0: off), as libzstd itself answers: the reference that window-log.ts, which
 * the library uses, is tested against. One small shared instance answers these; it allocates only briefly.
 */
export function libzstdWindowLog (level: number, size: number | undefined, longWindowLog = 0): number {
  query ??= instantiate()
  return query.zw_window_log(level, size ?? -1, longWindowLog)
}
