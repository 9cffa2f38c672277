/**
 * Rotation order for PERIODIC blocks (block = w^k, k >= 2), reproducing bzip2 1.0.8 (blocksort.c).
 *
 * For such blocks identical rotations exist; the BWT string does not depend on how ties are ordered, but the
 * stored origPtr (rank of rotation 0) does, so the tie order is part of bzip2's output format in practice.
 * bzip2 orders ties by whatever its sorting procedure happens to do, so this file re-enacts that procedure's
 * observable behaviour step by step: for blocks under 10000 bytes the "fallback" prefix-doubling sort; for
 * larger blocks the "main" radix + 3-way quicksort + shell sort with a work budget (nblock * 9 at bzip2's
 * default work factor 30), abandoned for the fallback sort when the budget runs out.
 * Aperiodic blocks never come here: their rotation order is unique and sais.ts computes it.
 */

const OVERSHOOT = 34 // bzip2 keeps this many wrapped bytes after the block for unchecked look-ahead
const DEPTH_LIMIT = 14 // radix depth 2 + quicksort depth 12, then shell sort
const SMALL = 20 // quicksort hands ranges shorter than this to the shell sort
const SHELL_GAPS = [1, 4, 13, 40, 121, 364, 1093, 3280, 9841, 29524, 88573, 265720, 797161, 2391484]
const SORTED = 1 << 21 // flag bit on a 2-byte bucket start: bucket already in final order
const WORK_FACTOR = 30

class BudgetExceeded extends Error {}

/** Returns the rotation order bzip2 would produce for this block. */
export function bzip2RotationOrder (block: Uint8Array, n: number): Int32Array {
  const ptr = new Int32Array(n)
  if (n >= 10000) {
    const budget = { left: n * (((WORK_FACTOR - 1) / 3) | 0) }
    try {
      mainOrder(block, n, ptr, budget)
      return ptr
    } catch (e) {
      if (!(e instanceof BudgetExceeded)) throw e
    }
  }
  fallbackOrder(block, n, ptr)
  return ptr
}

// ---------------------------------------------------------------------------------------------------------
// Fallback: bucket by first byte, then repeatedly refine buckets by the class of the rotation H further on
// (H = 1, 2, 4, ...) with a 3-way quicksort whose pivot choice follows a fixed pseudo-random sequence.

function fallbackOrder (block: Uint8Array, n: number, fmap: Int32Array): void {
  const counts = new Int32Array(257)
  for (let i = 0; i < n; i++) counts[block[i]!]!++
  for (let c = 1; c < 257; c++) counts[c]! += counts[c - 1]!
  for (let i = 0; i < n; i++) fmap[--counts[block[i]!]!] = i // later positions land first in each bucket

  // Bucket-start bits, plus alternating set/clear sentinels after the end.
  const bits = new Uint32Array(2 + (n >> 5) + 2)
  const setBit = (i: number): void => { bits[i >> 5]! |= 1 << (i & 31) }
  const clearBit = (i: number): void => { bits[i >> 5]! &= ~(1 << (i & 31)) }
  const isSet = (i: number): boolean => (bits[i >> 5]! & (1 << (i & 31))) !== 0
  for (let c = 0; c < 256; c++) setBit(counts[c]!)
  for (let i = 0; i < 32; i++) { setBit(n + 2 * i); clearBit(n + 2 * i + 1) }

  const eclass = new Int32Array(n)
  for (let h = 1; ; h *= 2) {
    let start = 0
    for (let i = 0; i < n; i++) {
      if (isSet(i)) start = i
      let k = fmap[i]! - h
      if (k < 0) k += n
      eclass[k] = start
    }
    let unresolved = 0
    let r = -1
    for (;;) {
      let k = r + 1
      while (isSet(k)) k++
      const l = k - 1
      if (l >= n) break
      while (!isSet(k)) k++
      r = k - 1
      if (r >= n) break
      if (r > l) {
        unresolved += r - l + 1
        fallbackQuickSort(fmap, eclass, l, r)
        let prevClass = -1
        for (let i = l; i <= r; i++) {
          const c = eclass[fmap[i]!]!
          if (c !== prevClass) { setBit(i); prevClass = c }
        }
      }
    }
    if (h * 2 > n || unresolved === 0) break
  }
}

function fallbackInsertionSort (fmap: Int32Array, ec: Int32Array, lo: number, hi: number): void {
  if (lo === hi) return
  if (hi - lo > 3) {
    for (let i = hi - 4; i >= lo; i--) {
      const v = fmap[i]!
      const key = ec[v]!
      let j = i + 4
      for (; j <= hi && key > ec[fmap[j]!]!; j += 4) fmap[j - 4] = fmap[j]!
      fmap[j - 4] = v
    }
  }
  for (let i = hi - 1; i >= lo; i--) {
    const v = fmap[i]!
    const key = ec[v]!
    let j = i + 1
    for (; j <= hi && key > ec[fmap[j]!]!; j++) fmap[j - 1] = fmap[j]!
    fmap[j - 1] = v
  }
}

function swapRuns (a: Int32Array, p: number, q: number, len: number): void {
  for (let i = 0; i < len; i++) {
    const t = a[p + i]!
    a[p + i] = a[q + i]!
    a[q + i] = t
  }
}

function fallbackQuickSort (fmap: Int32Array, ec: Int32Array, loSt: number, hiSt: number): void {
  const stack: number[] = [loSt, hiSt]
  let rnd = 0
  while (stack.length > 0) {
    const hi = stack.pop()!
    const lo = stack.pop()!
    if (hi - lo < 10) { fallbackInsertionSort(fmap, ec, lo, hi); continue }
    rnd = (rnd * 7621 + 1) % 32768
    const which = rnd % 3
    const pivot = ec[fmap[which === 0 ? lo : which === 1 ? (lo + hi) >> 1 : hi]!]!
    const [ltEnd, gtStart, unLo, unHi] = partition(fmap, (i) => ec[fmap[i]!]! - pivot, lo, hi)
    if (gtStart < ltEnd) continue
    const lessEnd = lo + unLo - ltEnd - 1
    const greaterStart = hi - (gtStart - unHi) + 1
    if (lessEnd - lo > hi - greaterStart) {
      stack.push(lo, lessEnd, greaterStart, hi)
    } else {
      stack.push(greaterStart, hi, lo, lessEnd)
    }
  }
}

/**
 * Bentley-McIlroy 3-way partition as bzip2 performs it: equal keys are first parked at both ends, then
 * swapped into the middle. Returns [ltLo, gtHi, unLo, unHi] after the scan, with the ends already swapped in.
 */
function partition (a: Int32Array, cmp: (i: number) => number, lo: number, hi: number): [number, number, number, number] {
  let unLo = lo; let ltLo = lo
  let unHi = hi; let gtHi = hi
  for (;;) {
    while (unLo <= unHi) {
      const c = cmp(unLo)
      if (c === 0) { const t = a[unLo]!; a[unLo] = a[ltLo]!; a[ltLo] = t; ltLo++; unLo++; continue }
      if (c > 0) break
      unLo++
    }
    while (unLo <= unHi) {
      const c = cmp(unHi)
      if (c === 0) { const t = a[unHi]!; a[unHi] = a[gtHi]!; a[gtHi] = t; gtHi--; unHi--; continue }
      if (c < 0) break
      unHi--
    }
    if (unLo > unHi) break
    const t = a[unLo]!; a[unLo] = a[unHi]!; a[unHi] = t
    unLo++; unHi--
  }
  if (gtHi >= ltLo) {
    const nl = Math.min(ltLo - lo, unLo - ltLo)
    swapRuns(a, lo, unLo - nl, nl)
    const ng = Math.min(hi - gtHi, gtHi - unHi)
    swapRuns(a, unLo, hi - ng + 1, ng)
  }
  return [ltLo, gtHi, unLo, unHi]
}

// ---------------------------------------------------------------------------------------------------------
// Main sort: 2-byte radix buckets; "big buckets" (first byte) processed from least to most populated; each
// unsorted small bucket quicksorted from depth 2; sorted big buckets induce the order of other buckets and
// record ranks ("quadrant") that later comparisons consult.

interface Budget { left: number }

function mainOrder (src: Uint8Array, n: number, ptr: Int32Array, budget: Budget): void {
  const block = new Uint8Array(n + OVERSHOOT)
  block.set(src.subarray(0, n))
  for (let i = 0; i < OVERSHOOT; i++) block[n + i] = src[i % n]!
  const quadrant = new Uint16Array(n + OVERSHOOT)
  const ftab = new Int32Array(65537)

  const pairAt = (i: number): number => (block[i]! << 8) | block[i + 1]! // i < n: block[n] is block[0]
  for (let i = n - 1; i >= 0; i--) ftab[pairAt(i)]!++
  for (let i = 1; i <= 65536; i++) ftab[i]! += ftab[i - 1]!
  for (let i = n - 1; i >= 0; i--) ptr[--ftab[pairAt(i)]!] = i

  const bigSize = (b: number): number => ftab[(b + 1) << 8]! - ftab[b << 8]!
  // Order of big buckets: shell sort by size with gaps 121, 40, 13, 4, 1 (strictly-greater moves only).
  const order = new Int32Array(256)
  for (let i = 0; i < 256; i++) order[i] = i
  for (const h of [121, 40, 13, 4, 1]) {
    for (let i = h; i <= 255; i++) {
      const v = order[i]!
      let j = i
      while (bigSize(order[j - h]!) > bigSize(v)) {
        order[j] = order[j - h]!
        j -= h
        if (j <= h - 1) break
      }
      order[j] = v
    }
  }

  const ctx: MainCtx = { ptr, block, quadrant, n, budget }
  const bigDone = new Uint8Array(256)
  const copyStart = new Int32Array(256)
  const copyEnd = new Int32Array(256)
  for (let i = 0; i <= 255; i++) {
    const ss = order[i]!
    // Step 1: quicksort every not-yet-ordered small bucket [ss, j], j != ss.
    for (let j = 0; j <= 255; j++) {
      if (j === ss) continue
      const sb = (ss << 8) + j
      if ((ftab[sb]! & SORTED) === 0) {
        const lo = ftab[sb]! & ~SORTED
        const hi = (ftab[sb + 1]! & ~SORTED) - 1
        if (hi > lo) mainQuickSort(ctx, lo, hi, 2)
      }
      ftab[sb]! |= SORTED
    }
    // Step 2: from the ordered big bucket ss, induce the order of buckets [c, ss] for every c not yet done
    // (scanning from both ends, which also fills [ss, ss]).
    for (let j = 0; j <= 255; j++) {
      copyStart[j] = ftab[(j << 8) + ss]! & ~SORTED
      copyEnd[j] = (ftab[(j << 8) + ss + 1]! & ~SORTED) - 1
    }
    for (let j = ftab[ss << 8]! & ~SORTED; j < copyStart[ss]!; j++) {
      let k = ptr[j]! - 1
      if (k < 0) k += n
      const c = block[k]!
      if (bigDone[c] === 0) ptr[copyStart[c]!++] = k
    }
    for (let j = (ftab[(ss + 1) << 8]! & ~SORTED) - 1; j > copyEnd[ss]!; j--) {
      let k = ptr[j]! - 1
      if (k < 0) k += n
      const c = block[k]!
      if (bigDone[c] === 0) ptr[copyEnd[c]!--] = k
    }
    for (let j = 0; j <= 255; j++) ftab[(j << 8) + ss]! |= SORTED
    // Step 3: record each member's rank within the big bucket (scaled to 16 bits) for later comparisons.
    bigDone[ss] = 1
    if (i < 255) {
      const start = ftab[ss << 8]! & ~SORTED
      const size = (ftab[(ss + 1) << 8]! & ~SORTED) - start
      let shift = 0
      while ((size >> shift) > 65534) shift++
      for (let j = size - 1; j >= 0; j--) {
        const a = ptr[start + j]!
        const q = j >> shift
        quadrant[a] = q
        if (a < OVERSHOOT) quadrant[a + n] = q
      }
    }
  }
}

interface MainCtx { ptr: Int32Array, block: Uint8Array, quadrant: Uint16Array, n: number, budget: Budget }

/** Is rotation i1 greater than rotation i2? 12 bytes plain, then bytes + ranks 8 at a time, 1 work unit each. */
function greater (ctx: MainCtx, i1: number, i2: number): boolean {
  const { block, quadrant, n } = ctx
  for (let t = 0; t < 12; t++) {
    const c1 = block[i1]!; const c2 = block[i2]!
    if (c1 !== c2) return c1 > c2
    i1++; i2++
  }
  let k = n + 8
  do {
    for (let t = 0; t < 8; t++) {
      const c1 = block[i1]!; const c2 = block[i2]!
      if (c1 !== c2) return c1 > c2
      const q1 = quadrant[i1]!; const q2 = quadrant[i2]!
      if (q1 !== q2) return q1 > q2
      i1++; i2++
    }
    if (i1 >= n) i1 -= n
    if (i2 >= n) i2 -= n
    k -= 8
    ctx.budget.left--
  } while (k >= 0)
  return false
}

function mainShellSort (ctx: MainCtx, lo: number, hi: number, d: number): void {
  const { ptr } = ctx
  const count = hi - lo + 1
  if (count < 2) return
  let g = 0
  while (SHELL_GAPS[g]! < count) g++
  for (g--; g >= 0; g--) {
    const h = SHELL_GAPS[g]!
    let i = lo + h
    for (;;) {
      // bzip2 checks its budget only after every third insertion.
      for (let rep = 0; rep < 3; rep++) {
        if (i > hi) break
        const v = ptr[i]!
        let j = i
        while (greater(ctx, ptr[j - h]! + d, v + d)) {
          ptr[j] = ptr[j - h]!
          j -= h
          if (j <= lo + h - 1) break
        }
        ptr[j] = v
        i++
      }
      if (i > hi) break
      if (ctx.budget.left < 0) throw new BudgetExceeded()
    }
  }
  if (ctx.budget.left < 0) throw new BudgetExceeded()
}

function median3 (a: number, b: number, c: number): number {
  if (a > b) { const t = a; a = b; b = t }
  if (b > c) { b = c; if (a > b) b = a }
  return b
}

function mainQuickSort (ctx: MainCtx, loSt: number, hiSt: number, dSt: number): void {
  const { ptr, block } = ctx
  const stack: number[] = [loSt, hiSt, dSt]
  while (stack.length > 0) {
    const d = stack.pop()!
    const hi = stack.pop()!
    const lo = stack.pop()!
    if (hi - lo < SMALL || d > DEPTH_LIMIT) {
      mainShellSort(ctx, lo, hi, d)
      continue
    }
    const pivot = median3(block[ptr[lo]! + d]!, block[ptr[hi]! + d]!, block[ptr[(lo + hi) >> 1]! + d]!)
    const [ltLo, gtHi, unLo, unHi] = partition(ptr, (i) => block[ptr[i]! + d]! - pivot, lo, hi)
    if (gtHi < ltLo) { stack.push(lo, hi, d + 1); continue }
    const lessEnd = lo + unLo - ltLo - 1
    const greaterStart = hi - (gtHi - unHi) + 1
    // Push the three parts largest first (so the smallest is sorted next), with bzip2's exact tie handling.
    const parts = [[lo, lessEnd, d], [greaterStart, hi, d], [lessEnd + 1, greaterStart - 1, d + 1]] as Array<[number, number, number]>
    const size = (p: [number, number, number]): number => p[1] - p[0]
    const swap = (x: number, y: number): void => { const t = parts[x]!; parts[x] = parts[y]!; parts[y] = t }
    if (size(parts[0]!) < size(parts[1]!)) swap(0, 1)
    if (size(parts[1]!) < size(parts[2]!)) swap(1, 2)
    if (size(parts[0]!) < size(parts[1]!)) swap(0, 1)
    for (const p of parts) stack.push(p[0], p[1], p[2])
  }
}
