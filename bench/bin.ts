/**
 * The CLI a user runs: the script package.json's `bin` names (the esbuild bundle in dist/bin, which
 * `npm run build` makes), so that the benches time what an installed package starts.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export function cliBin (root: string): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }
  const bin = pkg.bin['ipld-archive-manifest']
  if (bin === undefined) throw new Error('package.json names no ipld-archive-manifest bin')
  return join(root, bin)
}
