/**
 * The deflate encoders' hot functions bail out of compiled code a few times, not once a block (#16: a
 * compiled loop with code after it that had not run yet bailed out at the end of every block, each time it
 * was entered again). Counted in a fresh Node process with --trace-deopt, compiling on the main thread so
 * that the count does not depend on timing: numbers of bail-outs, never times.
 */
import { describe, it, expect } from 'vitest'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = join(import.meta.dirname, '../../..')

/** How often each function bailed out while GNU gzip -9 compressed `file` given in 64 KiB pieces, as a race gives it. */
function bailouts (file: string): Map<string, number> {
  const script = `
    import { readFileSync } from 'node:fs'
    const { gnuGzipDeflate } = await import(${JSON.stringify(pathToFileURL(join(root, 'src/compression/deflate/gnu-gzip.ts')).href)})
    const bytes = new Uint8Array(readFileSync(${JSON.stringify(file)}))
    async function * pieces () { for (let at = 0; at < bytes.length; at += 65536) yield bytes.subarray(at, at + 65536) }
    for await (const _ of gnuGzipDeflate(pieces(), 9));
  `
  const flags = ['--no-concurrent-recompilation', '--no-concurrent-osr', '--trace-deopt']
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...flags, '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 })
  expect(r.status, r.stderr).toBe(0)
  const counts = new Map<string, number>()
  for (const m of r.stdout.matchAll(/^\[bailout .*?deoptimizing \S+ <JSFunction (\S+)/gm)) counts.set(m[1] as string, (counts.get(m[1] as string) ?? 0) + 1)
  return counts
}

describe('deflate: no bail-out loop on a cold start', () => {
  it('GNU gzip -9 over a 3.3 MB tar (about 25 blocks): no function bails out once a block', () => {
    const counts = bailouts(join(root, 'test/fixtures/real/hello-2.10.tar'))
    // A few are each function's first runs of branches it had not taken yet (stepLazy's first flush, say).
    const often = [...counts].filter(([, n]) => n > 8)
    expect(often).toEqual([])
  }, 120_000)
})
