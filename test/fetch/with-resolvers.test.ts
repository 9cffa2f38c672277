/** The Promise.withResolvers polyfill that helia's HTTP line needs on Node 20 (see src/fetch/with-resolvers.ts). */
import { describe, it, expect } from 'vitest'
import { ensurePromiseWithResolvers } from '../../src/fetch/with-resolvers.js'

interface Resolvers<T> { promise: Promise<T>, resolve: (v: T) => void, reject: (e: unknown) => void }
type WithResolvers = <T>() => Resolvers<T>

describe('ensurePromiseWithResolvers', () => {
  it('installs a working Promise.withResolvers where there is none, and keeps a built-in one', async () => {
    const ctor = Promise as unknown as { withResolvers?: WithResolvers }
    const installed = (): WithResolvers | undefined => ctor.withResolvers
    // Called as a method, as the callers do (like the built-in, it uses `this` as the constructor).
    const resolvers = <T>(): Resolvers<T> => (ctor as { withResolvers: WithResolvers }).withResolvers<T>()
    const builtin = ctor.withResolvers
    delete ctor.withResolvers
    try {
      ensurePromiseWithResolvers()
      expect(typeof installed()).toBe('function')
      const a = resolvers<number>()
      a.resolve(7)
      expect(await a.promise).toBe(7)
      const b = resolvers<number>()
      b.reject(new Error('no'))
      await expect(b.promise).rejects.toThrow('no')
      const mine = installed()
      ensurePromiseWithResolvers()
      expect(installed()).toBe(mine)
    } finally {
      if (builtin === undefined) delete ctor.withResolvers
      else ctor.withResolvers = builtin
    }
  })
})
