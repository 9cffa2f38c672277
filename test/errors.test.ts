import { describe, it, expect } from 'vitest'
import { errorClasses, ArchiveManifestError } from '../src/errors.js'
import * as api from '../src/index.js'

describe('typed errors', () => {
  it('every class has its own stable code, and the public API exports each', () => {
    const codes = errorClasses.map(c => c.code)
    expect(new Set(codes).size).toBe(codes.length)
    for (const c of errorClasses) {
      expect(c.code).toMatch(/^ERR_[A-Z_]+$/)
      expect((api as Record<string, unknown>)[c.name]).toBe(c)
      const err = new c('message', { offset: 1024, entry: 'a/b' })
      expect(err).toBeInstanceOf(ArchiveManifestError)
      expect(err.code).toBe(c.code)
      expect(err.offset).toBe(1024)
      expect(err.message).toContain('offset 1024')
    }
  })
})
