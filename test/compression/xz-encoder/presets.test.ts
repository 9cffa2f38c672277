/** Every preset, with and without -e, in both layouts, byte for byte against xz 5.4.1; candidates from the head. */
import { describe, it, expect } from 'vitest'
import { candidateRank, encode, expectSame, textBytes, xz } from './helpers.js'

// Small inputs keep presets 8 and 9 cheap (their cost is mostly the ~674 MiB encoder setup).
const input = textBytes(150_000, 7)

describe('xz encoder presets', () => {
  for (let level = 0; level <= 9; level++) {
    it(`-${level} and -${level}e, -T1 and -T2`, () => {
      for (const extreme of [false, true]) {
        for (const mt of [false, true]) {
          const args = [`-${level}${extreme ? 'e' : ''}`, mt ? '-T2' : '-T1']
          const params: Record<string, number> = { level }
          if (extreme) params.extreme = 1
          if (mt) params.mt = 1
          const want = xz(args, input)
          expectSame(encode(params, input, 65_537), want, args.join(' '))
          // The head alone ranks the right params among very few (extreme is the only thing it cannot see;
          // level pairs 3/4 and 5/6 share a dictionary size).
          const rank = candidateRank(want, params)
          expect(rank, args.join(' ')).toBeGreaterThanOrEqual(0)
          expect(rank, args.join(' ')).toBeLessThan(4)
          if (level === 6 || level === 9) expect(rank, args.join(' ')).toBe(extreme ? 1 : 0)
        }
      }
    })
  }
})
