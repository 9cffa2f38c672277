/**
 * Huffman code lengths as Go's compress/flate computes them (huffman_code.go, Go 1.19: huffmanEncoder.generate,
 * bitCounts, assignEncodingAndSize). Written from the description of the behaviour, not copied.
 *
 * Go does not build a tree and then repair over-long codes (zlib/gzip do). It sorts the used symbols by
 * (frequency, symbol) ascending and runs a boundary package-merge ("lazy" package merge) over `maxBits` levels,
 * which directly yields how many leaves sit at each depth. The `k` most frequent symbols (in that sort order)
 * get the shortest lengths. Codes are then canonical: within a length, ascending symbol order.
 * When at most two symbols are used, each gets a 1-bit code (0, then 1, in symbol order).
 *
 * Equal-frequency ties and the exact package-merge stepping decide the lengths, so both are reproduced exactly.
 */

const INF = 0x7fffffff
/** Go's bitCounts refuses maxBits >= 16; its working arrays are 16 wide. */
const LIMIT = 16

/** Reverse the low `len` bits of `code`. */
export function reverseBits (code: number, len: number): number {
  let r = 0
  for (let i = 0; i < len; i++) {
    r = (r << 1) | (code & 1)
    code >>>= 1
  }
  return r
}

/**
 * A code table: `lens[sym]` (0 = unused) and `codes[sym]` already bit-reversed for an LSB-first writer.
 */
export class GoHuffmanCode {
  readonly lens: Uint8Array
  readonly codes: Uint16Array
  // Scratch, reused between calls.
  private keys: Float64Array
  private readonly sortedFreq: Int32Array
  private readonly sortedSym: Int32Array
  private readonly lenCount = new Int32Array(LIMIT + 1)
  // Package-merge state per level.
  private readonly lastFreq = new Float64Array(LIMIT + 1)
  private readonly nextLeafFreq = new Float64Array(LIMIT + 1)
  private readonly nextPairFreq = new Float64Array(LIMIT + 1)
  private readonly needed = new Int32Array(LIMIT + 1)
  /** leafCounts[level * LIMIT + j]: leaves taken at depth-row j in the chain ending at `level`. */
  private readonly leafCounts = new Int32Array((LIMIT + 1) * (LIMIT + 1))

  constructor (readonly size: number) {
    this.lens = new Uint8Array(size)
    this.codes = new Uint16Array(size)
    this.keys = new Float64Array(size)
    this.sortedFreq = new Int32Array(size + 1)
    this.sortedSym = new Int32Array(size + 1)
  }

  /** Build code lengths and codes for `freq[0..size)` with lengths limited to `maxBits` (Go: generate). */
  generate (freq: Int32Array, maxBits: number): void {
    const size = this.size
    const lens = this.lens
    let count = 0
    const keys = this.keys
    for (let s = 0; s < size; s++) {
      const f = freq[s]!
      lens[s] = 0
      if (f !== 0) keys[count++] = f * 512 + s
    }
    if (count <= 2) {
      // Go: one or two used symbols get 1-bit codes numbered in symbol order.
      let c = 0
      for (let s = 0; s < size; s++) {
        if (freq[s]! !== 0) {
          lens[s] = 1
          this.codes[s] = c++
        }
      }
      return
    }
    // Sort by (frequency, symbol) ascending (Go's byFreq order, a total order).
    const sorted = keys.subarray(0, count).sort()
    const sf = this.sortedFreq
    const ss = this.sortedSym
    for (let i = 0; i < count; i++) {
      const k = sorted[i]!
      const f = Math.floor(k / 512)
      sf[i] = f
      ss[i] = k - f * 512
    }
    sf[count] = INF
    this.countLengths(count, Math.min(maxBits, count - 1))
    // Deepest first: the least frequent symbols take the longest codes. lenCount[b] = number of b-bit codes.
    const lenCount = this.lenCount
    let at = 0
    for (let b = LIMIT; b >= 1; b--) {
      const k = lenCount[b]!
      for (let j = 0; j < k; j++) lens[ss[at++]!] = b
    }
    this.setCanonicalCodes()
  }

  /**
   * Go's bitCounts: boundary package-merge over levels 1..maxBits on the sorted frequencies `sortedFreq[0..n)`
   * (with a +infinity sentinel at n). Leaves `lenCount[bits]` = number of symbols with that code length.
   */
  private countLengths (n: number, maxBits: number): void {
    const f = this.sortedFreq
    const last = this.lastFreq
    const nextLeaf = this.nextLeafFreq
    const nextPair = this.nextPairFreq
    const needed = this.needed
    const lc = this.leafCounts
    lc.fill(0)
    needed.fill(0)
    for (let lv = 1; lv <= maxBits; lv++) {
      last[lv] = f[1]!
      nextLeaf[lv] = f[2]!
      nextPair[lv] = lv === 1 ? INF : f[0]! + f[1]!
      lc[lv * LIMIT + lv] = 2
    }
    // Level indices above maxBits are only touched as "no more pairs" markers.
    for (let lv = maxBits + 1; lv <= LIMIT; lv++) { nextPair[lv] = INF; nextLeaf[lv] = INF; last[lv] = 0 }
    needed[maxBits] = 2 * n - 4
    let lv = maxBits
    for (;;) {
      if (nextPair[lv] === INF && nextLeaf[lv] === INF) {
        // Nothing left to take at this level: it is finished; the level above can build no more pairs from it.
        needed[lv] = 0
        nextPair[lv + 1] = INF
        lv++
        continue
      }
      const before = last[lv]!
      if (nextLeaf[lv]! < nextPair[lv]!) {
        // Take the next leaf.
        const taken = lc[lv * LIMIT + lv]! + 1
        lc[lv * LIMIT + lv] = taken
        last[lv] = nextLeaf[lv]!
        nextLeaf[lv] = f[taken]!
      } else {
        // Take a package from the level below: inherit its leaf counts and ask it for two more items.
        last[lv] = nextPair[lv]!
        for (let j = 0; j < lv; j++) lc[lv * LIMIT + j] = lc[(lv - 1) * LIMIT + j]!
        needed[lv - 1] = 2
      }
      needed[lv] = needed[lv]! - 1
      if (needed[lv] === 0) {
        if (lv === maxBits) break
        nextPair[lv + 1] = before + last[lv]!
        lv++
      } else {
        while (needed[lv - 1]! > 0) lv--
      }
    }
    if (lc[maxBits * LIMIT + maxBits] !== n) throw new Error('go huffman: package-merge lost leaves')
    const lenCount = this.lenCount
    lenCount.fill(0)
    let bits = 1
    for (let level = maxBits; level > 0; level--) {
      lenCount[bits] = lc[maxBits * LIMIT + level]! - lc[maxBits * LIMIT + level - 1]!
      bits++
    }
  }

  /** Canonical codes from `lens`, ascending symbol order within a length, stored bit-reversed. */
  setCanonicalCodes (): void {
    const lens = this.lens
    const blCount = new Int32Array(LIMIT + 1)
    for (let s = 0; s < this.size; s++) blCount[lens[s]!]!++
    blCount[0] = 0
    const next = new Int32Array(LIMIT + 1)
    let code = 0
    for (let b = 1; b <= LIMIT; b++) {
      code = (code + blCount[b - 1]!) << 1
      next[b] = code
    }
    for (let s = 0; s < this.size; s++) {
      const l = lens[s]!
      if (l !== 0) this.codes[s] = reverseBits(next[l]!++, l)
    }
  }

  /** Sum of freq * code length (Go: bitLength). */
  bitLength (freq: Int32Array): number {
    let total = 0
    const lens = this.lens
    const n = Math.min(freq.length, lens.length)
    for (let i = 0; i < n; i++) {
      const f = freq[i]!
      if (f !== 0) total += f * lens[i]!
    }
    return total
  }
}

/** A fixed table given lengths (codes canonical, bit-reversed). */
export function fixedCode (lens: number[]): GoHuffmanCode {
  const c = new GoHuffmanCode(lens.length)
  for (let i = 0; i < lens.length; i++) c.lens[i] = lens[i]!
  c.setCanonicalCodes()
  return c
}
