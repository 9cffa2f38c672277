/**
 * Every encoder a recipe may name, by name, and the candidates tried when looking for one. The order of
 * candidates is part of the format: the first candidate whose output matches is the one recorded, so
 * the same archive always gets the same recipe (docs/spec.md, "Compressed archives").
 */
import { Bzip2Encoder } from '../bzip2/encoder.js'
import { GnuGzipDeflater, RunStatus } from '../deflate/gnu-gzip.js'
import { GoFlateDeflater } from '../deflate/go/go-flate.js'
import { createXzEncoder, xzCandidateParams, xzHoldsBack } from '../xz/encoder.js'
import { createZstdEncoder, zstdCandidateParams } from '../zstd/encoder.js'
import { zstdWindowLog } from '../zstd/libzstd.js'
import { checkRecipe } from './params.js'
import type { EncoderFactory, Recipe, StreamEncoder } from './encoder.js'
import { zlibEncoder } from './zlib.js'

function gnuGzipEncoder (recipe: Recipe): EncoderFactory {
  const level = recipe.params.level ?? 6
  return {
    recipe,
    create (): StreamEncoder {
      const d = new GnuGzipDeflater(level)
      const drain = (until: RunStatus): Uint8Array[] => {
        const out: Uint8Array[] = []
        for (;;) {
          const status = d.run()
          if (d.pendingOutput > 0) out.push(d.take())
          if (status === until || status === RunStatus.Done) return out
        }
      }
      return {
        // The deflater keeps a reference to its input until it has consumed it; callers reuse nothing,
        // but a copy keeps the contract simple (and costs a memcpy next to a deflate).
        write (bytes) { d.push(bytes.slice()); return drain(RunStatus.NeedInput) },
        end () { d.end(); return drain(RunStatus.Done) }
      }
    }
  }
}

function goFlateEncoder (recipe: Recipe): EncoderFactory {
  const level = recipe.params.level ?? 6
  return {
    recipe,
    create (): StreamEncoder {
      const d = new GoFlateDeflater(level)
      return { write: (bytes) => d.write(bytes), end: () => d.end() }
    }
  }
}

function bzip2Encoder (recipe: Recipe): EncoderFactory {
  const level = recipe.params.level ?? 9
  return {
    recipe,
    create (): StreamEncoder {
      const e = new Bzip2Encoder(level)
      const some = (b: Uint8Array): Uint8Array[] => b.length > 0 ? [b] : []
      return { write: (bytes) => some(e.write(bytes)), end: () => some(e.finish()) }
    }
  }
}

/**
 * The encoder a recipe names, ready to run; an unknown encoder or parameter is an invalid manifest.
 * `contentSize` is the size of the input it will be given (a member's `tarSize`): zstd's CLI pledges it
 * for a file argument, which both writes it in the frame header and tunes the compression.
 */
export function encoderFor (recipe: Recipe, contentSize?: number): EncoderFactory {
  checkRecipe(recipe)
  switch (recipe.encoder) {
    case 'gnu-gzip': return gnuGzipEncoder(recipe)
    case 'go-flate': return goFlateEncoder(recipe)
    case 'bzip2': return bzip2Encoder(recipe)
    case 'xz': return { recipe, holdsBack: xzHoldsBack(recipe.params), create: () => createXzEncoder(recipe.params) }
    case 'zstd': return { recipe, holdsBack: zstdHoldsBack(recipe.params, contentSize), create: () => createZstdEncoder(recipe.params, contentSize) }
    default: return zlibEncoder(recipe)
  }
}

/**
 * zstd's multi-threaded path (the CLI's default) writes nothing of a job until the whole job's input is in:
 * 2^(windowLog + 2) bytes (with --long, at most that).
 */
function zstdHoldsBack (params: Readonly<Record<string, number>>, contentSize: number | undefined): number | undefined {
  if (params.workers === 0) return undefined
  const windowLog = zstdWindowLog(params.level as number, params.pledged === 1 ? contentSize : undefined, params.long ?? 0)
  return 2 ** Math.max(20, windowLog + 2)
}

const LEVELS_BY_LIKELIHOOD = [9, 6, 1, 2, 3, 4, 5, 7, 8]

/**
 * The candidates for a gzip member body, most likely first (NOTES §5: GNU gzip -9/-6 for GNU and Debian
 * release tarballs, zlib 6 for git archive and Python, Node's zlib 9/6 for npm, Go's compress/gzip for Go
 * releases): for each level in LEVELS_BY_LIKELIHOOD, GNU gzip, zlib, zlib-chromium, then go-flate.
 */
export function gzipCandidates (): EncoderFactory[] {
  const out: EncoderFactory[] = []
  for (const level of LEVELS_BY_LIKELIHOOD) {
    for (const encoder of ['gnu-gzip', 'zlib', 'zlib-chromium', 'go-flate']) out.push(encoderFor({ encoder, params: { level } }))
  }
  return out
}

/** A bzip2 stream's header names its block size, which is the level: one candidate. */
export function bzip2Candidates (level: number): EncoderFactory[] {
  return [encoderFor({ encoder: 'bzip2', params: { level } })]
}

/**
 * An xz stream's header and first block header name its check, its LZMA2 dictionary (so the preset up to
 * a pair) and its block layout: the few presets left, most likely first (see xz/encoder.ts). Undefined
 * until enough of the stream is visible.
 */
export function xzCandidates (head: Uint8Array): EncoderFactory[] | undefined {
  return xzCandidateParams(head)?.map(params => encoderFor({ encoder: 'xz', params }))
}

/**
 * A zstd frame header names the checksum flag, whether the size was pledged (and the size) and the
 * window, but not the level: the levels that fit, most likely first (see zstd/encoder.ts).
 */
export function zstdCandidates (head: Uint8Array, contentSize: number | undefined): EncoderFactory[] | undefined {
  return zstdCandidateParams(head)?.map(params => encoderFor({ encoder: 'zstd', params }, contentSize))
}
