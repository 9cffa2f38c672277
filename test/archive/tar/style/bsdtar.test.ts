/** bsdtar (libarchive 3.6): its default (restricted pax), --format pax and ustar, zero exceptions. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { tempDir } from '../../../helpers/archives.js'
import { writeTrickyTree } from './tricky-tree.js'
import { expectAllRegenerated } from './expect-styles.js'

let dir: string
let names: string[]

beforeAll(() => {
  dir = tempDir('iam-styles-bsdtar-')
  names = writeTrickyTree(dir)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** bsdtar's archive of the tree; it exits 1 when it left members out (ustar limits). */
function bsdtar (format: string[]): Uint8Array {
  const r = spawnSync('bsdtar', ['-c', ...format, '-f', '-', '-C', dir, ...names], { maxBuffer: 1 << 28 })
  expect([0, 1]).toContain(r.status)
  return new Uint8Array(r.stdout)
}

describe('bsdtar 3.6: every header regenerated', () => {
  it('default format (restricted pax)', () => {
    const match = expectAllRegenerated(bsdtar([]), ['bsdtar'], 30)
    expect(match.members.filter(m => m.fields.paxRecords !== undefined).length).toBeGreaterThan(5)
  })

  it('--format pax', () => {
    const match = expectAllRegenerated(bsdtar(['--format', 'pax']), ['bsdtar'], 30)
    expect(match.members.every(m => m.fields.paxRecords !== undefined)).toBe(true)
  })

  it('--format ustar', () => {
    expectAllRegenerated(bsdtar(['--format', 'ustar']), ['bsdtar'], 20)
  })
})
