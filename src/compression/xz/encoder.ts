/**
 * xz encoder adapter: liblzma (XZ Utils) through the native binding of the npm package `node-liblzma`.
 *
 * NODE-EDGE ONLY. This module loads a native addon (N-API) with `createRequire`; it must not be imported
 * from the pure, browser-compatible core. It is byte-identical to the `xz` program built on the same
 * liblzma, because the `xz` program is a thin driver of the same liblzma calls:
 *   - threads 1  = `xz -<preset>[e] -T1 --check=<c>`: lzma_stream_encoder, one block, no sizes in the
 *     block header;
 *   - threads >= 2 = `xz -<preset>[e] -T<n> --check=<c>` (n >= 2): lzma_stream_encoder_mt with
 *     block_size 0, i.e. blocks of 3 x dictionary size (at least 1 MiB), compressed and uncompressed sizes
 *     in every block header. The output does not depend on the thread count once it is >= 2.
 *
 * Measured (2026-11, Debian xz-utils 5.4.1 and node-liblzma 5.1.3 built against the system liblzma 5.4.1):
 * identical at presets 0-9, with and without -e, -T1 and -T2, CRC64 and CRC32, on 250 KB, 11 MB and 24 MB
 * tars; reproduces sed_4.9.orig.tar.xz (`-6e -T1`) and hello_2.10-3's data.tar.xz (`-6 -T2`). The LZMA2
 * payload was also identical with liblzma 5.2.3 (lzma-native) and 5.8.4 (node-liblzma's wasm build).
 *
 * The binding is synchronous (`codeSync`), so this fits the recipe race's push API. Not supported (throw):
 * a non-default block size (`xz --block-size`/`--block-list`): node-liblzma does not pass lzma_mt.block_size.
 */
import { createRequire } from 'node:module'
import { dirname } from 'node:path'

/** liblzma check IDs, as stored in the .xz stream flags. */
export const XzCheck = { none: 0, crc32: 1, crc64: 4, sha256: 10 } as const

export interface XzEncoderParams {
  /** 0-9, as `xz -0` .. `xz -9`. */
  readonly preset: number
  /** 1 = `-e` (LZMA_PRESET_EXTREME). */
  readonly extreme?: 0 | 1
  /** liblzma check ID: 0 none, 1 CRC32, 4 CRC64 (xz's default), 10 SHA-256. */
  readonly check?: number
  /** 1 = single-threaded layout (`-T1`); >= 2 = multi-threaded block layout (`-T2` and up). Default 1. */
  readonly threads?: number
  /** Block size for the multi-threaded layout; only 0/undefined (liblzma's 3 x dictionary) is supported. */
  readonly blockSize?: number
}

/** The subset of node-liblzma's native binding this adapter uses (lib/lzma.js calls the same). */
interface NativeLzma {
  codeSync(flushFlag: number, chunk: Uint8Array | null, inOff: number, availIn: number | undefined,
    out: Uint8Array, outOff: number): [number, number, number]
  close(): void
}
interface NativeBinding {
  LZMA: new (mode: number, opts: Record<string, unknown>) => NativeLzma
  STREAM_ENCODE: number
  LZMA_RUN: number
  LZMA_FINISH: number
  LZMA_OK: number
  LZMA_STREAM_END: number
  LZMA_FILTER_LZMA2: number
  LZMA_MODE_NORMAL: number
  LZMA_PRESET_EXTREME: number
  LZMA_VERSION_STRING: string
  HAS_THREADS_SUPPORT: boolean
}

let binding: NativeBinding | undefined
let loadError: unknown

/** Loads node-liblzma's native addon (build/Release first, then its prebuilds), once. */
function loadBinding (): NativeBinding {
  if (binding !== undefined) return binding
  if (loadError !== undefined) throw loadError
  try {
    const req = createRequire(import.meta.url)
    // Resolves to <pkg>/lib/lzma.js (the "default" export condition); the addon lives in <pkg>.
    const entry = req.resolve('node-liblzma')
    const root = dirname(dirname(entry))
    const nodeGypBuild = createRequire(entry)('node-gyp-build') as (dir: string) => NativeBinding
    binding = nodeGypBuild(root)
    return binding
  } catch (e) {
    loadError = new Error(`xz encoder unavailable: cannot load node-liblzma's native addon (${String(e)})`)
    throw loadError
  }
}

/** True when the native liblzma binding can be loaded here (Node with node-liblzma built or prebuilt). */
export function xzEncoderAvailable (): boolean {
  try { loadBinding(); return true } catch { return false }
}

/** The liblzma version the encoder runs (e.g. "5.4.1"); recipes should be verified against real bytes anyway. */
export function liblzmaVersion (): string {
  return loadBinding().LZMA_VERSION_STRING
}

const OUT_CHUNK = 1 << 16

export class XzEncoder {
  private lz: NativeLzma | undefined
  private readonly b: NativeBinding
  private out = new Uint8Array(OUT_CHUNK)

  constructor (params: XzEncoderParams) {
    const { preset, extreme = 0, check = XzCheck.crc64, threads = 1, blockSize } = params
    if (!Number.isInteger(preset) || preset < 0 || preset > 9) throw new RangeError(`xz preset must be 0-9, got ${preset}`)
    if (extreme !== 0 && extreme !== 1) throw new RangeError(`xz extreme must be 0 or 1, got ${String(extreme)}`)
    if (!(Object.values(XzCheck) as number[]).includes(check)) throw new RangeError(`unsupported xz check ${check}`)
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`xz threads must be >= 1, got ${threads}`)
    if (blockSize !== undefined && blockSize !== 0) {
      throw new RangeError('xz blockSize other than the default (3 x dictionary) is not supported by node-liblzma')
    }
    this.b = loadBinding()
    if (threads > 1 && !this.b.HAS_THREADS_SUPPORT) throw new Error('this liblzma build has no multi-threaded encoder')
    const p = (preset | (extreme === 1 ? this.b.LZMA_PRESET_EXTREME : 0)) >>> 0
    this.lz = new this.b.LZMA(this.b.STREAM_ENCODE, {
      check,
      preset: p,
      filters: [this.b.LZMA_FILTER_LZMA2],
      mode: this.b.LZMA_MODE_NORMAL,
      threads,
      chunkSize: OUT_CHUNK,
      flushFlag: this.b.LZMA_RUN
    })
  }

  /** Takes the next uncompressed bytes; returns the compressed bytes produced so far (possibly none). */
  write (bytes: Uint8Array): Uint8Array[] {
    if (bytes.length === 0) return []
    return this.code(bytes, this.b.LZMA_RUN)
  }

  /** Input ended: returns the rest of the .xz stream (index and footer included) and frees the encoder. */
  end (): Uint8Array[] {
    try {
      return this.code(new Uint8Array(0), this.b.LZMA_FINISH)
    } finally {
      this.close()
    }
  }

  /** Frees liblzma's state early (a dropped race candidate); idempotent. */
  close (): void {
    if (this.lz !== undefined) { this.lz.close(); this.lz = undefined }
  }

  private code (input: Uint8Array, action: number): Uint8Array[] {
    const lz = this.lz
    if (lz === undefined) throw new Error('xz encoder already ended')
    const b = this.b
    const chunks: Uint8Array[] = []
    let inOff = 0
    let availIn = input.length
    for (;;) {
      const [status, availInAfter, availOutAfter] = lz.codeSync(action, input, inOff, availIn, this.out, 0)
      if (status !== b.LZMA_OK && status !== b.LZMA_STREAM_END) {
        this.close()
        throw new Error(`liblzma encoder error ${status}`)
      }
      const used = this.out.length - availOutAfter
      if (used > 0) {
        chunks.push(this.out.subarray(0, used))
        this.out = new Uint8Array(OUT_CHUNK)
      }
      inOff += availIn - availInAfter
      availIn = availInAfter
      if (status === b.LZMA_STREAM_END) return chunks
      // LZMA_RUN: done once all input is taken and liblzma left output space unused (nothing more to flush).
      if (action === b.LZMA_RUN && availInAfter === 0 && availOutAfter > 0) return chunks
    }
  }
}

/** One-shot helper over XzEncoder. */
export function xzCompressSync (input: Uint8Array, params: XzEncoderParams, chunkSize = 1 << 20): Uint8Array {
  const e = new XzEncoder(params)
  const parts: Uint8Array[] = []
  for (let i = 0; i < input.length; i += chunkSize) parts.push(...e.write(input.subarray(i, i + chunkSize)))
  parts.push(...e.end())
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let o = 0
  for (const p of parts) { out.set(p, o); o += p.length }
  return out
}
