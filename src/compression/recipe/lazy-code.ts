/**
 * An encoder's code, imported only when a candidate or a recipe is about to run it: a gzip race lists
 * candidates it seldom runs (Go's flate, the two pakos), and loading modules is most of what describing a
 * small archive costs (#16, start-up). A race waits for it without blocking (race.ts, `load`).
 */
export interface LazyCode<M> {
  /** Undefined once the module is loaded; else the promise of it (the first call starts the import). */
  load(): Promise<void> | undefined
  /** The module; only after `load()` settled (an encoder created before that is a bug here, not bad input). */
  get(): M
}

export function lazyCode<M> (importer: () => Promise<M>): LazyCode<M> {
  let code: M | undefined
  let loading: Promise<void> | undefined
  return {
    load () {
      if (code !== undefined) return undefined
      // A failed import is tried again by the next call (a server's next race), not remembered.
      loading ??= importer().then(m => { code = m }, (err: unknown) => { loading = undefined; throw err })
      return loading
    },
    get () {
      if (code === undefined) throw new Error('an encoder was created before its code was loaded')
      return code
    }
  }
}
