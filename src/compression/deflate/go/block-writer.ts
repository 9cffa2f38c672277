/**
 * Block emission as Go's compress/flate does it (huffman_bit_writer.go, Go 1.19), written independently:
 *
 * - writeBlock (levels 2-9): counts symbols (end-of-block included), builds dynamic literal/length and distance
 *   codes (Go's own length-limited construction, limit 15), and picks the smallest of fixed, dynamic and stored.
 *   Ties go to fixed over dynamic and to Huffman over stored (strict "<" comparisons). When the block's input
 *   bytes are still in the window and at most 65535 bytes long, the extra bits of length codes >= 265 and
 *   distance codes >= 4 are added to both Huffman sizes before the comparison with the stored size.
 * - writeBlockDynamic (level 1): dynamic only, unless stored (len + 5) * 8 bits is smaller than size + size/16,
 *   with size the dynamic size WITHOUT extra bits.
 * - writeBlockHuff (level 1's incompressible and small blocks, HuffmanOnly): literals only, 257 literal codes and
 *   one 1-bit distance code, same stored rule as writeBlockDynamic.
 * - The code-length (codegen) sequence runs over the literal and distance lengths as one sequence; repeats use
 *   16 (3-6 of the previous non-zero length, after emitting it once), 18 (11-138 zeros) then 17 (3-10 zeros);
 *   HCLEN is trimmed from 19 down to at least 4 in the usual permuted order; codegen codes are limited to 7 bits.
 * - Stored block header: 3 bits, pad to a byte, LEN, NLEN. Go's 48-bit accumulator produces the same byte stream
 *   as any LSB-first writer, so the shared BitWriter is reused.
 */
import { BitWriter } from '../bit-writer.js'
import { GoHuffmanCode, fixedCode } from './huffman-code.js'

export const NUM_LIT = 286
export const NUM_DIST = 30
const NUM_CODEGEN = 19
const END_BLOCK = 256
const MAX_STORED = 65535

const CODEGEN_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
const LEN_EXTRA = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0])
const LEN_BASE = Uint16Array.from([3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258])
const DIST_EXTRA = Uint8Array.from([0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13])
const DIST_BASE = Uint16Array.from([1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577])

/** Length (3..258) to length code index 0..28. */
export const LENGTH_CODE = new Uint8Array(259)
/** Distance (1..32768) to distance code 0..29. */
export const DIST_CODE = new Uint8Array(32769)
for (let c = 0; c < 29; c++) {
  const end = c === 28 ? 259 : LEN_BASE[c]! + (1 << LEN_EXTRA[c]!)
  for (let l = LEN_BASE[c]!; l < end && l <= 258; l++) LENGTH_CODE[l] = c
}
LENGTH_CODE[258] = 28
for (let c = 0; c < 30; c++) {
  const end = Math.min(32769, DIST_BASE[c]! + (1 << DIST_EXTRA[c]!))
  for (let d = DIST_BASE[c]!; d < end; d++) DIST_CODE[d] = c
}

// The fixed code is canonical over all 288 symbols (286 and 287 exist in the code though never used); building
// it over 286 would shift every 9-bit code by 4.
const FIXED_LIT = fixedCode(Array.from({ length: 288 }, (_, s) => s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8))
const FIXED_DIST = fixedCode(new Array<number>(NUM_DIST).fill(5))
/** Go's distance code for literal-only (Huffman-only) blocks: symbol 0 used once, so a single 1-bit code. */
const HUFF_ONLY_DIST = (() => {
  const c = new GoHuffmanCode(NUM_DIST)
  const f = new Int32Array(NUM_DIST)
  f[0] = 1
  c.generate(f, 15)
  return c
})()

/**
 * Tokens of one block: `len[i]` 0 for a literal (byte in `val[i]`), else a match length 3..258 with its
 * distance 1..32768 in `val[i]`.
 */
export class TokenBuffer {
  readonly len: Uint16Array
  readonly val: Uint16Array
  n = 0
  constructor (capacity: number) {
    this.len = new Uint16Array(capacity)
    this.val = new Uint16Array(capacity)
  }

  literal (b: number): void {
    this.len[this.n] = 0
    this.val[this.n++] = b
  }

  match (length: number, dist: number): void {
    this.len[this.n] = length
    this.val[this.n++] = dist
  }
}

export class GoBlockWriter {
  readonly out: BitWriter
  private readonly litFreq = new Int32Array(NUM_LIT)
  private readonly distFreq = new Int32Array(NUM_DIST)
  private readonly cgFreq = new Int32Array(NUM_CODEGEN)
  private readonly lit = new GoHuffmanCode(NUM_LIT)
  private readonly dist = new GoHuffmanCode(NUM_DIST)
  private readonly cg = new GoHuffmanCode(NUM_CODEGEN)
  /** Codegen symbols; a repeat symbol is followed by its extra-bits value. Terminated by 255. */
  private readonly codegen = new Uint8Array(NUM_LIT + NUM_DIST + 1)
  private numLit = 0
  private numDist = 0

  constructor (out: BitWriter = new BitWriter()) {
    this.out = out
  }

  /** Stored block header: BFINAL, BTYPE 00, pad to a byte, LEN, NLEN. */
  writeStoredHeader (length: number, final: boolean): void {
    this.out.sendBits(final ? 1 : 0, 3)
    this.out.windup()
    this.out.writeShortLE(length)
    this.out.writeShortLE(~length & 0xffff)
  }

  private writeStored (input: Uint8Array, final: boolean): void {
    this.writeStoredHeader(input.length, final)
    this.out.writeBytes(input, 0, input.length)
  }

  /** Count symbols of the tokens plus end-of-block; build both dynamic codes (Go: indexTokens). */
  private countTokens (t: TokenBuffer): void {
    const lf = this.litFreq
    const df = this.distFreq
    lf.fill(0)
    df.fill(0)
    const { len, val } = t
    for (let i = 0; i < t.n; i++) {
      const l = len[i]!
      if (l === 0) lf[val[i]!]!++
      else {
        lf[257 + LENGTH_CODE[l]!]!++
        df[DIST_CODE[val[i]!]!]!++
      }
    }
    lf[END_BLOCK]!++
    let nl = NUM_LIT
    while (lf[nl - 1] === 0) nl--
    let nd = NUM_DIST
    while (nd > 0 && df[nd - 1] === 0) nd--
    if (nd === 0) {
      df[0] = 1
      nd = 1
    }
    this.numLit = nl
    this.numDist = nd
    this.lit.generate(lf, 15)
    this.dist.generate(df, 15)
  }

  /** Run-length code the code lengths of `lit[0..numLit)` followed by `dist[0..numDist)` (Go: generateCodegen). */
  private buildCodegen (lit: GoHuffmanCode, numLit: number, dist: GoHuffmanCode, numDist: number): void {
    const freq = this.cgFreq
    freq.fill(0)
    const total = numLit + numDist
    const lengthAt = (i: number): number => i < numLit ? lit.lens[i]! : dist.lens[i - numLit]!
    const out = this.codegen
    let o = 0
    let i = 0
    while (i < total) {
      const size = lengthAt(i)
      let run = 1
      while (i + run < total && lengthAt(i + run) === size) run++
      i += run
      if (size !== 0) {
        out[o++] = size
        freq[size]!++
        run--
        while (run >= 3) {
          const k = Math.min(6, run)
          out[o++] = 16
          out[o++] = k - 3
          freq[16]!++
          run -= k
        }
      } else {
        while (run >= 11) {
          const k = Math.min(138, run)
          out[o++] = 18
          out[o++] = k - 11
          freq[18]!++
          run -= k
        }
        if (run >= 3) {
          out[o++] = 17
          out[o++] = run - 3
          freq[17]!++
          run = 0
        }
      }
      for (; run > 0; run--) {
        out[o++] = size
        freq[size]!++
      }
    }
    out[o] = 255
    this.cg.generate(freq, 7)
  }

  /** Number of code-length codes sent (HCLEN + 4): trailing unused ones in the permuted order are dropped. */
  private numCodegens (): number {
    let n = NUM_CODEGEN
    while (n > 4 && this.cgFreq[CODEGEN_ORDER[n - 1]!] === 0) n--
    return n
  }

  /** Dynamic block size in bits with the current codegen (Go: dynamicSize). */
  private dynamicSize (lit: GoHuffmanCode, dist: GoHuffmanCode, extraBits: number, numCodegens: number): number {
    const f = this.cgFreq
    const header = 3 + 5 + 5 + 4 + 3 * numCodegens + this.cg.bitLength(f) + f[16]! * 2 + f[17]! * 3 + f[18]! * 7
    return header + lit.bitLength(this.litFreq) + dist.bitLength(this.distFreq) + extraBits
  }

  private writeDynamicHeader (numLit: number, numDist: number, numCodegens: number, final: boolean): void {
    const out = this.out
    out.sendBits(final ? 5 : 4, 3)
    out.sendBits(numLit - 257, 5)
    out.sendBits(numDist - 1, 5)
    out.sendBits(numCodegens - 4, 4)
    const cg = this.cg
    for (let i = 0; i < numCodegens; i++) out.sendBits(cg.lens[CODEGEN_ORDER[i]!]!, 3)
    const seq = this.codegen
    for (let i = 0; ; i++) {
      const sym = seq[i]!
      if (sym === 255) break
      out.sendBits(cg.codes[sym]!, cg.lens[sym]!)
      if (sym === 16) out.sendBits(seq[++i]!, 2)
      else if (sym === 17) out.sendBits(seq[++i]!, 3)
      else if (sym === 18) out.sendBits(seq[++i]!, 7)
    }
  }

  private writeTokens (t: TokenBuffer, lit: GoHuffmanCode, dist: GoHuffmanCode): void {
    const out = this.out
    const lc = lit.codes
    const ll = lit.lens
    const dc = dist.codes
    const dl = dist.lens
    const { len, val } = t
    for (let i = 0; i < t.n; i++) {
      const l = len[i]!
      if (l === 0) {
        const b = val[i]!
        out.sendBits(lc[b]!, ll[b]!)
        continue
      }
      const c = LENGTH_CODE[l]!
      out.sendBits(lc[257 + c]!, ll[257 + c]!)
      const le = LEN_EXTRA[c]!
      if (le > 0) out.sendBits(l - LEN_BASE[c]!, le)
      const d = val[i]!
      const dcode = DIST_CODE[d]!
      out.sendBits(dc[dcode]!, dl[dcode]!)
      const de = DIST_EXTRA[dcode]!
      if (de > 0) out.sendBits(d - DIST_BASE[dcode]!, de)
    }
    out.sendBits(lc[END_BLOCK]!, ll[END_BLOCK]!)
  }

  /**
   * Levels 2-9 (Go: huffmanBitWriter.writeBlock). `input` is the block's bytes when Go still has them in its
   * window, else null (then stored is not an option and extra bits are not counted).
   */
  writeBlock (t: TokenBuffer, final: boolean, input: Uint8Array | null): void {
    this.countTokens(t)
    const numLit = this.numLit
    const numDist = this.numDist
    const storable = input !== null && input.length <= MAX_STORED
    let extraBits = 0
    if (storable) {
      for (let c = 257 + 8; c < numLit; c++) extraBits += this.litFreq[c]! * LEN_EXTRA[c - 257]!
      for (let c = 4; c < numDist; c++) extraBits += this.distFreq[c]! * DIST_EXTRA[c]!
    }
    let size = 3 + FIXED_LIT.bitLength(this.litFreq) + FIXED_DIST.bitLength(this.distFreq) + extraBits
    this.buildCodegen(this.lit, numLit, this.dist, numDist)
    const numCodegens = this.numCodegens()
    const dyn = this.dynamicSize(this.lit, this.dist, extraBits, numCodegens)
    let useDynamic = false
    if (dyn < size) {
      size = dyn
      useDynamic = true
    }
    if (storable && (input.length + 5) * 8 < size) {
      this.writeStored(input, final)
      return
    }
    if (useDynamic) {
      this.writeDynamicHeader(numLit, numDist, numCodegens, final)
      this.writeTokens(t, this.lit, this.dist)
    } else {
      this.out.sendBits(final ? 3 : 2, 3)
      this.writeTokens(t, FIXED_LIT, FIXED_DIST)
    }
  }

  /** Level 1 (Go: writeBlockDynamic). `input` is the whole block's bytes (always <= 65535 here). */
  writeBlockDynamic (t: TokenBuffer, final: boolean, input: Uint8Array): void {
    this.countTokens(t)
    this.buildCodegen(this.lit, this.numLit, this.dist, this.numDist)
    const numCodegens = this.numCodegens()
    const size = this.dynamicSize(this.lit, this.dist, 0, numCodegens)
    if (input.length <= MAX_STORED && (input.length + 5) * 8 < size + (size >> 4)) {
      this.writeStored(input, final)
      return
    }
    this.writeDynamicHeader(this.numLit, this.numDist, numCodegens, final)
    this.writeTokens(t, this.lit, this.dist)
  }

  /** Literal-only block over `input` (Go: writeBlockHuff). */
  writeBlockHuff (final: boolean, input: Uint8Array): void {
    const lf = this.litFreq
    lf.fill(0)
    for (let i = 0; i < input.length; i++) lf[input[i]!]!++
    lf[END_BLOCK] = 1
    // Go sets only distance symbol 0's count here; other counts may be stale but have no code, so cost nothing.
    this.distFreq.fill(0)
    this.distFreq[0] = 1
    this.lit.generate(lf, 15)
    this.buildCodegen(this.lit, 257, HUFF_ONLY_DIST, 1)
    const numCodegens = this.numCodegens()
    const size = this.dynamicSize(this.lit, HUFF_ONLY_DIST, 0, numCodegens)
    if (input.length <= MAX_STORED && (input.length + 5) * 8 < size + (size >> 4)) {
      this.writeStored(input, final)
      return
    }
    this.writeDynamicHeader(257, 1, numCodegens, final)
    const out = this.out
    const lc = this.lit.codes
    const ll = this.lit.lens
    for (let i = 0; i < input.length; i++) {
      const b = input[i]!
      out.sendBits(lc[b]!, ll[b]!)
    }
    out.sendBits(lc[END_BLOCK]!, ll[END_BLOCK]!)
  }

  /** Go's Close: an empty final stored block, then byte alignment. */
  writeFinalEmptyStored (): void {
    this.writeStoredHeader(0, true)
  }
}
