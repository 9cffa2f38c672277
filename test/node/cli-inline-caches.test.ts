/**
 * Property reads per entry that miss V8's inline caches while `create` describes a tar (#16). A read whose
 * cache has seen too many object maps (megamorphic) and misses it too goes through the runtime: an entry's
 * fields built as a spread copy got a map of their own each, so every read of them missed (23 an entry in
 * EntryRecordEncoder.encode). Counted in a real CLI process with --log-ic, which logs each miss: the
 * difference between a tar and one with twice the members, so that start-up and warm-up cancel out.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { packTar, removeDir, tempDir } from '../helpers/archives.js'
import { repo } from '../helpers/cli.js'

const tsx = createRequire(join(repo, 'package.json')).resolve('tsx/package.json').replace(/package\.json$/, 'dist/loader.mjs')

const MEMBERS = 600

let dir: string

beforeAll(() => { dir = tempDir() })
afterAll(() => { removeDir(dir) })

/** A tar of `files` small files in a few directories; every third one with a PAX header of its own. */
async function tarOf (files: number): Promise<string> {
  const path = join(dir, `files-${files}.tar`)
  writeFileSync(path, await packTar([
    [{ name: 'pkg/', type: 'directory' }],
    ...Array.from({ length: files }, (_, i): [{ name: string, pax?: Record<string, string> }, string] =>
      [{ name: `pkg/d${i % 10}/file-${i}.txt`, ...(i % 3 === 0 ? { pax: { comment: `file ${i}` } } : {}) }, `content of file ${i}\n`])
  ]))
  return path
}

/** Megamorphic property reads that missed their inline cache while `create --json` described `tar`. */
function megamorphicMisses (tar: string): number {
  const log = join(dir, 'ic.log')
  // Compiling on the main thread: which functions are optimised when, and so which reads run in which
  // tier, does not depend on timing.
  const r = spawnSync(process.execPath, ['--no-concurrent-recompilation', '--log-ic', `--logfile=${log}`, '--no-logfile-per-isolate',
    '--import', tsx, join(repo, 'src/node/cli.ts'), 'create', tar, '--json'], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 28 })
  expect(r.status, r.stderr).toBe(0)
  // LoadIC,pc,time,line,column,old state,new state,map,key,...: N is megamorphic.
  return readFileSync(log, 'latin1').split('\n').filter(line => /^(Keyed)?LoadIC,/.test(line) && line.split(',')[6] === 'N').length
}

describe('create reads each entry\'s fields through inline caches', () => {
  it('misses them less than once an entry', async () => {
    const few = megamorphicMisses(await tarOf(MEMBERS))
    const more = megamorphicMisses(await tarOf(2 * MEMBERS))
    // 4.9 an entry before the fields were one literal (5.5 with only the entry's own fields one), 0.02 after,
    // when this test was written.
    expect((more - few) / MEMBERS).toBeLessThan(1)
  }, 180_000)
})
