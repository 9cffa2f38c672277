/** The README's library example: its code, what it prints, and the archive it is shown run on. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '../..')

/** The archive the README's library example is shown run on (`npm pack is-number@7.0.0`, gunzipped). */
export const README_ARCHIVE = 'test/fixtures/real/is-number-7.0.0.tar'

export function readmeExample (): { code: string, output: string } {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const match = /```ts\n([\s\S]*?)```\n\n[^`]*?(?:`[^`]*`[^`]*?)*prints\n\n```\n([\s\S]*?)```/.exec(readme)
  if (match === null) throw new Error('README has no ```ts example followed by what it prints')
  return { code: match[1] as string, output: match[2] as string }
}
