/**
 * Huffman tree construction exactly as GNU gzip 1.12 does it (trees.c: build_tree, gen_bitlen, gen_codes).
 *
 * Code lengths are not unique for a given set of frequencies; to reproduce gzip's bytes we must break ties the
 * way it does: a binary min-heap keyed on (frequency, subtree depth) where a node is "smaller" when its
 * frequency is lower or, at equal frequency, its depth is lower OR EQUAL; leaves are inserted in symbol order;
 * codes that would exceed the maximum length are fixed with gzip's bl_count adjustment and lengths are then
 * reassigned in heap order. Codes are canonical (gen_codes) and stored bit-reversed for an LSB-first writer.
 */

export const MAX_BITS = 15
export const MAX_BL_BITS = 7
export const LENGTH_CODES = 29
export const LITERALS = 256
export const END_BLOCK = 256
export const L_CODES = LITERALS + 1 + LENGTH_CODES // 286
export const D_CODES = 30
export const BL_CODES = 19
/** gzip sizes its shared heap for the largest tree; gen_bitlen scans up to this bound for every tree. */
export const HEAP_SIZE = 2 * L_CODES + 1 // 573

export const EXTRA_LBITS = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0])
export const EXTRA_DBITS = Int32Array.from([0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13])
export const EXTRA_BLBITS = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7])
/** Order in which the bit-length code lengths are sent (deflate format). */
export const BL_ORDER = Uint8Array.from([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15])

/** Reverse the low `len` bits of `code` (gzip's bi_reverse). */
export function reverseBits (code: number, len: number): number {
  let res = 0
  do {
    res = (res << 1) | (code & 1)
    code >>>= 1
  } while (--len > 0)
  return res
}

/**
 * One Huffman tree: per-node frequency, parent, code length and code. gzip overlays freq/code and dad/len in
 * unions; separate arrays give the same results because gzip never reads a field after its overlay is written.
 */
export class HuffmanTree {
  readonly freq: Int32Array
  readonly dad: Int32Array
  readonly len: Int32Array
  readonly code: Int32Array
  /** Largest symbol with non-zero frequency after `build` (gzip's desc->max_code). */
  maxCode = 0

  constructor (
    /** Number of leaf symbols (gzip's elems). */
    readonly elems: number,
    /** Length limit (15, or 7 for the bit-length tree). */
    readonly maxLength: number,
    /** Extra bits per symbol starting at `extraBase`, used for the cost estimate. */
    readonly extraBits: Int32Array,
    readonly extraBase: number,
    /** Code lengths of the matching fixed tree (for static_len), or null. */
    readonly staticLen: Int32Array | null
  ) {
    const size = 2 * elems + 1
    this.freq = new Int32Array(size)
    this.dad = new Int32Array(size)
    this.len = new Int32Array(size + 1)
    this.code = new Int32Array(size)
  }
}

/** Cost accumulators updated by tree construction (gzip's opt_len and static_len, in bits). */
export interface BlockCost {
  optLen: number
  staticLen: number
}

/** Shared scratch state of the tree builder (gzip's heap, depth and bl_count statics). */
export class HuffmanBuilder {
  private readonly heap = new Int32Array(HEAP_SIZE)
  private readonly depth = new Uint8Array(HEAP_SIZE)
  readonly blCount = new Int32Array(MAX_BITS + 1)
  private heapLen = 0
  private heapMax = 0

  /** gzip's "smaller" macro: lower frequency, or equal frequency and depth not greater. */
  private smaller (freq: Int32Array, n: number, m: number): boolean {
    const fn = freq[n]!
    const fm = freq[m]!
    return fn < fm || (fn === fm && this.depth[n]! <= this.depth[m]!)
  }

  /** Sift heap[k] down (gzip's pqdownheap). */
  private downHeap (freq: Int32Array, k: number): void {
    const heap = this.heap
    const v = heap[k]!
    let j = k << 1
    while (j <= this.heapLen) {
      if (j < this.heapLen && this.smaller(freq, heap[j + 1]!, heap[j]!)) j++
      if (this.smaller(freq, v, heap[j]!)) break
      heap[k] = heap[j]!
      k = j
      j <<= 1
    }
    heap[k] = v
  }

  /**
   * Build the optimal length-limited tree for `tree.freq`, set lengths and codes, set `tree.maxCode` and add the
   * block's cost with these codes (and with the fixed codes, if any) to `cost` (gzip's build_tree).
   */
  build (tree: HuffmanTree, cost: BlockCost): void {
    const { freq, len, dad, elems } = tree
    const heap = this.heap
    const depth = this.depth
    const stree = tree.staticLen
    let maxCode = -1
    let node = elems
    this.heapLen = 0
    this.heapMax = HEAP_SIZE

    for (let n = 0; n < elems; n++) {
      if (freq[n] !== 0) {
        heap[++this.heapLen] = maxCode = n
        depth[n] = 0
      } else {
        len[n] = 0
      }
    }

    // gzip forces at least two codes: symbols 0/1 (or 2) get a pseudo-frequency of 1, not counted in the cost.
    while (this.heapLen < 2) {
      const added = maxCode < 2 ? ++maxCode : 0
      heap[++this.heapLen] = added
      freq[added] = 1
      depth[added] = 0
      cost.optLen--
      if (stree !== null) cost.staticLen -= stree[added]!
    }
    tree.maxCode = maxCode

    for (let n = this.heapLen >> 1; n >= 1; n--) this.downHeap(freq, n)

    // Repeatedly combine the two least frequent nodes; removed nodes are stacked at the top of the heap
    // array in removal order, which gen_bitlen walks backwards.
    do {
      const n = heap[1]!
      heap[1] = heap[this.heapLen--]!
      this.downHeap(freq, 1)
      const m = heap[1]!
      heap[--this.heapMax] = n
      heap[--this.heapMax] = m
      freq[node] = (freq[n]! + freq[m]!) & 0xffff
      const dn = depth[n]!
      const dm = depth[m]!
      depth[node] = ((dn >= dm ? dn : dm) + 1) & 0xff
      dad[n] = dad[m] = node
      heap[1] = node++
      this.downHeap(freq, 1)
    } while (this.heapLen >= 2)
    heap[--this.heapMax] = heap[1]!

    this.genBitlen(tree, cost)
    genCodes(tree.code, len, maxCode, this.blCount)
  }

  /** Compute code lengths with gzip's overflow repair (gen_bitlen). */
  private genBitlen (tree: HuffmanTree, cost: BlockCost): void {
    const { freq, len, dad, extraBits, extraBase, maxCode, maxLength } = tree
    const stree = tree.staticLen
    const heap = this.heap
    const blCount = this.blCount
    blCount.fill(0)
    let overflow = 0

    len[heap[this.heapMax]!] = 0 // root
    let h: number
    for (h = this.heapMax + 1; h < HEAP_SIZE; h++) {
      const n = heap[h]!
      let bits = len[dad[n]!]! + 1
      if (bits > maxLength) {
        bits = maxLength
        overflow++
      }
      len[n] = bits
      if (n > maxCode) continue // internal node
      blCount[bits]!++
      const xbits = n >= extraBase ? extraBits[n - extraBase]! : 0
      const f = freq[n]!
      cost.optLen += f * (bits + xbits)
      if (stree !== null) cost.staticLen += f * (stree[n]! + xbits)
    }
    if (overflow === 0) return

    // Move leaves down from the deepest non-full level until the overflow is absorbed (two at a time).
    do {
      let bits = maxLength - 1
      while (blCount[bits] === 0) bits--
      blCount[bits]!--
      blCount[bits + 1]! += 2
      blCount[maxLength]!--
      overflow -= 2
    } while (overflow > 0)

    // Reassign lengths walking the heap from the least frequent node (h === HEAP_SIZE here).
    for (let bits = maxLength; bits !== 0; bits--) {
      let n = blCount[bits]!
      while (n !== 0) {
        const m = heap[--h]!
        if (m > maxCode) continue
        if (len[m] !== bits) {
          cost.optLen += (bits - len[m]!) * freq[m]!
          len[m] = bits
        }
        n--
      }
    }
  }
}

/** Assign canonical codes from the bit-length counts, bit-reversed (gzip's gen_codes). */
export function genCodes (code: Int32Array, len: Int32Array, maxCode: number, blCount: Int32Array): void {
  const nextCode = new Int32Array(MAX_BITS + 1)
  let c = 0
  for (let bits = 1; bits <= MAX_BITS; bits++) {
    c = ((c + blCount[bits - 1]!) << 1) & 0xffff
    nextCode[bits] = c
  }
  for (let n = 0; n <= maxCode; n++) {
    const l = len[n]!
    if (l === 0) continue
    code[n] = reverseBits(nextCode[l]!++, l)
  }
}
