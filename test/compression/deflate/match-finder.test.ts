/**
 * The match finder's fast paths (16-bit quick rejects, two-at-a-time slide, range insertion) must compute
 * exactly what gzip's byte-wise code computes. The gzip-oracle tests check whole streams; these pin the pieces.
 */
import { describe, expect, it } from 'vitest'
import { alphabetBytes, prng } from '../../helpers/corpus.js'
import { MAX_DIST, MAX_MATCH, MatchFinder, WINDOW_SIZE, WMASK, WSIZE } from '../../../src/compression/deflate/match-finder.js'

/** gzip's longest_match transcribed byte by byte (deflate.c, without UNALIGNED_OK). */
function referenceLongestMatch (f: MatchFinder, curMatch: number, strstart: number, prevLength: number): [number, number] {
  const w = f.window
  let chain = f.maxChain
  if (prevLength >= f.goodMatch) chain >>= 2
  let best = prevLength
  let start = f.matchStart
  const limit = strstart > MAX_DIST ? strstart - MAX_DIST : 0
  do {
    const m = curMatch
    if (w[m + best] !== w[strstart + best] || w[m + best - 1] !== w[strstart + best - 1] ||
        w[m] !== w[strstart] || w[m + 1] !== w[strstart + 1]) continue
    let len = 3
    while (len < MAX_MATCH && w[strstart + len] === w[m + len]) len++
    if (len > best) {
      start = m
      best = len
      if (len >= f.niceMatch) break
    }
  } while ((curMatch = f.prev[curMatch & WMASK]!) > limit && --chain !== 0)
  return [best, start]
}

describe('gzip match finder', () => {
  it('finds the same match as gzip\'s byte-wise longest_match (seeded windows, every chain setting)', () => {
    const r = prng(16)
    for (const [chain, good, nice] of [[4096, 32, 258], [128, 8, 128], [8, 4, 16]] as const) {
      for (const k of [2, 3, 5]) {
        const f = new MatchFinder(chain, good, nice)
        f.window.set(alphabetBytes(WINDOW_SIZE, k, chain + k))
        f.resetHash(0)
        let checked = 0
        for (let s = 0; s < WINDOW_SIZE - MAX_MATCH - 4; s++) {
          const head = f.insert(s)
          if (head === 0 || s - head > MAX_DIST || r() > 0.05) continue
          const prevLength = [2, 3, 4, 7, 30, 257][Math.floor(r() * 6)]!
          f.matchStart = Math.floor(r() * s)
          const want = referenceLongestMatch(f, head, s, prevLength)
          const got = f.longestMatch(head, s, prevLength)
          expect([got, f.matchStart], `chain ${chain}, ${k} letters, at ${s}, prev_length ${prevLength}`).toEqual(want)
          checked++
        }
        expect(checked).toBeGreaterThan(1000)
      }
    }
  })

  it('slides positions down by WSIZE, those leaving the window becoming 0', () => {
    const f = new MatchFinder(4096, 32, 258)
    const positions = [0, 1, 0x7ffe, 0x7fff, 0x8000, 0x8001, 0xc000, 0xfffe, 0xffff]
    positions.forEach((p, i) => { f.head[i] = p; f.prev[WSIZE - 1 - i] = p })
    f.slide()
    const want = [0, 0, 0, 0, 0, 1, 0x4000, 0x7ffe, 0x7fff]
    expect(positions.map((_, i) => f.head[i])).toEqual(want)
    expect(positions.map((_, i) => f.prev[WSIZE - 1 - i])).toEqual(want)
  })

  it('inserts a range as one insert per position would', () => {
    const data = alphabetBytes(5000, 3, 7)
    const one = new MatchFinder(4096, 32, 258)
    const range = new MatchFinder(4096, 32, 258)
    for (const f of [one, range]) { f.window.set(data); f.resetHash(0) }
    for (let s = 0; s < 4000; s++) one.insert(s)
    range.insertRange(0, 1234)
    range.insertRange(1234, 1235)
    range.insertRange(1235, 4000)
    expect(range.insH).toBe(one.insH)
    expect(range.head).toEqual(one.head)
    expect(range.prev).toEqual(one.prev)
  })
})
