/** Padding and end-of-archive bytes: zeros regenerated, anything else kept. */
import { describe, it, expect } from 'vitest'
import { paddingException, paddingLength, regenerateArchiveEnd, regeneratePadding, splitArchiveEnd } from '../../../../src/archive/tar/style/index.js'

describe('padding and the end of the archive', () => {
  it('padding: zeros to the next 512 boundary; non-zero padding is its own exception', () => {
    expect([0, 1, 511, 512, 513].map(paddingLength)).toEqual([0, 511, 1, 0, 511])
    expect(paddingException(new Uint8Array(511))).toBeUndefined()
    const dirty = new Uint8Array(511); dirty[510] = 1
    expect(paddingException(dirty)).toEqual(dirty)
    expect(regeneratePadding(1)).toEqual(new Uint8Array(511))
    expect(regeneratePadding(1, dirty)).toEqual(dirty)
  })

  it('end: N zero bytes, then trailing bytes from the first non-zero one', () => {
    const end = new Uint8Array(10240 + 5); end.set([1, 0, 2], 10240)
    const split = splitArchiveEnd(end)
    expect(split.zeros).toBe(10240)
    expect([...split.trailing]).toEqual([1, 0, 2, 0, 0])
    expect(regenerateArchiveEnd(split)).toEqual(end)
    expect(splitArchiveEnd(new Uint8Array(0))).toEqual({ zeros: 0, trailing: new Uint8Array(0) })
  })
})
