/**
 * Which modules a Node process loads, observed through a module loader hook that reports each one's URL
 * (hooks run on their own thread, so it writes to the fd directly): counts and names, never times.
 */
import { spawnSync } from 'node:child_process'

const hook = `
import { writeSync } from 'node:fs'
export async function load (url, context, next) {
  writeSync(2, 'LOADED ' + url + '\\n')
  return await next(url, context)
}`
const register = 'data:text/javascript,' + encodeURIComponent(
  `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}))`)

/**
 * Runs `node ...args` in `cwd`; returns the URLs of the modules it loaded, in order, and its result.
 * `loaders` are imported before the hook (a loader registered later sees a URL first: tsx's must come
 * before it, or it would see no TypeScript module).
 */
export function loadedModules (args: string[], cwd: string, loaders: string[] = []): { status: number | null, stderr: string, urls: string[] } {
  const r = spawnSync(process.execPath, [...loaders.flatMap(l => ['--import', l]), '--import', register, ...args], { cwd, encoding: 'utf8' })
  const urls = r.stderr.split('\n').filter(l => l.startsWith('LOADED ')).map(l => l.slice('LOADED '.length))
  return { status: r.status, stderr: r.stderr, urls }
}
