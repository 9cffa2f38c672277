/**
 * Streaming bzip2 decompressor (format as written by bzip2 0.9.5 .. 1.0.8; concatenated streams accepted).
 * Memory is bounded by the block size: compressed input is buffered only up to the largest possible
 * compressed block ahead of the read position.
 */
import { InvalidArgumentError, TruncatedArchiveError, UnsupportedFormatError } from '../../errors.js'
import { CRC_INIT, combineCrc, crcUpdate } from './crc.js'

/**
 * Corrupt compressed data. A dedicated class (proposed: `CorruptCompressedDataError`, code
 * `ERR_CORRUPT_COMPRESSED`) would fit better; until it exists in src/errors.ts this is an InvalidArgumentError
 * with `details.format = 'bzip2'` and `details.reason`.
 */
function corrupt (reason: string, bitPos: number): InvalidArgumentError {
  return new InvalidArgumentError(`corrupt bzip2 data: ${reason}`, { format: 'bzip2', reason, compressedOffset: Math.floor(bitPos / 8) })
}

class NeedInput extends Error {}

/** Largest compressed block we buffer ahead for (900k symbols x 20 bits, plus tables), bytes. */
const MAX_BLOCK_BYTES = 2_300_000 + 4096

class BitReader {
  buf = new Uint8Array(0)
  bitPos = 0 // absolute position within buf
  base = 0 // bytes discarded before buf[0] (for error offsets)
  eof = false

  /** Drop consumed bytes and append new chunks (one copy per refill). */
  append (chunks: Uint8Array[]): void {
    const keepFrom = this.bitPos >> 3
    const rest = this.buf.length - keepFrom
    let total = rest
    for (const c of chunks) total += c.length
    const nb = new Uint8Array(total)
    nb.set(this.buf.subarray(keepFrom))
    let o = rest
    for (const c of chunks) { nb.set(c, o); o += c.length }
    this.buf = nb
    this.base += keepFrom
    this.bitPos -= keepFrom * 8
  }

  bitsLeft (): number { return this.buf.length * 8 - this.bitPos }
  absBit (): number { return this.base * 8 + this.bitPos }

  read (n: number): number {
    if (this.bitsLeft() < n) throw new NeedInput()
    let v = 0
    for (let i = 0; i < n; i++) {
      const p = this.bitPos++
      v = (v << 1) | ((this.buf[p >> 3]! >> (7 - (p & 7))) & 1)
    }
    return v >>> 0
  }

  bit (): number {
    const p = this.bitPos
    if (p >= this.buf.length * 8) throw new NeedInput()
    this.bitPos = p + 1
    return (this.buf[p >> 3]! >> (7 - (p & 7))) & 1
  }
}

interface DecodedBlock { data: Uint8Array, crc: number }

function decodeBlock (br: BitReader, maxBlock: number, ll: Uint8Array, tt: Uint32Array): DecodedBlock {
  const storedCrc = br.read(32)
  if (br.bit() !== 0) throw corrupt('randomised blocks (bzip2 < 0.9.5) are not supported', br.absBit())
  const origPtr = br.read(24)

  // Symbol map.
  const ranges = br.read(16)
  const seqToByte = new Uint8Array(256)
  let nInUse = 0
  for (let r = 0; r < 16; r++) {
    if ((ranges & (0x8000 >>> r)) === 0) continue
    const bits = br.read(16)
    for (let c = 0; c < 16; c++) if ((bits & (0x8000 >>> c)) !== 0) seqToByte[nInUse++] = r * 16 + c
  }
  if (nInUse === 0) throw corrupt('no symbols in use', br.absBit())
  const alphaSize = nInUse + 2

  const nGroups = br.read(3)
  if (nGroups < 2 || nGroups > 6) throw corrupt(`bad number of Huffman tables ${nGroups}`, br.absBit())
  const nSelectors = br.read(15)
  if (nSelectors < 1) throw corrupt('no selectors', br.absBit())
  const keptSelectors = Math.min(nSelectors, 18002) // bzip2 1.0.8 reads and ignores selectors past its maximum
  const selectors = new Uint8Array(keptSelectors)
  const mtf = [0, 1, 2, 3, 4, 5]
  for (let i = 0; i < nSelectors; i++) {
    let j = 0
    while (br.bit() === 1) {
      j++
      if (j >= nGroups) throw corrupt('bad selector', br.absBit())
    }
    if (i < keptSelectors) {
      const v = mtf[j]!
      mtf.splice(j, 1)
      mtf.unshift(v)
      selectors[i] = v
    }
  }

  // Code lengths and canonical decoding tables (limit/base/perm per table).
  const limit: Int32Array[] = []
  const baseArr: Int32Array[] = []
  const perm: Int32Array[] = []
  const minLens: number[] = []
  for (let t = 0; t < nGroups; t++) {
    const lens = new Uint8Array(alphaSize)
    let cur = br.read(5)
    for (let i = 0; i < alphaSize; i++) {
      for (;;) {
        if (cur < 1 || cur > 20) throw corrupt('bad code length', br.absBit())
        if (br.bit() === 0) break
        cur += br.bit() === 0 ? 1 : -1
      }
      lens[i] = cur
    }
    let minLen = 32; let maxLen = 0
    for (const l of lens) { if (l < minLen) minLen = l; if (l > maxLen) maxLen = l }
    const p = new Int32Array(alphaSize)
    let k = 0
    for (let l = minLen; l <= maxLen; l++) for (let s = 0; s < alphaSize; s++) if (lens[s] === l) p[k++] = s
    // limit[l] = largest code of length l (or -1); base[l] = index in perm of the first code of length l minus that code.
    const lim = new Int32Array(22).fill(-1)
    const bas = new Int32Array(22)
    let code = 0; let idx = 0
    for (let l = minLen; l <= maxLen; l++) {
      let count = 0
      for (let s = 0; s < alphaSize; s++) if (lens[s] === l) count++
      bas[l] = idx - code
      code += count
      idx += count
      lim[l] = code - 1
      code <<= 1
    }
    limit.push(lim); baseArr.push(bas); perm.push(p); minLens.push(minLen)
  }

  // Huffman symbols -> MTF / RUNA-RUNB -> block bytes in ll (the BWT last column).
  const eob = nInUse + 1
  const list = new Uint8Array(256)
  for (let i = 0; i < 256; i++) list[i] = i
  const counts = new Int32Array(256)
  let n = 0
  let group = -1
  let left = 0
  let runLen = 0
  let runBit = 1
  let lim = limit[0]!; let bas = baseArr[0]!; let prm = perm[0]!; let minLen = 1
  for (;;) {
    if (left === 0) {
      group++
      if (group >= keptSelectors) throw corrupt('more symbols than selectors', br.absBit())
      const t = selectors[group]!
      lim = limit[t]!; bas = baseArr[t]!; prm = perm[t]!; minLen = minLens[t]!
      left = 50
    }
    left--
    let l = minLen
    let v = br.read(l)
    while (v > lim[l]!) {
      l++
      if (l > 20) throw corrupt('bad Huffman code', br.absBit())
      v = (v << 1) | br.bit()
    }
    const sym = prm[bas[l]! + v]!
    if (sym <= 1) { // RUNA / RUNB: bijective base-2 digits of a run of the front symbol
      runLen += runBit << sym
      runBit <<= 1
      if (runLen > maxBlock) throw corrupt('run exceeds block size', br.absBit())
      continue
    }
    if (runLen > 0) {
      if (n + runLen > maxBlock) throw corrupt('block exceeds declared size', br.absBit())
      const b = seqToByte[list[0]!]!
      counts[b]! += runLen
      ll.fill(b, n, n + runLen)
      n += runLen
      runLen = 0
      runBit = 1
    }
    if (sym === eob) break
    if (n >= maxBlock) throw corrupt('block exceeds declared size', br.absBit())
    const pos = sym - 1
    const s = list[pos]!
    list.copyWithin(1, 0, pos)
    list[0] = s
    const b = seqToByte[s]!
    counts[b]!++
    ll[n++] = b
  }
  if (origPtr >= n) throw corrupt('origPtr out of range', br.absBit())

  // Inverse BWT: tt[] links each position of the first column to the next one.
  const start = new Int32Array(256)
  for (let c = 0, sum = 0; c < 256; c++) { start[c] = sum; sum += counts[c]! }
  for (let i = 0; i < n; i++) tt[start[ll[i]!]!++] = i
  // Undo RLE1 while walking, computing the block CRC.
  let out = new Uint8Array(n + (n >> 3) + 256) // grows when runs expand (up to 259 bytes per 5)
  let o = 0
  let crc = CRC_INIT
  let p = tt[origPtr]!
  let last = -1
  let same = 0
  for (let i = 0; i < n; i++) {
    const b = ll[p]!
    p = tt[p]!
    if (o + 256 > out.length) { const g = new Uint8Array(out.length * 2); g.set(out.subarray(0, o)); out = g }
    if (same === 4) {
      for (let r = 0; r < b; r++) { out[o++] = last; crc = crcUpdate(crc, last) }
      same = 0
      last = -1
      continue
    }
    out[o++] = b
    crc = crcUpdate(crc, b)
    if (b === last) same++
    else { same = 1; last = b }
  }
  crc = (~crc) >>> 0
  if (crc !== storedCrc) throw corrupt(`block CRC mismatch (stored ${storedCrc.toString(16)}, computed ${crc.toString(16)})`, br.absBit())
  return { data: out.subarray(0, o), crc }
}

/** Decompress a bzip2 stream (or several concatenated), yielding each block's bytes. */
export async function * bzip2Decompress (input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const br = new BitReader()
  const it = (Symbol.asyncIterator in input ? input[Symbol.asyncIterator]() : (input as Iterable<Uint8Array>)[Symbol.iterator]()) as AsyncIterator<Uint8Array> | Iterator<Uint8Array>
  const fill = async (bits: number): Promise<void> => {
    const chunks: Uint8Array[] = []
    let have = br.bitsLeft()
    while (!br.eof && have < bits) {
      const r = await it.next()
      if (r.done === true) { br.eof = true; break }
      if (!(r.value instanceof Uint8Array)) throw new InvalidArgumentError('bzip2Decompress: input chunks must be Uint8Array')
      if (r.value.length > 0) { chunks.push(r.value); have += r.value.length * 8 }
    }
    if (chunks.length > 0) br.append(chunks)
  }
  const truncated = (): TruncatedArchiveError =>
    new TruncatedArchiveError('bzip2 stream ended early', { format: 'bzip2', compressedOffset: Math.floor(br.absBit() / 8) })

  let streams = 0
  for (;;) {
    await fill(32)
    if (br.bitsLeft() === 0 && streams > 0) return
    if (br.bitsLeft() < 32) {
      if (streams === 0) throw br.bitsLeft() === 0 ? new UnsupportedFormatError('not bzip2 data: input is empty') : truncated()
      throw new UnsupportedFormatError('trailing bytes after bzip2 stream', { compressedOffset: br.base + (br.bitPos >> 3) })
    }
    const magic = br.read(24)
    const level = br.read(8) - 0x30
    if (magic !== 0x425a68 || level < 1 || level > 9) {
      throw new UnsupportedFormatError(streams === 0 ? 'not bzip2 data (no "BZh1".."BZh9" header)' : 'trailing bytes after bzip2 stream',
        { compressedOffset: br.base + (br.bitPos >> 3) - 4 })
    }
    streams++
    const maxBlock = 100000 * level
    const ll = new Uint8Array(maxBlock)
    const tt = new Uint32Array(maxBlock)
    let combined = 0
    for (;;) {
      await fill(MAX_BLOCK_BYTES * 8)
      const startBit = br.bitPos
      let block: DecodedBlock | undefined
      let endCrc = -1
      try {
        const hi = br.read(24); const lo = br.read(24)
        if (hi === 0x314159 && lo === 0x265359) block = decodeBlock(br, maxBlock, ll, tt)
        else if (hi === 0x177245 && lo === 0x385090) endCrc = br.read(32)
        else throw corrupt('bad block magic', br.absBit())
      } catch (e) {
        if (e instanceof NeedInput) { br.bitPos = startBit; throw truncated() }
        throw e
      }
      if (block !== undefined) {
        combined = combineCrc(combined, block.crc)
        if (block.data.length > 0) yield block.data
        continue
      }
      if (endCrc !== combined) throw corrupt('stream CRC mismatch', br.absBit())
      br.bitPos = (br.bitPos + 7) & ~7 // streams end on a byte boundary
      break
    }
  }
}
