/**
 * Hot loops bail out of compiled code a few times, not once a call (#16: a loop compiled while it ran,
 * on-stack replacement, with code after it that had not run yet, bailed out at that code on every call).
 * Counted in a fresh Node process with --trace-deopt, compiling on the main thread so that the count does
 * not depend on timing: numbers of bail-outs, never times.
 */
import { describe, it, expect } from 'vitest'
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = join(import.meta.dirname, '../..')
const hello = join(root, 'test/fixtures/real/hello-2.10.tar')
const moduleUrl = (path: string): string => JSON.stringify(pathToFileURL(join(root, path)).href)

/** `script`'s --trace-deopt output (verbose: with where each bail-out happened). */
function traceDeopts (script: string, verbose = false): string {
  const flags = ['--no-concurrent-recompilation', '--no-concurrent-osr', verbose ? '--trace-deopt-verbose' : '--trace-deopt']
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...flags, '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 })
  expect(r.status, r.stderr).toBe(0)
  return r.stdout
}

/**
 * The functions that bailed out more than `most` times while `script` ran (a few are branches' first runs).
 * Node's own code is left out: its module loader's source-map code (tsx gives every module a source map)
 * bails out about once per module loaded, which says how many modules the script imports, not how our
 * loops run.
 */
function bailingOften (script: string, most = 8): Array<[string, number]> {
  const counts = new Map<string, number>()
  for (const bailout of traceDeopts(script, true).split(/^(?=\[bailout \()/m)) {
    const name = /^\[bailout .*?deoptimizing \S+ <JSFunction (\S+)/.exec(bailout)?.[1]
    if (name === undefined) continue
    // An eager bail-out names where it happened; a lazy one does not, and is counted.
    if (/^\s*;;; deoptimize at <node:/m.test(bailout)) continue
    counts.set(name, (counts.get(name) ?? 0) + 1)
  }
  return [...counts].filter(([, n]) => n > most)
}

describe('no bail-out loop on a cold start', () => {
  it('GNU gzip -9 over a 3.3 MB tar in 64 KiB pieces, as a race gives it (about 25 blocks)', () => {
    expect(bailingOften(`
      import { readFileSync } from 'node:fs'
      const { gnuGzipDeflate } = await import(${moduleUrl('src/compression/deflate/gnu-gzip.ts')})
      const bytes = new Uint8Array(readFileSync(${JSON.stringify(hello)}))
      async function * pieces () { for (let at = 0; at < bytes.length; at += 65536) yield bytes.subarray(at, at + 65536) }
      for await (const _ of gnuGzipDeflate(pieces(), 9));
    `)).toEqual([])
  }, 120_000)

  it('bzip2 blocks spliced into one stream, as a restore splices them (40 blocks at odd bit offsets)', () => {
    const block = execFileSync('bzip2', ['-1', '-c'], { input: readFileSync(hello).subarray(0, 50_000) })
    expect(bailingOften(`
      const { Bzip2BlockSplicer } = await import(${moduleUrl('src/compression/bzip2/blocks.ts')})
      const block = Buffer.from(${JSON.stringify(block.toString('base64'))}, 'base64')
      const splicer = new Bzip2BlockSplicer(1)
      splicer.start()
      for (let i = 0; i < 40; i++) splicer.add(new Uint8Array(block))
      splicer.end()
    `)).toEqual([])
  }, 120_000)
})

describe('rare branches have type feedback before the deflate loop is compiled', () => {
  // A branch first taken after V8 compiled the loop around it (the first far match, the first 4096th symbol,
  // the first 64 KiB of output, the search's first position past 32 KiB, ...) threw the compiled loop away:
  // 7 bail-outs at -1, 12 at -6 and 11 at -9 on this tar before, 2 and 3 after #16's rework; each one made
  // V8 compile the whole loop again.
  const where = /deoptimize at <[^>]*src\/compression\/deflate\/(?!go\/)/g
  for (const level of [1, 6, 9]) {
    it(`GNU gzip -${level} over a 3.3 MB tar: at most 3 bail-outs in the encoder`, () => {
      const out = traceDeopts(`
        import { readFileSync } from 'node:fs'
        const { gnuGzipDeflateSync } = await import(${moduleUrl('src/compression/deflate/gnu-gzip.ts')})
        gnuGzipDeflateSync(new Uint8Array(readFileSync(${JSON.stringify(hello)})), ${level})
      `, true)
      expect(out.match(where)?.length ?? 0).toBeLessThanOrEqual(3)
    }, 120_000)
  }
})
