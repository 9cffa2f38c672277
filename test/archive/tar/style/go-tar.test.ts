/** Go 1.19's archive/tar: its default format choice per header, and each explicit format. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { tempDir } from '../../../helpers/archives.js'
import { writeTrickyTree } from './tricky-tree.js'
import { expectAllRegenerated } from './expect-styles.js'
import fc from 'fast-check'
import { clean, goPaxHeaderName } from '../../../../src/archive/tar/style/go-names.js'
import type { StyleName } from '../../../../src/archive/tar/style/index.js'

let dir: string
let bin: string

function goEnv (): NodeJS.ProcessEnv {
  return { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=mod', GO111MODULE: 'on', CGO_ENABLED: '0', GOCACHE: process.env.GOCACHE ?? join(tmpdir(), 'iam-go-build-cache') }
}

beforeAll(() => {
  dir = tempDir('iam-styles-go-')
  writeTrickyTree(dir)
  const src = join(dir, 'writer')
  execFileSync('mkdir', ['-p', src])
  copyFileSync(join(import.meta.dirname, 'writers', 'go-writer.go'), join(src, 'main.go'))
  writeFileSync(join(src, 'go.mod'), 'module writer\n\ngo 1.19\n')
  bin = join(src, 'writer')
  execFileSync('go', ['build', '-o', bin, '.'], { cwd: src, env: goEnv(), stdio: ['ignore', 'ignore', 'inherit'] })
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function goTar (format: string): Uint8Array {
  const r = spawnSync(bin, [format, 't'], { cwd: dir, maxBuffer: 1 << 28 })
  expect(r.status, String(r.stderr)).toBe(0)
  return new Uint8Array(r.stdout)
}

const cases: Array<[string, StyleName[], number]> = [
  // A header both GNU tar (ustar) and Go would write keeps the earlier catalogue style.
  ['default', ['posix', 'go'], 30],
  ['ustar', ['posix', 'go'], 20],
  ['pax', ['posix', 'go'], 30],
  ['gnu', ['go-gnu'], 30]
]

describe('Go archive/tar: every header regenerated', () => {
  for (const [format, styles, min] of cases) {
    it(`${format} format`, () => {
      const match = expectAllRegenerated(goTar(format), styles, min)
      if (format === 'gnu') expect(match.members.some(m => m.fields.atime !== undefined && m.fields.ctime !== undefined)).toBe(true)
      if (format === 'pax') expect(match.members[0]!.member.type).toBe('pax-global')
      if (format === 'default') expect(match.members.some(m => m.fields.paxRecords !== undefined)).toBe(true)
    })
  }
})

describe("Go's path arithmetic", () => {
  it('clean and the PAX header name agree with path.Clean and path.Join on random paths', () => {
    const paths = fc.sample(fc.array(fc.constantFrom('a', 'bc', '/', '.', '..'), { minLength: 1, maxLength: 10 }).map(a => a.join('')), { numRuns: 1000, seed: 3 })
    const r = spawnSync(bin, ['names'], { input: paths.map(p => Buffer.from(p).toString('hex')).join('\n') + '\n' })
    expect(r.status, String(r.stderr)).toBe(0)
    const lines = String(r.stdout).trim().split('\n')
    expect(lines.length).toBe(paths.length)
    paths.forEach((p, i) => {
      const [cleaned, joined] = lines[i]!.split(' ')
      expect(Buffer.from(clean(Buffer.from(p))).toString('hex')).toBe(cleaned)
      // goPaxHeaderName also trims trailing '/': Join never leaves one (Clean), except for "/".
      const expected = Buffer.from(joined!, 'hex').toString().replace(/\/+$/, '')
      expect(Buffer.from(goPaxHeaderName(Buffer.from(p))).toString()).toBe(expected)
    })
  })
})
