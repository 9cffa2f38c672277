/**
 * Starting a worker thread from a script beside this module: the compiled JavaScript (dist/), or, when
 * this module is itself TypeScript (the tests run the sources), the TypeScript through tsx's loader.
 */
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

/** A worker running `name` (without extension: `race-worker`) of src/node/, given `workerData`. */
export function startScriptWorker (name: string, workerData: unknown): Worker {
  // The pathname: inside a worker started through tsx, this module's URL carries a query.
  if (!new URL(import.meta.url).pathname.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, import.meta.url), { workerData })
  const script = new URL(`./${name}.ts`, import.meta.url).href
  // tsx's ESM API, found from here (the repository), not from the worker's working directory.
  const require = createRequire(import.meta.url)
  const api = (require('tsx/package.json') as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api']?.import.default as string
  const tsx = new URL(api, pathToFileURL(require.resolve('tsx/package.json'))).href
  return new Worker(`import(${JSON.stringify(tsx)}).then(api => api.tsImport(${JSON.stringify(script)}, ${JSON.stringify(script)}))`, { eval: true, workerData })
}
