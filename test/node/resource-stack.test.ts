/**
 * ResourceStack releases what it took, the last first, each even when one before it fails, then throws
 * the first failure; nothing is released twice.
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

  it('takes nothing from a start that failed', async () => {
    const stack = new ResourceStack()
    await expect(stack.use(Promise.reject(new Error('did not start')))).rejects.toThrow('did not start')
    await stack.close()
  })
})
