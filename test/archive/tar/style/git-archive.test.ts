/**
 * git archive: its pax global header (comment=<commit>), umask-derived modes, long symlink targets
 * named after their blob id. A path that cannot be split names its object (`<oid>.data`), which header
 * fields cannot give: those members are the only exceptions, each a patch of the forty hex digits.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../../../helpers/archives.js'
import { writeTrickyTree } from './tricky-tree.js'
import { describeExceptions, matchArchive } from './match-archive.js'

let dir: string

beforeAll(() => {
  dir = tempDir('iam-styles-git-')
  writeTrickyTree(dir, 'repo', { special: false })
  const git = (...args: string[]): void => { execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: join(dir, 'repo'), stdio: 'ignore' }) }
  git('init', '-q')
  git('add', '-A')
  git('commit', '-qm', 'tree')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function gitArchive (...args: string[]): Uint8Array {
  return new Uint8Array(execFileSync('git', ['archive', '--format=tar', ...args, 'HEAD'], { cwd: join(dir, 'repo'), maxBuffer: 1 << 28 }))
}

describe('git archive: every header regenerated', () => {
  for (const prefix of [[], ['--prefix=pkg-1.0/']]) {
    it(`git archive ${prefix.join(' ')}`, () => {
      const match = matchArchive(gitArchive(...prefix))
      expect(match.members.length).toBeGreaterThan(20)
      expect([...match.styles.keys()]).toEqual(['git'])
      expect(match.members[0]!.member.type).toBe('pax-global')
      expect(match.members.some(m => m.member.type === 'symlink' && m.member.linkTarget!.length > 100)).toBe(true)
      // Only members whose object id is not a symlink target's: paths no ustar split can hold.
      const exceptions = match.members.filter(m => m.result.patch !== undefined || m.result.verbatim !== undefined)
      for (const m of exceptions) {
        expect(m.member.path.length).toBeGreaterThan(100)
        expect(m.member.type).not.toBe('symlink')
        expect(m.result.verbatim, describeExceptions(match).join('\n')).toBeUndefined()
        // The x header's name, the main header's name and both checksums.
        expect(m.result.patch!.reduce((n, [, b]) => n + b.length, 0)).toBeLessThanOrEqual(2 * 40 + 2 * 7)
      }
      expect(exceptions.length).toBeLessThanOrEqual(prefix.length === 0 ? 1 : 2)
    })
  }
})
