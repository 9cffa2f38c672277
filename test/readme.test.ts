/** The README's library example runs as written and prints what the README says it prints. */
import { describe, it, expect } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { README_ARCHIVE, readmeExample } from './helpers/readme.js'

const root = join(import.meta.dirname, '..')

describe('README', () => {
  it('`npm run example` prints what the README shows', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const shown = /`npm run example` prints:\n\n```\n([\s\S]*?)```/.exec(readme)?.[1]
    expect(shown).toBeDefined()
    // The example's command without --car (the CAR file is not the point here).
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/node/cli.ts'), 'create', 'test/fixtures/real/hello-2.10.tar'], { cwd: root, encoding: 'utf8' })
    expect(r.stdout).toBe(shown)
  })

  it('the library example is self-contained: it reads the archive named on its command line', () => {
    const { code } = readmeExample()
    expect(code).not.toMatch(/test\/|fixtures/)
    expect(code).toContain('process.argv[2]')
  })

  it('the library example prints the documented output', () => {
    const { code, output } = readmeExample()
    mkdirSync(join(root, '.cache'), { recursive: true })
    const file = join(root, '.cache/readme-example.ts')
    writeFileSync(file, code.replace("from 'ipld-archive-manifest'", "from '../src/index.js'"))
    const r = spawnSync(process.execPath, ['--import', 'tsx', file, join(root, README_ARCHIVE)], { cwd: root, encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe(output)
  })
})
