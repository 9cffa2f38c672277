/**
 * The first block of a raw deflate stream (RFC 1951 §3.2.3), read from a prefix of it: whether it is final,
 * its type and, when Huffman-coded, its LZ77 tokens. Two equal deflate streams decode to the same blocks
 * and the same tokens, so an encoder whose first block provably differs from this one cannot write the
 * stream: a recipe race drops it without running it over the whole input (recipe/race.ts).
 *
 * A token is `distance << 8 | (length - 3)` for a match and the byte for a literal (distance 0): the form
 * zlib keeps in its symbol buffer (trees.c, _tr_tally). Decoding is puff.c's canonical-code walk, written
 * for this: bit by bit, slow but only ever run over one block, and it gives up (no facts) on anything odd.
 */

export interface FirstBlock {
  /** BFINAL: no block follows this one. */
  readonly final: boolean
  readonly type: 'stored' | 'fixed' | 'dynamic'
  /** A stored block's LEN (its bytes are not decoded); 0 for the others. */
  readonly storedLength: number
  /** A Huffman-coded block's tokens decoded so far (see above); empty for a stored block. */
  readonly tokens: Uint32Array
  /** Whether `tokens` is the whole block (its end-of-block code was read). */
  readonly complete: boolean
}

/** Tokens decoded at most: more than any block our deflate encoders write (zlib memLevel 9: 32767 symbols). */
export const FIRST_BLOCK_MAX_TOKENS = 65536

/** The token of a literal byte. */
export const literalToken = (byte: number): number => byte
/** The token of a match (length 3..258, distance 1..32768). */
export const matchToken = (length: number, distance: number): number => distance * 256 + length - 3

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

/** Thrown inside the reader when the bytes run out or the block is malformed; never escapes. */
class Stop { constructor (readonly truncated: boolean) {} }

/** LSB-first bits of `bytes` (RFC 1951 §3.1.1); running out throws Stop. */
class Bits {
  #at = 0
  #buffer = 0
  #count = 0
  constructor (private readonly bytes: Uint8Array) {}

  /** The next `n` (0..16) bits as a number, first bit lowest. */
  get (n: number): number {
    while (this.#count < n) {
      if (this.#at >= this.bytes.length) throw new Stop(true)
      this.#buffer |= this.bytes[this.#at++]! << this.#count
      this.#count += 8
    }
    const v = this.#buffer & ((1 << n) - 1)
    this.#buffer >>>= n
    this.#count -= n
    return v
  }
}

/** A canonical Huffman code (puff.c's count/symbol tables). */
interface Code { count: Int32Array, symbol: Int32Array }

/** `lengths` of `n` symbols; all zero is an empty code (a block without matches may have no distance code). */
function codeOf (lengths: ArrayLike<number>, n: number): Code {
  const count = new Int32Array(16)
  for (let s = 0; s < n; s++) count[lengths[s]!]!++
  let left = 1
  for (let len = 1; len < 16; len++) {
    left = left * 2 - count[len]!
    if (left < 0) throw new Stop(false) // over-subscribed
  }
  const offs = new Int32Array(16)
  for (let len = 1; len < 15; len++) offs[len + 1] = offs[len]! + count[len]!
  const symbol = new Int32Array(n)
  for (let s = 0; s < n; s++) if (lengths[s] !== 0) symbol[offs[lengths[s]!]!++] = s
  count[0] = 0
  return { count, symbol }
}

function decode (bits: Bits, code: Code): number {
  let c = 0
  let first = 0
  let index = 0
  for (let len = 1; len < 16; len++) {
    c |= bits.get(1)
    const count = code.count[len]!
    if (c - count < first) return code.symbol[index + (c - first)]!
    index += count
    first = (first + count) * 2
    c *= 2
  }
  throw new Stop(false) // a code that is not in an incomplete table
}

const fixed = ((): { lit: Code, dist: Code } => {
  const l = new Int32Array(288)
  l.fill(8, 0, 144); l.fill(9, 144, 256); l.fill(7, 256, 280); l.fill(8, 280, 288)
  return { lit: codeOf(l, 288), dist: codeOf(new Int32Array(30).fill(5), 30) }
})()

/**
 * The first block of the raw deflate stream that `bytes` begins, as far as `bytes` goes; undefined when
 * not even its header is there, or the block is malformed before its first token (no facts then).
 */
export function readFirstBlock (bytes: Uint8Array, maxTokens = FIRST_BLOCK_MAX_TOKENS): FirstBlock | undefined {
  const bits = new Bits(bytes)
  let final: boolean
  let btype: number
  try {
    final = bits.get(1) === 1
    btype = bits.get(2)
    if (btype === 0) {
      // LEN starts at the next byte boundary: at most 5 bits of padding after the 3-bit header.
      bits.get(5)
      const len = bits.get(16)
      const nlen = bits.get(16)
      if ((len ^ 0xffff) !== nlen) return undefined
      return { final, type: 'stored', storedLength: len, tokens: new Uint32Array(0), complete: true }
    }
  } catch { return undefined }
  if (btype === 3) return undefined
  let lit: Code
  let dist: Code
  const tokens = new Uint32Array(maxTokens)
  let n = 0
  try {
    if (btype === 1) ({ lit, dist } = fixed)
    else {
      const nlen = bits.get(5) + 257
      const ndist = bits.get(5) + 1
      const ncode = bits.get(4) + 4
      if (nlen > 286 || ndist > 30) return undefined
      const lengths = new Int32Array(320)
      for (let i = 0; i < ncode; i++) lengths[CODE_LENGTH_ORDER[i]!] = bits.get(3)
      const lencode = codeOf(lengths, 19)
      let i = 0
      while (i < nlen + ndist) {
        const sym = decode(bits, lencode)
        if (sym < 16) { lengths[i++] = sym; continue }
        let repeat: number
        let value = 0
        if (sym === 16) {
          if (i === 0) return undefined
          value = lengths[i - 1]!
          repeat = 3 + bits.get(2)
        } else repeat = sym === 17 ? 3 + bits.get(3) : 11 + bits.get(7)
        if (i + repeat > nlen + ndist) return undefined
        while (repeat-- > 0) lengths[i++] = value
      }
      if (lengths[256] === 0) return undefined // no end-of-block code
      lit = codeOf(lengths, nlen)
      dist = codeOf(lengths.subarray(nlen), ndist)
    }
  } catch { return undefined }
  const type = btype === 1 ? 'fixed' : 'dynamic'
  try {
    let out = 0
    while (n < maxTokens) {
      const sym = decode(bits, lit)
      if (sym < 256) { tokens[n++] = sym; out++; continue }
      if (sym === 256) return { final, type, storedLength: 0, tokens: tokens.subarray(0, n), complete: true }
      if (sym > 285) break
      const length = LENGTH_BASE[sym - 257]! + bits.get(LENGTH_EXTRA[sym - 257]!)
      const d = decode(bits, dist)
      if (d > 29) break
      const distance = DIST_BASE[d]! + bits.get(DIST_EXTRA[d]!)
      if (distance > out) break // reaches before the stream's start: malformed
      tokens[n++] = matchToken(length, distance)
      out += length
    }
  } catch {}
  // Out of bytes, out of room, or malformed from here on: the tokens read so far stand.
  return { final, type, storedLength: 0, tokens: tokens.subarray(0, n), complete: false }
}
