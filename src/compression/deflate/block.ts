/**
 * Symbol buffering and block emission as GNU gzip 1.12 does it (trees.c: ct_tally, flush_block, build_bl_tree,
 * scan_tree/send_tree, send_all_trees, compress_block). zlib's trees.c descends from it and writes the same
 * blocks from the same symbols; only when a block ends differs (`FlushRule`).
 */
import { BitWriter } from './bit-writer.js'
import {
  BL_CODES, BL_ORDER, D_CODES, END_BLOCK, EXTRA_BLBITS, EXTRA_DBITS, EXTRA_LBITS, HuffmanBuilder, HuffmanTree,
  L_CODES, LENGTH_CODES, LITERALS, MAX_BITS, MAX_BL_BITS, genCodes, reverseBits, type BlockCost
} from './huffman.js'

/** gzip's literal/distance buffer size: a block is flushed when it holds LIT_BUFSIZE-1 symbols. */
export const LIT_BUFSIZE = 0x8000
export const DIST_BUFSIZE = 0x8000

/** When a block is full: after `maxSymbols` symbols or `maxMatches` matches, and whether gzip's early guess runs. */
export interface FlushRule {
  readonly maxSymbols: number
  readonly maxMatches: number
  /** gzip's guess at levels > 2 (ct_tally): every 4096 symbols, end a block that looks compressible enough. */
  readonly guess: boolean
}

/** GNU gzip's rule at `level`. */
export function gnuGzipFlushRule (level: number): FlushRule {
  return { maxSymbols: LIT_BUFSIZE - 1, maxMatches: DIST_BUFSIZE, guess: level > 2 }
}

const STORED_BLOCK = 0
const STATIC_TREES = 1
const DYN_TREES = 2
const REP_3_6 = 16
const REPZ_3_10 = 17
const REPZ_11_138 = 18

// Mapping tables (ct_init). Length 258 uses code 285, not 284+31.
const LENGTH_CODE = new Uint8Array(256)
const BASE_LENGTH = new Int32Array(LENGTH_CODES)
const DIST_CODE = new Uint8Array(512)
const BASE_DIST = new Int32Array(D_CODES)
const STATIC_LTREE_LEN = new Int32Array(L_CODES + 2)
const STATIC_LTREE_CODE = new Int32Array(L_CODES + 2)
const STATIC_DTREE_LEN = new Int32Array(D_CODES)
const STATIC_DTREE_CODE = new Int32Array(D_CODES)
{
  let length = 0
  let code = 0
  for (code = 0; code < LENGTH_CODES - 1; code++) {
    BASE_LENGTH[code] = length
    for (let n = 0; n < (1 << EXTRA_LBITS[code]!); n++) LENGTH_CODE[length++] = code
  }
  LENGTH_CODE[length - 1] = code
  // gzip leaves this 0 (it sends no extra bits for code 28); the true base lets sendSymbols add a zero
  // without a branch.
  BASE_LENGTH[code] = length - 1
  let dist = 0
  for (code = 0; code < 16; code++) {
    BASE_DIST[code] = dist
    for (let n = 0; n < (1 << EXTRA_DBITS[code]!); n++) DIST_CODE[dist++] = code
  }
  dist >>= 7
  for (; code < D_CODES; code++) {
    BASE_DIST[code] = dist << 7
    for (let n = 0; n < (1 << (EXTRA_DBITS[code]! - 7)); n++) DIST_CODE[256 + dist++] = code
  }
  const blCount = new Int32Array(MAX_BITS + 1)
  let n = 0
  while (n <= 143) { STATIC_LTREE_LEN[n++] = 8; blCount[8]!++ }
  while (n <= 255) { STATIC_LTREE_LEN[n++] = 9; blCount[9]!++ }
  while (n <= 279) { STATIC_LTREE_LEN[n++] = 7; blCount[7]!++ }
  while (n <= 287) { STATIC_LTREE_LEN[n++] = 8; blCount[8]!++ }
  genCodes(STATIC_LTREE_CODE, STATIC_LTREE_LEN, L_CODES + 1, blCount)
  for (n = 0; n < D_CODES; n++) {
    STATIC_DTREE_LEN[n] = 5
    STATIC_DTREE_CODE[n] = reverseBits(n, 5)
  }
}

/** Where the early-flush guess is also worked out, its result unused (see `shouldFlush`). */
const WARM_GUESS_AT = 0x100

/** The most bytes one symbol can take (15+5+15+13 bits), for the room `sendSymbols` reserves. */
const MAX_SYMBOL_BYTES = 6

/** Distance code of (distance - 1) (gzip's d_code macro). */
function dCode (dist: number): number {
  return dist < 256 ? DIST_CODE[dist]! : DIST_CODE[256 + (dist >> 7)]!
}

/**
 * Buffers literals and matches of the current block and writes blocks. One instance per stream.
 */
export class BlockWriter {
  readonly out: BitWriter
  private readonly ltree = new HuffmanTree(L_CODES, MAX_BITS, EXTRA_LBITS, LITERALS + 1, STATIC_LTREE_LEN)
  private readonly dtree = new HuffmanTree(D_CODES, MAX_BITS, EXTRA_DBITS, 0, STATIC_DTREE_LEN)
  private readonly bltree = new HuffmanTree(BL_CODES, MAX_BL_BITS, EXTRA_BLBITS, 0, null)
  private readonly builder = new HuffmanBuilder()
  /** Literal byte or (match length - 3) per symbol (gzip's l_buf). */
  private readonly lBuf = new Uint8Array(LIT_BUFSIZE)
  /** Match distance per symbol, 0 for a literal (replaces gzip's d_buf + flag_buf). */
  private readonly dBuf = new Uint16Array(LIT_BUFSIZE)
  private lastLit = 0
  private lastDist = 0
  private readonly cost: BlockCost = { optLen: 0, staticLen: 0 }
  /** gzip's `level > 2` test in ct_tally enables the early-flush heuristic. */
  private readonly heuristic: boolean
  private readonly maxSymbols: number
  private readonly maxMatches: number
  /**
   * Given each symbol of the first block as it is tallied (its number and its token, first-block.ts's
   * form), until that block is flushed; it may throw to abandon the stream (recipe/gnu-gzip.ts).
   */
  firstBlockCheck: ((index: number, token: number) => void) | undefined

  constructor (rule: FlushRule, out: BitWriter) {
    this.heuristic = rule.guess
    this.maxSymbols = rule.maxSymbols
    this.maxMatches = rule.maxMatches
    this.out = out
    this.initBlock()
  }

  private initBlock (): void {
    this.ltree.freq.fill(0, 0, L_CODES)
    this.dtree.freq.fill(0, 0, D_CODES)
    this.bltree.freq.fill(0, 0, BL_CODES)
    this.ltree.freq[END_BLOCK] = 1
    this.cost.optLen = 0
    this.cost.staticLen = 0
    this.lastLit = 0
    this.lastDist = 0
  }

  /** Record a literal; returns true when the block must be flushed now (ct_tally with dist 0). */
  tallyLiteral (c: number, strstart: number, blockStart: number): boolean {
    this.lBuf[this.lastLit] = c
    this.dBuf[this.lastLit++] = 0
    if (this.firstBlockCheck !== undefined) this.firstBlockCheck(this.lastLit - 1, c)
    this.ltree.freq[c]!++
    return this.shouldFlush(strstart, blockStart)
  }

  /** Record a match of `length` (3..258) at `dist` (1..32506); returns true when the block must be flushed. */
  tallyMatch (dist: number, length: number, strstart: number, blockStart: number): boolean {
    const lc = length - 3
    this.lBuf[this.lastLit] = lc
    this.dBuf[this.lastLit++] = dist
    if (this.firstBlockCheck !== undefined) this.firstBlockCheck(this.lastLit - 1, dist * 256 + lc)
    this.ltree.freq[LENGTH_CODE[lc]! + LITERALS + 1]!++
    this.dtree.freq[dCode(dist - 1)]!++
    this.lastDist++
    return this.shouldFlush(strstart, blockStart)
  }

  private shouldFlush (strstart: number, blockStart: number): boolean {
    const lastLit = this.lastLit
    // gzip's guess at levels > 2: every 4096 symbols, stop the block if it looks compressible enough and
    // matches are rare (an upper bound on the output: 8 bits per symbol plus 5+extra bits per distance).
    // The guess is also worked out, and ignored, at each block's 256th symbol (not the first: V8 records no
    // type feedback in a function's first few calls): V8 then has feedback for it when it compiles the
    // deflate loop, which otherwise bailed out at the first 4096th symbol (#16). Integer shifts, not
    // Math.floor of a division: a halved odd length made the compiled code bail out too.
    if (this.heuristic && ((lastLit & 0xfff) === 0 || lastLit === WARM_GUESS_AT)) {
      let outLength = lastLit * 8
      const inLength = strstart - blockStart
      const dfreq = this.dtree.freq
      for (let d = 0; d < D_CODES; d++) outLength += dfreq[d]! * (5 + EXTRA_DBITS[d]!)
      if (this.lastDist < (lastLit >>> 1) && (outLength >>> 3) < (inLength >>> 1) && lastLit !== WARM_GUESS_AT) {
        return true
      }
    }
    return lastLit === this.maxSymbols || this.lastDist === this.maxMatches
  }

  /**
   * Emit the current block (gzip's flush_block). `window`/`bufStart` locate its input bytes, or bufStart < 0 when
   * they have left the window (no stored block possible then). `storedLen` is the input length of the block.
   * `pad` (gzip --rsyncable's block ends): a block that is not the last and ends inside a byte is followed
   * by an empty stored block, which ends on a byte boundary.
   */
  flushBlock (window: Uint8Array, bufStart: number, storedLen: number, eof: boolean, pad = false): void {
    const cost = this.cost
    const out = this.out
    this.builder.build(this.ltree, cost)
    this.builder.build(this.dtree, cost)
    const maxBlindex = this.buildBlTree()

    let optLenb = (cost.optLen + 3 + 7) >> 3
    const staticLenb = (cost.staticLen + 3 + 7) >> 3
    if (staticLenb <= optLenb) optLenb = staticLenb
    const last = eof ? 1 : 0
    // Written only when set: a store to a field V8 has seen keep one value makes it drop the code that
    // relied on that (the tally functions and the deflate step, at the first block's end).
    if (this.firstBlockCheck !== undefined) this.firstBlockCheck = undefined

    // gzip never writes a "stored file" (seekable() is 0), so the choices are stored block, fixed or dynamic.
    if (storedLen + 4 <= optLenb && bufStart >= 0) {
      out.sendBits((STORED_BLOCK << 1) + last, 3)
      out.windup()
      out.writeShortLE(storedLen & 0xffff)
      out.writeShortLE(~storedLen & 0xffff)
      out.writeBytes(window, bufStart, bufStart + storedLen)
    } else if (staticLenb === optLenb) {
      out.sendBits((STATIC_TREES << 1) + last, 3)
      this.compressBlock(STATIC_LTREE_CODE, STATIC_LTREE_LEN, STATIC_DTREE_CODE, STATIC_DTREE_LEN)
    } else {
      out.sendBits((DYN_TREES << 1) + last, 3)
      this.sendAllTrees(this.ltree.maxCode + 1, this.dtree.maxCode + 1, maxBlindex + 1)
      this.compressBlock(this.ltree.code, this.ltree.len, this.dtree.code, this.dtree.len)
    }
    this.initBlock()
    if (eof) out.windup()
    else if (pad && out.nbits !== 0) {
      out.sendBits(STORED_BLOCK << 1, 3)
      out.windup()
      out.writeShortLE(0)
      out.writeShortLE(0xffff)
    }
  }

  /** Count bit-length code usage of a tree's run-length encoding (gzip's scan_tree). */
  private scanTree (tree: HuffmanTree, maxCode: number): void {
    const len = tree.len
    const blFreq = this.bltree.freq
    let prevlen = -1
    let nextlen = len[0]!
    let count = 0
    let maxCount = 7
    let minCount = 4
    if (nextlen === 0) { maxCount = 138; minCount = 3 }
    len[maxCode + 1] = 0xffff // guard
    for (let n = 0; n <= maxCode; n++) {
      const curlen = nextlen
      nextlen = len[n + 1]!
      if (++count < maxCount && curlen === nextlen) continue
      else if (count < minCount) blFreq[curlen]! += count
      else if (curlen !== 0) {
        if (curlen !== prevlen) blFreq[curlen]!++
        blFreq[REP_3_6]!++
      } else if (count <= 10) blFreq[REPZ_3_10]!++
      else blFreq[REPZ_11_138]!++
      count = 0
      prevlen = curlen
      if (nextlen === 0) { maxCount = 138; minCount = 3 } else if (curlen === nextlen) { maxCount = 6; minCount = 3 } else { maxCount = 7; minCount = 4 }
    }
  }

  /** Write a tree's code lengths run-length encoded with the bit-length codes (gzip's send_tree). */
  private sendTree (tree: HuffmanTree, maxCode: number): void {
    const len = tree.len
    const blCode = this.bltree.code
    const blLen = this.bltree.len
    const out = this.out
    let prevlen = -1
    let nextlen = len[0]!
    let count = 0
    let maxCount = 7
    let minCount = 4
    if (nextlen === 0) { maxCount = 138; minCount = 3 }
    for (let n = 0; n <= maxCode; n++) {
      const curlen = nextlen
      nextlen = len[n + 1]!
      if (++count < maxCount && curlen === nextlen) continue
      else if (count < minCount) {
        do { out.sendBits(blCode[curlen]!, blLen[curlen]!) } while (--count !== 0)
      } else if (curlen !== 0) {
        if (curlen !== prevlen) {
          out.sendBits(blCode[curlen]!, blLen[curlen]!)
          count--
        }
        out.sendBits(blCode[REP_3_6]!, blLen[REP_3_6]!)
        out.sendBits(count - 3, 2)
      } else if (count <= 10) {
        out.sendBits(blCode[REPZ_3_10]!, blLen[REPZ_3_10]!)
        out.sendBits(count - 3, 3)
      } else {
        out.sendBits(blCode[REPZ_11_138]!, blLen[REPZ_11_138]!)
        out.sendBits(count - 11, 7)
      }
      count = 0
      prevlen = curlen
      if (nextlen === 0) { maxCount = 138; minCount = 3 } else if (curlen === nextlen) { maxCount = 6; minCount = 3 } else { maxCount = 7; minCount = 4 }
    }
  }

  /** Build the bit-length tree; returns the index in BL_ORDER of the last length to send (build_bl_tree). */
  private buildBlTree (): number {
    this.scanTree(this.ltree, this.ltree.maxCode)
    this.scanTree(this.dtree, this.dtree.maxCode)
    this.builder.build(this.bltree, this.cost)
    let maxBlindex: number
    // At least 4 bit-length codes are always sent.
    for (maxBlindex = BL_CODES - 1; maxBlindex >= 3; maxBlindex--) {
      if (this.bltree.len[BL_ORDER[maxBlindex]!] !== 0) break
    }
    this.cost.optLen += 3 * (maxBlindex + 1) + 5 + 5 + 4
    return maxBlindex
  }

  private sendAllTrees (lcodes: number, dcodes: number, blcodes: number): void {
    const out = this.out
    out.sendBits(lcodes - 257, 5)
    out.sendBits(dcodes - 1, 5)
    out.sendBits(blcodes - 4, 4)
    for (let rank = 0; rank < blcodes; rank++) out.sendBits(this.bltree.len[BL_ORDER[rank]!]!, 3)
    this.sendTree(this.ltree, lcodes - 1)
    this.sendTree(this.dtree, dcodes - 1)
  }

  /** Write the buffered symbols with the given codes, then END_BLOCK (gzip's compress_block). */
  private compressBlock (lcode: Int32Array, llen: Int32Array, dcode: Int32Array, dlen: Int32Array): void {
    this.sendSymbols(lcode, llen, dcode, dlen)
    this.out.sendBits(lcode[END_BLOCK]!, llen[END_BLOCK]!)
  }

  /**
   * The buffered symbols. Nothing follows the loop, and nothing in it runs only at its ends: the JIT compiles
   * this function while in it (on-stack replacement), and code that had not run yet then made that compiled
   * loop bail out, at the end of every block each time it was entered again (#16). The bit writer's state
   * is kept in locals (up to 15 pending bits, two bytes written at a time) and put back after each symbol,
   * in room reserved for the whole block beforehand.
   */
  private sendSymbols (lcode: Int32Array, llen: Int32Array, dcode: Int32Array, dlen: Int32Array): void {
    const out = this.out
    const lBuf = this.lBuf
    const dBuf = this.dBuf
    const n = this.lastLit
    const buf = out.reserve(n * MAX_SYMBOL_BYTES)
    let pos = out.pos
    let acc = out.acc
    let nbits = out.nbits
    for (let i = 0; i < n; i++) {
      const lc = lBuf[i]!
      const dist = dBuf[i]!
      if (dist === 0) {
        acc |= lcode[lc]! << nbits
        nbits += llen[lc]!
      } else {
        let code = LENGTH_CODE[lc]! + LITERALS + 1
        acc |= lcode[code]! << nbits
        nbits += llen[code]!
        if (nbits >= 16) { buf[pos++] = acc; buf[pos++] = acc >>> 8; acc >>>= 16; nbits -= 16 }
        code -= LITERALS + 1
        // Codes without extra bits are single lengths, so what is added then is 0 (BASE_LENGTH, BASE_DIST).
        acc |= (lc - BASE_LENGTH[code]!) << nbits
        nbits += EXTRA_LBITS[code]!
        const d = dist - 1
        code = dCode(d)
        if (nbits >= 16) { buf[pos++] = acc; buf[pos++] = acc >>> 8; acc >>>= 16; nbits -= 16 }
        acc |= dcode[code]! << nbits
        nbits += dlen[code]!
        if (nbits >= 16) { buf[pos++] = acc; buf[pos++] = acc >>> 8; acc >>>= 16; nbits -= 16 }
        acc |= (d - BASE_DIST[code]!) << nbits
        nbits += EXTRA_DBITS[code]!
      }
      if (nbits >= 16) { buf[pos++] = acc; buf[pos++] = acc >>> 8; acc >>>= 16; nbits -= 16 }
      out.pos = pos
      out.acc = acc
      out.nbits = nbits
    }
  }
}
