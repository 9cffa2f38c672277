/**
 * The fetched real archives (test/setup/fetch-real.sh → .cache/real/). Any test may ask for them: the
 * script is idempotent and takes a lock, so test files running in parallel fetch once.
 */
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

export const repoRoot = join(import.meta.dirname, '../..')
export const realDir = join(repoRoot, '.cache/real')

export function ensureRealArchives (): string {
  execFileSync('bash', [join(repoRoot, 'test/setup/fetch-real.sh')], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 })
  return realDir
}
