/** npm pack (node-tar, portable): long paths it splits or puts in PAX records, non-ASCII names, hardlinks. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync } from 'node:child_process'
import { readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { readFileSync } from 'node:fs'
import { tempDir } from '../../../helpers/archives.js'
import { writeTrickyTree } from './tricky-tree.js'
import { expectAllRegenerated } from './expect-styles.js'

let dir: string

beforeAll(() => {
  dir = tempDir('iam-styles-npm-')
  writeTrickyTree(dir, 'pkg', { nonUtf8: false, special: false, symlinks: false })
  writeFileSync(join(dir, 'pkg', 'package.json'), JSON.stringify({ name: 'iam-style-test', version: '1.0.0', files: ['**'] }))
  execFileSync('npm', ['pack', '--pack-destination', dir, '--offline', '--ignore-scripts'], { cwd: join(dir, 'pkg'), stdio: 'ignore', env: { ...process.env, npm_config_cache: join(dir, 'cache') } })
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('npm pack: every header regenerated', () => {
  it('npm pack of the tree', () => {
    const tgz = readdirSync(dir).find(n => n.endsWith('.tgz'))!
    const tar = new Uint8Array(gunzipSync(readFileSync(join(dir, tgz))))
    const match = expectAllRegenerated(tar, ['npm'], 15)
    expect(match.members.some(m => m.fields.paxRecords !== undefined)).toBe(true)
    expect(match.members.some(m => m.member.type === 'hardlink')).toBe(true)
  })
})
