/**
 * Suffix array by induced sorting (SA-IS, Nong/Zhang/Chan 2009), written for this module.
 * `text[n-1]` must be a unique smallest symbol (0); symbols are in 0..alphabet-1.
 */

function bucketBounds (text: Int32Array, n: number, alphabet: number, ends: boolean, out: Int32Array): void {
  out.fill(0, 0, alphabet)
  for (let i = 0; i < n; i++) out[text[i]!]!++
  let sum = 0
  for (let c = 0; c < alphabet; c++) {
    sum += out[c]!
    out[c] = ends ? sum : sum - out[c]!
  }
}

function induce (text: Int32Array, sa: Int32Array, isS: Uint8Array, n: number, alphabet: number, bkt: Int32Array): void {
  // L-type suffixes, left to right from bucket starts.
  bucketBounds(text, n, alphabet, false, bkt)
  for (let i = 0; i < n; i++) {
    const j = sa[i]! - 1
    if (j >= 0 && isS[j] === 0) sa[bkt[text[j]!]!++] = j
  }
  // S-type suffixes, right to left from bucket ends.
  bucketBounds(text, n, alphabet, true, bkt)
  for (let i = n - 1; i >= 0; i--) {
    const j = sa[i]! - 1
    if (j >= 0 && isS[j] === 1) sa[--bkt[text[j]!]!] = j
  }
}

export function suffixArray (text: Int32Array, sa: Int32Array, n: number, alphabet: number): void {
  if (n === 1) { sa[0] = 0; return }
  const isS = new Uint8Array(n)
  isS[n - 1] = 1
  for (let i = n - 2; i >= 0; i--) {
    const a = text[i]!
    const b = text[i + 1]!
    isS[i] = a < b || (a === b && isS[i + 1] === 1) ? 1 : 0
  }
  const isLms = (i: number): boolean => i > 0 && isS[i] === 1 && isS[i - 1] === 0
  const bkt = new Int32Array(alphabet)

  // Stage 1: place LMS positions at their bucket ends, induce, which sorts the LMS substrings.
  sa.fill(-1, 0, n)
  bucketBounds(text, n, alphabet, true, bkt)
  for (let i = 1; i < n; i++) if (isLms(i)) sa[--bkt[text[i]!]!] = i
  induce(text, sa, isS, n, alphabet, bkt)

  // Compact the sorted LMS positions into sa[0..m).
  let m = 0
  for (let i = 0; i < n; i++) {
    const p = sa[i]!
    if (isLms(p)) sa[m++] = p
  }
  // Name LMS substrings; equal substrings get equal names.
  sa.fill(-1, m, n)
  let names = 0
  let prev = -1
  for (let i = 0; i < m; i++) {
    const pos = sa[i]!
    let differ = prev < 0
    if (!differ) {
      for (let d = 0; ; d++) {
        if (text[pos + d] !== text[prev + d] || isS[pos + d] !== isS[prev + d]) { differ = true; break }
        if (d > 0 && (isLms(pos + d) || isLms(prev + d))) break
      }
    }
    if (differ) { names++; prev = pos }
    sa[m + (pos >> 1)] = names - 1
  }
  for (let i = n - 1, j = n - 1; i >= m; i--) {
    const v = sa[i]!
    if (v >= 0) sa[j--] = v
  }

  // Stage 2: sort the reduced string (recursively if names repeat).
  const reduced = sa.subarray(n - m, n)
  const sa1 = sa.subarray(0, m)
  if (names < m) suffixArray(reduced, sa1, m, names)
  else for (let i = 0; i < m; i++) sa1[reduced[i]!] = i

  // Stage 3: map back to LMS positions in sorted order, place at bucket ends, induce the rest.
  for (let i = 1, j = 0; i < n; i++) if (isLms(i)) reduced[j++] = i
  for (let i = 0; i < m; i++) sa1[i] = reduced[sa1[i]!]!
  sa.fill(-1, m, n)
  bucketBounds(text, n, alphabet, true, bkt)
  for (let i = m - 1; i >= 0; i--) {
    const j = sa[i]!
    sa[i] = -1
    sa[--bkt[text[j]!]!] = j
  }
  induce(text, sa, isS, n, alphabet, bkt)
}

/**
 * Sorted order of the rotations of `block[0..n)`, valid when all rotations are distinct (the block is not a
 * repetition of a shorter string). Sorts the suffixes of block+block+sentinel and keeps those starting < n:
 * two distinct rotations differ within n symbols, so suffix order equals rotation order.
 */
export function sortRotations (block: Uint8Array, n: number, out: Int32Array): void {
  const len = 2 * n + 1
  const text = new Int32Array(len)
  for (let i = 0; i < n; i++) {
    const c = block[i]! + 1
    text[i] = c
    text[i + n] = c
  }
  text[2 * n] = 0
  const sa = new Int32Array(len)
  suffixArray(text, sa, len, 257)
  let k = 0
  for (let i = 0; i < len; i++) {
    const p = sa[i]!
    if (p < n) out[k++] = p
  }
}
