/**
 * Starting a worker thread from a script beside this module: the compiled JavaScript (dist/), or, when
 * this module is itself TypeScript (the tests run the sources), the TypeScript through tsx's loader.
 */
import { Worker } from 'node:worker_threads'

/** A worker running `name` (without extension: `race-worker`) of src/node/, given `workerData`. */
export function startScriptWorker (name: string, workerData: unknown): Worker {
  // The pathname: inside a worker started through tsx, this module's URL carries a query.
  if (!new URL(import.meta.url).pathname.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, import.meta.url), { workerData })
  const script = new URL(`./${name}.ts`, import.meta.url).href
  return new Worker(`import('tsx/esm/api').then(api => api.tsImport(${JSON.stringify(script)}, ${JSON.stringify(script)}))`, { eval: true, workerData })
}
