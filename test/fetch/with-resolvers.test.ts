/** The Promise.withResolvers polyfill that helia's HTTP line needs on Node 20 (see src/fetch/with-resolvers.ts). */
import { describe, it, expect } from 'vitest'
import { ensurePromiseWithResolvers } from '../../src/fetch/with-resolvers.js'

type WithResolvers = <T>() => { promise: Promise<T>, resolve: (v: T) => void, reject: (e: unknown) => void }

describe('ensurePromiseWithResolvers', () => {
  it('installs a working Promise.withResolvers where there is none, and keeps a built-in one', async () => {
    const ctor = Promise as unknown as { withResolvers?: WithResolvers }
    const installed = (): WithResolvers => ctor.withResolvers as WithResolvers
    const builtin = ctor.withResolvers
    delete ctor.withResolvers
    try {
      ensurePromiseWithResolvers()
      const a = installed()<number>()
      a.resolve(7)
      expect(await a.promise).toBe(7)
      const b = installed()<number>()
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
