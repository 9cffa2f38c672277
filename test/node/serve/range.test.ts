/** The Range header: single ranges, suffixes, open ends, and what is ignored or unsatisfiable. */
import { describe, it, expect } from 'vitest'
import { parseRange } from '../../../src/node/serve/range.js'

describe('parseRange', () => {
  it('reads single byte ranges, clamped to the body', () => {
    expect(parseRange('bytes=0-499', 1000)).toEqual({ kind: 'range', start: 0, end: 499 })
    expect(parseRange('bytes=500-', 1000)).toEqual({ kind: 'range', start: 500, end: 999 })
    expect(parseRange('bytes=990-5000', 1000)).toEqual({ kind: 'range', start: 990, end: 999 })
    expect(parseRange('bytes=-100', 1000)).toEqual({ kind: 'range', start: 900, end: 999 })
    expect(parseRange('bytes=-5000', 1000)).toEqual({ kind: 'range', start: 0, end: 999 })
    expect(parseRange('bytes=999-999', 1000)).toEqual({ kind: 'range', start: 999, end: 999 })
  })

  it('finds ranges that select no byte unsatisfiable', () => {
    expect(parseRange('bytes=1000-', 1000)).toEqual({ kind: 'unsatisfiable' })
    expect(parseRange('bytes=1000-1001', 1000)).toEqual({ kind: 'unsatisfiable' })
    expect(parseRange('bytes=-0', 1000)).toEqual({ kind: 'unsatisfiable' })
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' })
    expect(parseRange('bytes=-10', 0)).toEqual({ kind: 'unsatisfiable' })
  })

  it('ignores what it does not serve or cannot parse (the whole body is sent)', () => {
    for (const header of [undefined, '', 'bytes=0-1,5-6', 'bytes=5-1', 'bytes=-', 'items=0-1', 'bytes=a-b', 'bytes= 0-1', `bytes=0-${'9'.repeat(80)}`]) {
      expect(parseRange(header, 1000), String(header)).toEqual({ kind: 'whole' })
    }
  })
})
