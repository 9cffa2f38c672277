/**
 * Encodes one bzip2 block (the bytes after RLE1) into a BitWriter, reproducing bzip2 1.0.8 (compress.c).
 */
import { BitWriter } from './bitwriter.js'
import { assignCodes, makeCodeLengths } from './huffman.js'
import { bzip2RotationOrder } from './periodic-sort.js'
import { sortRotations } from './sais.js'

const RUNA = 0
const RUNB = 1
const GROUP_SIZE = 50 // bzip2 BZ_G_SIZE: symbols per selector
const ITERATIONS = 4 // bzip2 BZ_N_ITERS: table refinement passes
const MAX_CODE_LEN = 17 // bzip2 >= 1.0.3 limits code lengths to 17
const LESSER_COST = 0
const GREATER_COST = 15

/** Smallest p such that block is (a prefix of) a repetition of its first p bytes; n if none shorter. */
function smallestPeriod (block: Uint8Array, n: number): number {
  // Prefix function (KMP failure links): period = n - longest proper border.
  const fail = new Int32Array(n)
  let k = 0
  for (let i = 1; i < n; i++) {
    const c = block[i]!
    while (k > 0 && block[k] !== c) k = fail[k - 1]!
    if (block[k] === c) k++
    fail[i] = k
  }
  return n - fail[n - 1]!
}

/** Rotation order as bzip2 produces it: unique unless the block is an exact repetition (see periodic-sort.ts). */
export function blockRotationOrder (block: Uint8Array, n: number): Int32Array {
  const p = smallestPeriod(block, n)
  if (p < n && n % p === 0) return bzip2RotationOrder(block, n)
  const order = new Int32Array(n)
  sortRotations(block, n, order)
  return order
}

/**
 * Writes the block header (magic, CRC, randomised bit 0, origPtr) and the entropy-coded block.
 * `inUse` marks the byte values present in the block.
 */
export function encodeBlock (bw: BitWriter, block: Uint8Array, n: number, inUse: Uint8Array, blockCrc: number): void {
  const order = blockRotationOrder(block, n)

  bw.write(24, 0x314159); bw.write(24, 0x265359) // block magic (BCD pi)
  bw.write32(blockCrc)
  bw.write(1, 0) // never randomised
  let origPtr = -1
  for (let i = 0; i < n; i++) if (order[i] === 0) { origPtr = i; break }
  bw.write(24, origPtr)

  // --- Move-to-front over the used symbols, with zero runs as bijective base-2 RUNA/RUNB digits (generateMTFValues).
  const seqOf = new Uint8Array(256)
  let nInUse = 0
  for (let c = 0; c < 256; c++) if (inUse[c] !== 0) seqOf[c] = nInUse++
  const eob = nInUse + 1
  const alphaSize = nInUse + 2
  const mtfv = new Uint16Array(n + 1)
  const mtfFreq = new Int32Array(258)
  const list = new Uint8Array(256)
  for (let i = 0; i < nInUse; i++) list[i] = i
  let nMtf = 0
  let zeros = 0
  const flushZeros = (): void => {
    let z = zeros - 1
    for (;;) {
      const sym = (z & 1) !== 0 ? RUNB : RUNA
      mtfv[nMtf++] = sym
      mtfFreq[sym]!++
      if (z < 2) break
      z = (z - 2) >> 1
    }
    zeros = 0
  }
  for (let i = 0; i < n; i++) {
    let j = order[i]! - 1
    if (j < 0) j += n
    const sym = seqOf[block[j]!]!
    if (list[0] === sym) { zeros++; continue }
    if (zeros > 0) flushZeros()
    let pos = 1
    let carry = list[0]!
    while (true) {
      const t = list[pos]!
      list[pos] = carry
      carry = t
      if (t === sym) break
      pos++
    }
    list[0] = sym
    mtfv[nMtf++] = pos + 1
    mtfFreq[pos + 1]!++
  }
  if (zeros > 0) flushZeros()
  mtfv[nMtf++] = eob
  mtfFreq[eob]!++

  // --- Number of tables from the symbol count (sendMTFValues).
  const nGroups = nMtf < 200 ? 2 : nMtf < 600 ? 3 : nMtf < 1200 ? 4 : nMtf < 2400 ? 5 : 6
  const len: Uint8Array[] = []
  for (let t = 0; t < nGroups; t++) len.push(new Uint8Array(alphaSize).fill(GREATER_COST))

  // Initial tables: split the alphabet into nGroups ranges of about equal total frequency; table nPart-1 is
  // cheap on its range. For every other range (counted from the first) the last symbol is given back.
  {
    let remaining = nMtf
    let gs = 0
    for (let nPart = nGroups; nPart > 0; nPart--) {
      const target = (remaining / nPart) | 0
      let ge = gs - 1
      let acc = 0
      while (acc < target && ge < alphaSize - 1) {
        ge++
        acc += mtfFreq[ge]!
      }
      if (ge > gs && nPart !== nGroups && nPart !== 1 && (nGroups - nPart) % 2 === 1) {
        acc -= mtfFreq[ge]!
        ge--
      }
      const l = len[nPart - 1]!
      for (let v = 0; v < alphaSize; v++) l[v] = v >= gs && v <= ge ? LESSER_COST : GREATER_COST
      gs = ge + 1
      remaining -= acc
    }
  }

  // --- Refinement: assign each 50-symbol group to its cheapest table (first on ties), recount, rebuild.
  const nSelectors = Math.ceil(nMtf / GROUP_SIZE)
  const selectors = new Uint8Array(nSelectors)
  const rfreq: Int32Array[] = []
  for (let t = 0; t < nGroups; t++) rfreq.push(new Int32Array(alphaSize))
  const cost = new Int32Array(nGroups)
  for (let iter = 0; iter < ITERATIONS; iter++) {
    for (const f of rfreq) f.fill(0)
    let sel = 0
    for (let gs = 0; gs < nMtf; gs += GROUP_SIZE) {
      const ge = Math.min(gs + GROUP_SIZE, nMtf)
      cost.fill(0)
      for (let i = gs; i < ge; i++) {
        const v = mtfv[i]!
        for (let t = 0; t < nGroups; t++) cost[t]! += len[t]![v]!
      }
      let best = 0
      let bestCost = cost[0]!
      for (let t = 1; t < nGroups; t++) if (cost[t]! < bestCost) { bestCost = cost[t]!; best = t }
      selectors[sel++] = best
      const f = rfreq[best]!
      for (let i = gs; i < ge; i++) f[mtfv[i]!]!++
    }
    for (let t = 0; t < nGroups; t++) makeCodeLengths(len[t]!, rfreq[t]!, alphaSize, MAX_CODE_LEN)
  }

  const codes: Int32Array[] = []
  for (let t = 0; t < nGroups; t++) {
    const c = new Int32Array(alphaSize)
    assignCodes(c, len[t]!, alphaSize)
    codes.push(c)
  }

  // --- Symbol map: 16 bits for 16-value ranges in use, then 16 bits per used range.
  let ranges = 0
  for (let r = 0; r < 16; r++) {
    for (let c = 0; c < 16; c++) if (inUse[r * 16 + c] !== 0) { ranges |= 0x8000 >>> r; break }
  }
  bw.write(16, ranges)
  for (let r = 0; r < 16; r++) {
    if ((ranges & (0x8000 >>> r)) === 0) continue
    let bits = 0
    for (let c = 0; c < 16; c++) if (inUse[r * 16 + c] !== 0) bits |= 0x8000 >>> c
    bw.write(16, bits)
  }

  // --- Table count, selector count, selectors move-to-front coded in unary.
  bw.write(3, nGroups)
  bw.write(15, nSelectors)
  const selList = [0, 1, 2, 3, 4, 5]
  for (let i = 0; i < nSelectors; i++) {
    const s = selectors[i]!
    const pos = selList.indexOf(s)
    selList.splice(pos, 1)
    selList.unshift(s)
    for (let j = 0; j < pos; j++) bw.write(1, 1)
    bw.write(1, 0)
  }

  // --- Code lengths: 5-bit start, then per symbol "10" (+1) / "11" (-1) steps and a terminating "0".
  for (let t = 0; t < nGroups; t++) {
    const l = len[t]!
    let cur = l[0]!
    bw.write(5, cur)
    for (let i = 0; i < alphaSize; i++) {
      const target = l[i]!
      while (cur < target) { bw.write(2, 2); cur++ }
      while (cur > target) { bw.write(2, 3); cur-- }
      bw.write(1, 0)
    }
  }

  // --- The symbols.
  let sel = 0
  for (let gs = 0; gs < nMtf; gs += GROUP_SIZE) {
    const ge = Math.min(gs + GROUP_SIZE, nMtf)
    const t = selectors[sel++]!
    const l = len[t]!
    const c = codes[t]!
    for (let i = gs; i < ge; i++) {
      const v = mtfv[i]!
      bw.write(l[v]!, c[v]!)
    }
  }
}
