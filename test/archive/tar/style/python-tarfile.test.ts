/** Python 3.11's tarfile in each format: zero exceptions. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../../../helpers/archives.js'
import { writeTrickyTree } from './tricky-tree.js'
import { expectAllRegenerated } from './expect-styles.js'
import type { StyleName } from '../../../../src/archive/tar/style/index.js'

let dir: string

beforeAll(() => {
  dir = tempDir('iam-styles-python-')
  writeTrickyTree(dir)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function pythonTar (format: string): Uint8Array {
  const r = spawnSync('python3', [join(import.meta.dirname, 'writers', 'tarfile-writer.py'), format, dir, 't'], { maxBuffer: 1 << 28 })
  expect(r.status, String(r.stderr)).toBe(0)
  return new Uint8Array(r.stdout)
}

const cases: Array<[string, StyleName[], number]> = [
  ['gnu', ['gnu', 'python-gnu'], 30],
  ['pax', ['python'], 30],
  ['pax-global', ['posix', 'python'], 30],
  ['ustar', ['python'], 20]
]

describe('Python tarfile: every header regenerated', () => {
  for (const [format, styles, min] of cases) {
    it(`format ${format}`, () => {
      const match = expectAllRegenerated(pythonTar(format), styles, min)
      if (format === 'pax-global') expect(match.members[0]!.member.type).toBe('pax-global')
      if (format === 'pax') {
        // Float mtimes: every member has a PAX mtime, and the ustar field is its rounding.
        expect(match.members.filter(m => m.fields.paxRecords?.some(([k]) => k === 'mtime')).length).toBeGreaterThan(20)
      }
    })
  }
})
