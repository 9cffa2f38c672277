/**
 * The package's runtime dependencies are exactly what src/ imports (issue #17, "Package"): every package
 * src/ imports is in `dependencies` (a consumer's install has it), and every entry of `dependencies` is
 * imported by src/ (none installed for nothing); type-only imports count, as the published declarations
 * refer to them. Test-only packages belong in `devDependencies`.
 */
import { describe, it, expect } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>, devDependencies: Record<string, string> }


function sourceFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(e => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('-wasm.generated.ts'))
    .map(e => join(e.parentPath, e.name))
}

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`), or undefined for relative and node: ones. */
function packageOf (specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return undefined
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

const imported = new Set<string>()
for (const file of sourceFiles(join(root, 'src'))) {
  const text = readFileSync(file, 'utf8')
  for (const m of text.matchAll(/^(?:import|export)\s[^'"]*?from\s+'([^']+)'|\bimport\('([^']+)'\)/gm)) {
    const name = packageOf(m[1] ?? m[2] as string)
    if (name !== undefined) imported.add(name)
  }
}

describe('runtime dependencies', () => {
  it('every package src/ imports is a dependency', () => {
    expect([...imported].filter(name => pkg.dependencies[name] === undefined).sort()).toEqual([])
  })

  it('every dependency is imported by src/ (test-only packages are devDependencies)', () => {
    expect(Object.keys(pkg.dependencies).filter(name => !imported.has(name)).sort()).toEqual([])
  })
})
