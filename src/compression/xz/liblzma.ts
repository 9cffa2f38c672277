/**
 * liblzma's encoder and .xz decoder (Debian xz-utils 5.4.1), compiled to WebAssembly by
 * scripts/wasm/build-liblzma.sh, and typed wrappers over its shims (scripts/wasm/liblzma-shim.c and
 * liblzma-decoder-shim.c). The module has no imports, so it runs unchanged in browsers and Node. It is
 * loaded and compiled once, by `loadLiblzma()` (see wasm-module.ts), and cached; each encoder and decoder
 * has an instance to itself, so they share no state (any number may run interleaved). The memory (up to
 * ~674 MiB for a preset 9 encoder, the dictionary plus ~1 MiB for a decoder) goes with the instance:
 * `dispose()` gives it back to the module's pool, where the next encoder or decoder reuses it.
 */
import { InvalidArgumentError, LimitExceededError } from '../../errors.js'
import { LazyWasmModule, type WasmExports, type WasmInstanceStats } from '../wasm-module.js'

interface ShimExports extends WasmExports {
  xz_create: (preset: number, check: number, mt: number, blockSize: number) => number
  xz_input: (e: number) => number
  xz_input_size: () => number
  xz_output: (e: number) => number
  xz_write: (e: number, n: number) => void
  xz_finish: (e: number) => void
  xz_pump: (e: number) => number
  xz_done: (e: number) => number
  xz_block_output: (e: number) => number
  xz_block_output_size: (e: number) => number
  xz_block_header_size: (e: number) => number
  xz_block_input_kept: (e: number) => number
  xzd_create: () => number
  xzd_input: (d: number) => number
  xzd_output: (d: number) => number
  xzd_write: (d: number, n: number) => void
  xzd_finish: (d: number) => void
  xzd_pump: (d: number) => number
  xzd_done: (d: number) => number
  xzd_total_in: (d: number) => number
}

/** liblzma's LZMA_PRESET_EXTREME flag. */
const PRESET_EXTREME = 0x80000000
/** lzma_ret codes the shims can hand back (negated). */
const LZMA_MEM_ERROR = 5
const LZMA_OPTIONS_ERROR = 8
const LZMA_BUF_ERROR = 10
/** The shims' fixed input buffer (IO_SIZE). */
const SHIM_IO_SIZE = 1 << 17

const liblzma = new LazyWasmModule('liblzma', async () => (await import('./liblzma-wasm.generated.js')).LIBLZMA_WASM_BASE64)

/** Loads liblzma (once); LiblzmaEncoder and LiblzmaDecoder need it to have completed. */
export async function loadLiblzma (): Promise<void> {
  await liblzma.load()
}

/** liblzma's instances: created, in use, idle (what holds its memory; for tests and measurements). */
export function liblzmaInstances (): WasmInstanceStats {
  return liblzma.stats
}

/**
 * An instance of liblzma for one encoder or decoder, given back to the pool by `dispose()` only when
 * every call returned normally (a trap, or an error thrown here, may leave it inconsistent).
 */
class Instance {
  readonly x: ShimExports
  #broken = false
  #disposed = false

  constructor () {
    this.x = liblzma.instantiate() as ShimExports
  }

  /** Runs `call`; the instance is not reused if it throws. */
  guard<T> (call: () => T): T {
    try {
      return call()
    } catch (err) {
      this.#broken = true
      throw err
    }
  }

  /** Refuses a call after `dispose()`: the instance may serve someone else by then. */
  use (): void {
    if (this.#disposed) throw new InvalidArgumentError('liblzma: used after dispose()')
  }

  dispose (): void {
    if (this.#disposed) return
    this.#disposed = true
    if (!this.#broken) liblzma.recycle(this.x)
  }
}

export interface LiblzmaEncoderOptions {
  /** xz preset 0..9. */
  preset: number
  /** xz -e. */
  extreme: boolean
  /** Check id: 0 none, 1 CRC32, 4 CRC64, 10 SHA-256. */
  check: number
  /** The threaded encoder's layout (sizes in block headers) instead of the single-threaded one. */
  mt: boolean
  /** Uncompressed bytes per block; 0 for the default (single-threaded: one block; threaded: 3x dict, min 1 MiB). */
  blockSize: number
}

/*
 * Every pointer and size the shims return is read unsigned (`>>> 0`): wasm32 hands them back as i32s, which
 * JavaScript reads as signed, and an instance's memory may pass 2 GiB (test/compression/xz-encoder/
 * high-memory.test.ts). Only xz_pump's and xzd_pump's counts are signed: negative is an error.
 */

/** One liblzma .xz stream encoder in a wasm instance of its own (until `dispose()`). */
export class LiblzmaEncoder {
  readonly #i = new Instance()
  readonly #x = this.#i.x
  readonly #e: number
  readonly #inPtr: number
  readonly #inSize: number
  #ended = false

  constructor (options: LiblzmaEncoderOptions) {
    const preset = (options.preset | (options.extreme ? PRESET_EXTREME : 0)) >>> 0
    this.#e = this.#i.guard(() => this.#x.xz_create(preset, options.check, options.mt ? 1 : 0, options.blockSize) >>> 0)
    if (this.#e === 0) {
      this.#i.dispose()
      throw new InvalidArgumentError('liblzma rejected the xz encoder options (or is out of memory)', { ...options })
    }
    this.#inPtr = this.#x.xz_input(this.#e) >>> 0
    this.#inSize = this.#x.xz_input_size() >>> 0
  }

  /** Encodes `bytes`; returns the compressed bytes that became ready (copies, safe to keep). */
  write (bytes: Uint8Array): Uint8Array[] {
    if (this.#ended) throw new InvalidArgumentError('xz encoder: write after end')
    this.#i.use()
    return this.#i.guard(() => {
      const out: Uint8Array[] = []
      for (let p = 0; p < bytes.length; p += this.#inSize) {
        const piece = bytes.subarray(p, Math.min(bytes.length, p + this.#inSize))
        new Uint8Array(this.#x.memory.buffer, this.#inPtr, piece.length).set(piece)
        this.#x.xz_write(this.#e, piece.length)
        this.#pump(out)
      }
      return out
    })
  }

  /** Ends the input; returns the rest of the stream. */
  end (): Uint8Array[] {
    if (this.#ended) throw new InvalidArgumentError('xz encoder: end called twice')
    this.#ended = true
    this.#i.use()
    return this.#i.guard(() => {
      const out: Uint8Array[] = []
      this.#x.xz_finish(this.#e)
      this.#pump(out)
      if (this.#x.xz_done(this.#e) !== 1) throw new Error('liblzma shim: stream not finished after end()')
      return out
    })
  }

  /**
   * Threaded layout: the block being encoded, as far as it is encoded — `bytes` from the block's start (a
   * view, valid until the next call), the first `headerSize` of them room for its header (written when the
   * block ends), the LZMA2 data after them final. Undefined outside a block, in the single-threaded layout,
   * and once the block is to be stored uncompressed (its data then is not this).
   */
  blockSoFar (): { bytes: Uint8Array, headerSize: number } | undefined {
    this.#i.use()
    const n = this.#x.xz_block_output_size(this.#e) >>> 0
    if (n === 0) return undefined
    return { bytes: new Uint8Array(this.#x.memory.buffer, this.#x.xz_block_output(this.#e) >>> 0, n), headerSize: this.#x.xz_block_header_size(this.#e) >>> 0 }
  }

  /**
   * Threaded layout: whether the current block's input is still kept, for the uncompressed fallback (a
   * compressible block lets go of it once its output cannot reach the fallback's limit any more).
   */
  get blockInputKept (): boolean {
    this.#i.use()
    return this.#x.xz_block_input_kept(this.#e) === 1
  }

  /** Gives the encoder's instance back for reuse (after the stream, or to abandon it); no call after this. */
  dispose (): void { this.#i.dispose() }

  #pump (out: Uint8Array[]): void {
    for (;;) {
      const n = this.#x.xz_pump(this.#e)
      if (n === 0) return
      if (n < 0) {
        if (-n === LZMA_MEM_ERROR) throw new LimitExceededError('xz encoder ran out of WebAssembly memory', { limit: 'wasmMemory' })
        throw new Error(`liblzma shim: encoder error ${-n}`)
      }
      // The memory may have grown (detaching older views): take a fresh view for each read.
      out.push(new Uint8Array(this.#x.memory.buffer, this.#x.xz_output(this.#e) >>> 0, n).slice())
    }
  }
}

/** Why a liblzma decoder stopped: corrupt data, an option or filter it lacks, input that ended early, or memory. */
export type LiblzmaDecodeFailure = 'corrupt' | 'unsupported' | 'truncated' | 'memory'

/** Thrown by LiblzmaDecoder; the caller turns it into a typed error at `inputOffset` (bytes consumed). */
export class LiblzmaDecodeError extends Error {
  constructor (readonly failure: LiblzmaDecodeFailure, readonly inputOffset: number, readonly lzmaRet: number) {
    super(`liblzma decoder: ${failure} (lzma_ret ${lzmaRet}) after ${inputOffset} input bytes`)
  }
}

/**
 * One liblzma decoder for exactly one .xz stream, in a wasm instance of its own (until `dispose()`). liblzma
 * verifies every check the format holds (header CRCs, block checks of any type, index, footer) and decodes
 * the BCJ and delta filters.
 */
export class LiblzmaDecoder {
  readonly #i = new Instance()
  readonly #x = this.#i.x
  readonly #d: number
  readonly #inPtr: number
  #ended = false

  constructor () {
    this.#d = this.#i.guard(() => this.#x.xzd_create() >>> 0)
    if (this.#d === 0) {
      this.#i.dispose()
      throw new LimitExceededError('xz decoder ran out of WebAssembly memory', { limit: 'wasmMemory' })
    }
    this.#inPtr = this.#x.xzd_input(this.#d) >>> 0
  }

  /** Gives the decoder's instance back for reuse (after the stream, or to abandon it); no call after this. */
  dispose (): void { this.#i.dispose() }

  /** Input bytes consumed so far. */
  get consumed (): number { return this.#x.xzd_total_in(this.#d) }

  /** True once the stream's footer has been read and checked. */
  get done (): boolean { return this.#x.xzd_done(this.#d) === 1 }

  /** Decodes `bytes` (the next bytes of the stream); returns the output that became ready (copies). */
  write (bytes: Uint8Array): Uint8Array[] {
    return copies(this.lend(bytes))
  }

  /** Ends the input; returns the rest of the output. Throws 'truncated' if the stream has not ended. */
  end (): Uint8Array[] {
    return copies(this.lendEnd())
  }

  /**
   * Decodes `bytes` (the next bytes of the stream), yielding the output as it is made, each piece a view
   * of the instance's memory that the next step overwrites: valid until the generator is resumed. No copy
   * is made; the caller copies what it keeps.
   */
  * lend (bytes: Uint8Array): Generator<Uint8Array, void, undefined> {
    if (this.#ended) throw new InvalidArgumentError('xz decoder: write after end')
    for (let p = 0; p < bytes.length; p += SHIM_IO_SIZE) {
      const piece = bytes.subarray(p, Math.min(bytes.length, p + SHIM_IO_SIZE))
      this.#i.use()
      this.#i.guard(() => {
        new Uint8Array(this.#x.memory.buffer, this.#inPtr, piece.length).set(piece)
        this.#x.xzd_write(this.#d, piece.length)
      })
      yield * this.#pump()
    }
  }

  /** Ends the input, yielding the rest of the output as `lend` does. Throws 'truncated' if the stream has not ended. */
  * lendEnd (): Generator<Uint8Array, void, undefined> {
    if (this.#ended) throw new InvalidArgumentError('xz decoder: end called twice')
    this.#ended = true
    this.#i.use()
    this.#i.guard(() => { this.#x.xzd_finish(this.#d) })
    yield * this.#pump()
    if (!this.done) throw new LiblzmaDecodeError('truncated', this.consumed, LZMA_BUF_ERROR)
  }

  * #pump (): Generator<Uint8Array, void, undefined> {
    for (;;) {
      this.#i.use()
      const n = this.#i.guard(() => {
        const n = this.#x.xzd_pump(this.#d)
        if (n >= 0) return n
        const ret = -n
        const failure: LiblzmaDecodeFailure = ret === LZMA_MEM_ERROR
          ? 'memory'
          : ret === LZMA_OPTIONS_ERROR ? 'unsupported' : ret === LZMA_BUF_ERROR ? 'truncated' : 'corrupt'
        throw new LiblzmaDecodeError(failure, this.consumed, ret)
      })
      if (n === 0) return
      // The memory may have grown (detaching older views): take a fresh view for each read.
      yield new Uint8Array(this.#x.memory.buffer, this.#x.xzd_output(this.#d) >>> 0, n)
    }
  }
}

/** Each lent piece copied before the next is made. */
function copies (pieces: Iterable<Uint8Array>): Uint8Array[] {
  const out: Uint8Array[] = []
  for (const piece of pieces) out.push(piece.slice())
  return out
}
