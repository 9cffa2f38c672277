/** lazyCode: an encoder's module imported on the first load(), once; a failed import is tried again. */
import { describe, expect, it } from 'vitest'
import { lazyCode } from '../../../src/compression/recipe/lazy-code.js'

describe('lazyCode', () => {
  it('imports once, on the first load(); get() before that is a bug', async () => {
    let imports = 0
    const code = lazyCode(async () => { imports++; return { name: 'm' } })
    expect(() => code.get()).toThrow()
    const first = code.load()
    expect(code.load()).toBe(first)
    await first
    expect(code.load()).toBeUndefined()
    expect(code.get().name).toBe('m')
    expect(imports).toBe(1)
  })

  it('a failed import is not remembered: the next load() tries again', async () => {
    let imports = 0
    const code = lazyCode(async () => { if (++imports === 1) throw new Error('transient'); return 42 })
    await expect(code.load()).rejects.toThrow('transient')
    await code.load()
    expect(code.get()).toBe(42)
    expect(imports).toBe(2)
  })
})
