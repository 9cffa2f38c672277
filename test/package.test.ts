/**
 * The package as a consumer gets it: `npm pack`, installed into a fresh project, imported through its
 * exports map from JavaScript and type-checked from TypeScript, and its bin run through npm's symlink.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { removeDir, tempDir } from './helpers/archives.js'

const root = join(import.meta.dirname, '..')
let project: string

beforeAll(() => {
  project = tempDir('iam-consumer-')
  const tgz = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop() as string
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', join(project, tgz)], { cwd: project, stdio: 'ignore' })
}, 300_000)
afterAll(() => { removeDir(project) })

describe('packed package', () => {
  it('imports from both entry points and describes a tar', () => {
    writeFileSync(join(project, 'use.mjs'), `
      import { manifestFromTarball, MemoryBlocks, errorClasses } from 'ipld-archive-manifest'
      import { manifestFromFile, extractTree } from 'ipld-archive-manifest/node'
      import { readFileSync } from 'node:fs'
      const tar = readFileSync(${JSON.stringify(join(root, 'test/fixtures/real/is-number-7.0.0.tar'))})
      const a = await manifestFromTarball(tar, { blockstore: new MemoryBlocks() })
      const b = await manifestFromFile(${JSON.stringify(join(root, 'test/fixtures/real/is-number-7.0.0.tar'))})
      console.log(a.cid.equals(b.cid), typeof extractTree, errorClasses.length > 0)
    `)
    expect(execFileSync(process.execPath, ['use.mjs'], { cwd: project, encoding: 'utf8' }).trim()).toBe('true function true')
  })

  it('type-checks a TypeScript consumer against the published declarations', () => {
    writeFileSync(join(project, 'use.ts'), `
      import { manifestFromTarball, type ManifestResult, type Entry, type ProfileName } from 'ipld-archive-manifest'
      import { extractTree, type ExtractOptions } from 'ipld-archive-manifest/node'
      const profile: ProfileName = 'unixfs-v0-2015'
      const options: ExtractOptions = { strip: true }
      export async function run (bytes: Uint8Array): Promise<Entry[]> {
        const result: ManifestResult = await manifestFromTarball(bytes, { profile })
        void extractTree; void options
        return result.entries
      }
    `)
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: [] }, files: ['use.ts'] }))
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: project, encoding: 'utf8' })
  }, 60_000)

  it('runs the bin through npm\'s symlink', () => {
    const out = execFileSync(join(project, 'node_modules/.bin/ipld-archive-manifest'), ['create', join(root, 'test/fixtures/real/is-number-7.0.0.tar'), '--json'], { encoding: 'utf8' })
    expect(JSON.parse(out).entryCount).toBe(4)
  })
})
