/**
 * GNU tar 1.34 in every --format regenerates with zero exceptions on the tricky tree; with
 * --numeric-owner too (its 'L'/'K' records then have no owner names).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../../../helpers/archives.js'
import { writeTrickyTree } from './tricky-tree.js'
import { expectAllRegenerated } from './expect-styles.js'
import type { StyleName } from '../../../../src/archive/tar/style/index.js'

let dir: string
let names: string[]

beforeAll(() => {
  dir = tempDir('iam-styles-gnu-')
  names = writeTrickyTree(dir)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** GNU tar's archive of the tree; it exits 2 when it had to leave members out (v7, ustar limits). */
function gnuTar (format: string, extra: string[] = []): Uint8Array {
  const out = join(dir, `gnu-${format}-${extra.length}.tar`)
  const r = spawnSync('tar', ['--create', `--format=${format}`, '--file', out, '--sort=name', ...extra, '-C', dir, ...names])
  expect([0, 2]).toContain(r.status)
  return new Uint8Array(readFileSync(out))
}

const cases: Array<[string, string[], StyleName[], number]> = [
  ['gnu', [], ['gnu'], 30],
  ['gnu', ['--numeric-owner'], ['gnu', 'gnu-numeric'], 30],
  ['oldgnu', [], ['gnu', 'oldgnu'], 30],
  ['oldgnu', ['--numeric-owner'], ['gnu', 'gnu-numeric', 'oldgnu', 'oldgnu-numeric'], 30],
  ['ustar', [], ['posix'], 20],
  ['posix', [], ['posix'], 30],
  ['posix', ['--pax-option=delete=atime,delete=ctime'], ['posix'], 30],
  ['v7', [], ['v7'], 15]
]

describe('GNU tar 1.34: every header regenerated', () => {
  for (const [format, extra, styles, min] of cases) {
    it(`--format=${format} ${extra.join(' ')}`, () => {
      const match = expectAllRegenerated(gnuTar(format, extra), styles, min)
      if (format === 'gnu' || format === 'oldgnu') {
        // Long names went through 'L'/'K' records: the style derived them from the path lengths.
        expect(match.members.some(m => m.original.length > 512 && m.fields.paxRecords === undefined)).toBe(true)
      }
      if (format === 'posix') expect(match.members.filter(m => m.fields.paxRecords !== undefined).length).toBeGreaterThan(10)
    })
  }
})
