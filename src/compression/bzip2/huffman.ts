/**
 * Huffman code lengths and codes exactly as bzip2 1.0.x builds them (huffman.c):
 * - a binary min-heap keyed by (frequency << 8 | subtree depth), zero frequencies counted as 1;
 *   merged node weight = sum of frequencies with depth 1 + max(child depths), so ties prefer shallower trees;
 * - if any code is longer than maxLen, every frequency f becomes 1 + floor(f / 2) and the tree is rebuilt;
 * - canonical codes assigned by increasing length, then symbol order.
 */

export function makeCodeLengths (lengths: Uint8Array, freq: Int32Array | Uint32Array, alphaSize: number, maxLen: number): void {
  // Index 0 of heap/weight is a sentinel with weight 0; leaves are 1..alphaSize; internal nodes follow.
  const heap = new Int32Array(alphaSize + 2)
  const weight = new Int32Array(alphaSize * 2)
  const parent = new Int32Array(alphaSize * 2)
  for (let i = 0; i < alphaSize; i++) {
    const f = freq[i]!
    weight[i + 1] = (f === 0 ? 1 : f) << 8
  }

  for (;;) {
    let nNodes = alphaSize
    let nHeap = 0
    heap[0] = 0
    weight[0] = 0
    parent[0] = -2

    const siftUp = (start: number): void => {
      let z = start
      const item = heap[z]!
      const w = weight[item]!
      while (w < weight[heap[z >> 1]!]!) {
        heap[z] = heap[z >> 1]!
        z >>= 1
      }
      heap[z] = item
    }
    const siftDown = (start: number): void => {
      let z = start
      const item = heap[z]!
      const w = weight[item]!
      for (;;) {
        let c = z << 1
        if (c > nHeap) break
        if (c < nHeap && weight[heap[c + 1]!]! < weight[heap[c]!]!) c++
        if (w < weight[heap[c]!]!) break
        heap[z] = heap[c]!
        z = c
      }
      heap[z] = item
    }

    for (let i = 1; i <= alphaSize; i++) {
      parent[i] = -1
      heap[++nHeap] = i
      siftUp(nHeap)
    }
    while (nHeap > 1) {
      const a = heap[1]!
      heap[1] = heap[nHeap--]!
      siftDown(1)
      const b = heap[1]!
      heap[1] = heap[nHeap--]!
      siftDown(1)
      nNodes++
      parent[a] = nNodes
      parent[b] = nNodes
      const wa = weight[a]!
      const wb = weight[b]!
      const depth = 1 + Math.max(wa & 0xff, wb & 0xff)
      weight[nNodes] = ((wa & ~0xff) + (wb & ~0xff)) | depth
      parent[nNodes] = -1
      heap[++nHeap] = nNodes
      siftUp(nHeap)
    }

    let tooLong = false
    for (let i = 1; i <= alphaSize; i++) {
      let depth = 0
      let k = i
      while (parent[k]! >= 0) { k = parent[k]!; depth++ }
      lengths[i - 1] = depth
      if (depth > maxLen) tooLong = true
    }
    if (!tooLong) return
    // bzip2's overflow remedy: halve (rounding up, plus one) every leaf frequency and rebuild.
    for (let i = 1; i <= alphaSize; i++) {
      const f = weight[i]! >> 8
      weight[i] = (1 + ((f / 2) | 0)) << 8
    }
  }
}

/** Canonical codes: shortest lengths first, ties by symbol index (bzip2's BZ2_hbAssignCodes). */
export function assignCodes (codes: Int32Array, lengths: Uint8Array, alphaSize: number): void {
  let minLen = 32
  let maxLen = 0
  for (let i = 0; i < alphaSize; i++) {
    const l = lengths[i]!
    if (l > maxLen) maxLen = l
    if (l < minLen) minLen = l
  }
  let code = 0
  for (let len = minLen; len <= maxLen; len++) {
    for (let i = 0; i < alphaSize; i++) if (lengths[i] === len) codes[i] = code++
    code <<= 1
  }
}
