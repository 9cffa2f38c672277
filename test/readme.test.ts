/** The README's library example runs as written and prints what the README says it prints. */
import { describe, it, expect } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')

export function readmeExample (): { code: string, output: string } {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const match = /```ts\n([\s\S]*?)```\n\nprints\n\n```\n([\s\S]*?)```/.exec(readme)
  if (match === null) throw new Error('README has no ```ts example followed by its output')
  return { code: match[1] as string, output: match[2] as string }
}

describe('README', () => {
  it('`npm run example` prints what the README shows', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const shown = /`npm run example` prints:\n\n```\n([\s\S]*?)```/.exec(readme)?.[1]
    expect(shown).toBeDefined()
    // The example's command without --car (the CAR file is not the point here).
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/node/cli.ts'), 'create', 'test/fixtures/real/hello-2.10.tar'], { cwd: root, encoding: 'utf8' })
    expect(r.stdout).toBe(shown)
  })

  it('the library example prints the documented output', () => {
    const { code, output } = readmeExample()
    mkdirSync(join(root, '.cache'), { recursive: true })
    const file = join(root, '.cache/readme-example.ts')
    writeFileSync(file, code.replace("from 'ipld-archive-manifest'", "from '../src/index.js'"))
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe(output)
  })
})
