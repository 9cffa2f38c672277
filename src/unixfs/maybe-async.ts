/**
 * Steps that usually finish at once but may have to wait: hashing is synchronous in Node and a promise
 * from WebCrypto, and a block store may answer `put` now or later. Such a step returns its value, or a
 * promise of it only when it really waits, so that the per-entry path of a description makes no
 * promise and takes no microtask turn where nothing waits (#16: 58 promises an entry before).
 */

/** A value, or a promise of it when it had to wait. */
export type MaybePromise<T> = T | Promise<T>

/** `next(value)` now, or once `value` settles. (Not named `then`: a module exporting `then` is a thenable to `await import()`.) */
export function andThen<T, U> (value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value)
}

/** What a store's `put` returned, as a promise only when it is one (stores may return any thenable). */
export function stored (result: unknown): Promise<void> | undefined {
  if (result == null || typeof (result as PromiseLike<unknown>).then !== 'function') return undefined
  return Promise.resolve(result as PromiseLike<unknown>).then(() => undefined)
}
