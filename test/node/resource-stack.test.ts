/**
 * ResourceStack releases what it took, the last first, each even when one before it fails, then throws
 * the first failure; nothing is released twice. `run` closes on every way out and keeps the body's failure.
 */
import { describe, expect, it } from 'vitest'
import { ResourceStack } from '../../src/node/resource-stack.js'

describe('ResourceStack', () => {
  it('closes everything taken, the last first, each despite a failing one, and throws the first failure', async () => {
    const closed: string[] = []
    const resource = (name: string, fails = false): { close: () => Promise<void> } => ({
      close: async () => { closed.push(name); if (fails) throw new Error(`${name} would not close`) }
    })
    const stack = new ResourceStack()
    expect(await stack.use(undefined)).toBeUndefined()
    const first = await stack.use(resource('first'))
    await stack.use(Promise.resolve(resource('second', true)))
    stack.defer(async () => { closed.push('deferred') })
    await stack.use(resource('last', true))
    expect(first).toBeDefined()
    await expect(stack.close()).rejects.toThrow('last would not close')
    expect(closed).toEqual(['last', 'deferred', 'second', 'first'])
    await stack.close()
    expect(closed).toHaveLength(4)
  })

  it('run: closes on every way out; the body\'s failure is the one thrown, not a release failing after it', async () => {
    const closed: string[] = []
    const failsToClose = { close: async () => { closed.push('x'); throw new Error('would not close') } }
    await expect(ResourceStack.run(async resources => { await resources.use(failsToClose); throw new Error('the body failed') })).rejects.toThrow('the body failed')
    expect(closed).toEqual(['x'])
    await expect(ResourceStack.run(async resources => { await resources.use(failsToClose); return 1 })).rejects.toThrow('would not close')
    expect(await ResourceStack.run(async resources => { resources.defer(async () => { closed.push('y') }); return 2 })).toBe(2)
    expect(closed).toEqual(['x', 'x', 'y'])
  })

  it('takes nothing from a start that failed', async () => {
    const stack = new ResourceStack()
    await expect(stack.use(Promise.reject(new Error('did not start')))).rejects.toThrow('did not start')
    await stack.close()
  })
})
