/**
 * Every encoder a recipe may name, by name, and the candidates tried when looking for one. The order of
 * candidates is part of the format: the first candidate whose output matches is the one recorded, so
 * the same archive always gets the same recipe (docs/spec.md, "Compressed archives").
 */
import { Bzip2Encoder } from '../bzip2/encoder.js'
import { GnuGzipDeflater, RunStatus } from '../deflate/gnu-gzip.js'
import { GoFlateDeflater } from '../deflate/go/go-flate.js'
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

/** The encoder a recipe names, ready to run; an unknown encoder or parameter is an invalid manifest. */
export function encoderFor (recipe: Recipe): EncoderFactory {
  checkRecipe(recipe)
  switch (recipe.encoder) {
    case 'gnu-gzip': return gnuGzipEncoder(recipe)
    case 'go-flate': return goFlateEncoder(recipe)
    case 'bzip2': return bzip2Encoder(recipe)
    default: return zlibEncoder(recipe)
  }
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
