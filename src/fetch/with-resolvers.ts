/**
 * `Promise.withResolvers` (ES2024) where the runtime lacks it. The helia HTTP line that starts on Node 20
 * (@helia/http 3, libp2p 3) calls it through mortice and it-queue on every blockstore read, and Node 20
 * does not have it (Node 22 does); without it the first block read throws a TypeError. The polyfill does
 * what the specification says and is installed only when the built-in is absent, so on Node 22 and in
 * current browsers nothing changes.
 */
interface Resolvers<T> { promise: Promise<T>, resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: unknown) => void }

export function ensurePromiseWithResolvers (): void {
  const ctor = Promise as unknown as { withResolvers?: unknown }
  if (typeof ctor.withResolvers === 'function') return
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T> (this: PromiseConstructor): Resolvers<T> {
      let resolve!: Resolvers<T>['resolve']
      let reject!: Resolvers<T>['reject']
      const promise = new this<T>((res, rej) => { resolve = res; reject = rej })
      return { promise, resolve, reject }
    }
  })
}
