import { describe, it, expect } from 'vitest'
import { readFileSync } from 'node:fs'
import { generateValidator, generatedPath } from '../scripts/gen-schema.js'

describe('schema', () => {
  it('the committed validator is what the generator makes from manifest.ipldsch (no drift)', () => {
    expect(readFileSync(generatedPath, 'utf8')).toBe(generateValidator())
  })
})
