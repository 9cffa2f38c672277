/**
 * A raw deflate encoder whose output is byte-identical to Go's compress/flate (Go 1.19, as shipped by Debian
 * bookworm's golang-go) for levels 1-9, DefaultCompression (-1 = 6), NoCompression (0) and HuffmanOnly (-2),
 * as written through `gzip.NewWriterLevel(w, level); io.Copy(gz, file); gz.Close()`.
 *
 * Written from Go's documented/observed behaviour (compress/flate deflate.go), not copied:
 *
 * - Write boundaries matter for levels 2-9. Go's compressor keeps a 64 KiB window and, on each Write, loops
 *   "process what it can, then copy as much input as fits". Processing stops while fewer than 262 bytes
 *   (4 + 258) are buffered ahead of the cursor, and the window is slid by 32 KiB only when the cursor has
 *   reached 65536 - 262 at the moment new input is copied in. After a slide, positions before the new window
 *   start can no longer be matched, and a block whose start was slid out can no longer be stored verbatim.
 *   So which bytes are reachable depends on when Writes arrive. This class therefore re-chunks the caller's
 *   input into Writes of `writeSize` bytes (default 32768: io.Copy's buffer reading a regular file; the last
 *   Write is the remainder) so that output does not depend on how the caller chunks its data.
 *   Level 1, 0 and -2 fill a 65535-byte buffer first and are independent of Write sizes.
 * - Levels 2-9: hash of 4 bytes (big-endian 32-bit * 0x1e35a7bd, top 17 bits) into 2^17 chains over a
 *   32 KiB window; minimum match 4, and a 4-byte match only within 4096 bytes; Go's per-level table
 *   (good, lazy, nice, chain, fastSkipHashing):
 *     2: 4,0,16,8,5   3: 4,0,32,32,6   4: 4,4,16,16,-   5: 8,16,32,32,-   6: 8,16,128,128,-
 *     7: 8,32,128,256,-   8: 32,128,258,1024,-   9: 32,258,258,4096,-
 *   Levels 2-3 take the first match greedily (hashing each position inside matches of length <= 5/6, skipping
 *   the hashing of longer ones); levels 4-9 do lazy evaluation (look again one byte later unless the previous
 *   match reached `lazy`). The chain walk always starts with "current best = 3", so `good` never shortens it.
 *   Near the end of the stream, positions with fewer than 4 bytes left are not hashed and the previous chain
 *   head is reused for them, as Go does.
 * - A block is cut at 16384 tokens (maxFlateBlockTokens) and at Close; at Close Go appends an empty final stored
 *   block (0x01 0x00 0x00 0xff 0xff after alignment) rather than flagging the last data block final.
 * - Level 1: 65535-byte blocks through the Snappy-like matcher (best-speed.ts); a block whose tokens are more
 *   than 15/16 of its bytes is sent literal-only (writeBlockHuff); at Close, a remainder of 1-16 bytes is stored
 *   and of 17-127 bytes sent literal-only.
 */
import { GoBlockWriter, TokenBuffer } from './block-writer.js'
import { BestSpeedMatcher } from './best-speed.js'

const WINDOW = 1 << 15
const WINDOW_MASK = WINDOW - 1
const MIN_MATCH = 4
const MAX_MATCH = 258
const MIN_LOOKAHEAD = MIN_MATCH + MAX_MATCH
const MAX_BLOCK_TOKENS = 1 << 14
const MAX_STORE = 65535
const HASH_BITS = 17
const HASH_SIZE = 1 << HASH_BITS
const MAX_HASH_OFFSET = 1 << 24
const SKIP_NEVER = 0x7fffffff
const NOT_IN_WINDOW = 0x7fffffff

/** Go's compressionLevel table: good, lazy, nice, chain, fastSkipHashing. */
const LEVELS: ReadonlyArray<readonly [number, number, number, number, number]> = [
  [0, 0, 0, 0, 0],
  [0, 0, 0, 0, 0],
  [4, 0, 16, 8, 5],
  [4, 0, 32, 32, 6],
  [4, 4, 16, 16, SKIP_NEVER],
  [8, 16, 32, 32, SKIP_NEVER],
  [8, 16, 128, 128, SKIP_NEVER],
  [8, 32, 128, 256, SKIP_NEVER],
  [32, 128, 258, 1024, SKIP_NEVER],
  [32, 258, 258, 4096, SKIP_NEVER]
]

export interface GoFlateOptions {
  /**
   * Size of the Writes Go's compressor is assumed to receive (default 32768, io.Copy from a regular file).
   * 0: use the caller's `write` calls as Go's Writes, unchanged.
   */
  writeSize?: number
}

/** Engine interface for the four Go modes. `write` consumes all of `b`. */
interface Engine {
  write: (b: Uint8Array) => void
  close: () => void
}

/** Levels 2-9 (Go: compressor with fillDeflate/deflate). */
class LazyEngine implements Engine {
  private readonly good: number
  private readonly lazy: number
  private readonly nice: number
  private readonly chain: number
  private readonly fastSkip: number
  private readonly window = new Uint8Array(2 * WINDOW)
  private readonly head = new Uint32Array(HASH_SIZE)
  private readonly prev = new Uint32Array(WINDOW)
  private hashOffset = 1
  private chainHead = -1
  private index = 0
  private windowEnd = 0
  private blockStart = 0
  private byteAvailable = false
  private length = MIN_MATCH - 1
  private offset = 0
  private maxInsertIndex = 0
  private readonly tokens = new TokenBuffer(MAX_BLOCK_TOKENS + 1)

  constructor (level: number, private readonly bw: GoBlockWriter) {
    const p = LEVELS[level]!
    this.good = p[0]
    this.lazy = p[1]
    this.nice = p[2]
    this.chain = p[3]
    this.fastSkip = p[4]
  }

  write (b: Uint8Array): void {
    let at = 0
    while (at < b.length) {
      this.step(false)
      at += this.fill(b, at)
    }
  }

  close (): void {
    this.step(true)
  }

  /** Copy input into the window, first sliding it by 32 KiB if the cursor is near the end (Go: fillDeflate). */
  private fill (b: Uint8Array, at: number): number {
    const w = this.window
    if (this.index >= 2 * WINDOW - MIN_LOOKAHEAD) {
      w.copyWithin(0, WINDOW, 2 * WINDOW)
      this.index -= WINDOW
      this.windowEnd -= WINDOW
      this.blockStart = this.blockStart >= WINDOW ? this.blockStart - WINDOW : NOT_IN_WINDOW
      this.hashOffset += WINDOW
      if (this.hashOffset > MAX_HASH_OFFSET) {
        const delta = this.hashOffset - 1
        this.hashOffset -= delta
        this.chainHead -= delta
        for (const t of [this.prev, this.head]) {
          for (let i = 0; i < t.length; i++) {
            const v = t[i]!
            t[i] = v > delta ? v - delta : 0
          }
        }
      }
    }
    const n = Math.min(b.length - at, w.length - this.windowEnd)
    w.set(b.subarray(at, at + n), this.windowEnd)
    this.windowEnd += n
    return n
  }

  private hashAt (i: number): number {
    const w = this.window
    const v = (w[i]! << 24) | (w[i + 1]! << 16) | (w[i + 2]! << 8) | w[i + 3]!
    return Math.imul(v, 0x1e35a7bd) >>> (32 - HASH_BITS)
  }

  private insert (i: number): void {
    const h = this.hashAt(i)
    this.prev[i & WINDOW_MASK] = this.head[h]!
    this.head[h] = i + this.hashOffset
  }

  private flushBlock (end: number): void {
    if (end > 0) {
      const input = this.blockStart <= end ? this.window.subarray(this.blockStart, end) : null
      this.blockStart = end
      this.bw.writeBlock(this.tokens, false, input)
    }
    this.tokens.n = 0
  }

  /** Result of the last findMatch. */
  private foundLength = 0
  private foundOffset = 0

  /**
   * Longest match at `pos` from the chain starting at `start`, longer than 3 (Go: findMatch). Sets
   * this.foundLength/foundOffset; returns whether one was found. The walk stops after `chain` candidates, at
   * the first match of length >= nice, or when the chain leaves the 32 KiB window or reaches position 0.
   */
  private findMatch (pos: number, start: number, lookahead: number): boolean {
    const w = this.window
    const prev = this.prev
    const hashOffset = this.hashOffset
    const maxLook = lookahead < MAX_MATCH ? lookahead : MAX_MATCH
    const nice = this.nice < maxLook ? this.nice : maxLook
    let best = MIN_MATCH - 1
    let tries = this.chain
    if (best >= this.good) tries >>= 2
    let bestOffset = 0
    let found = false
    let endByte = w[pos + best]!
    const minIndex = pos - WINDOW
    for (let i = start; tries > 0; tries--) {
      if (w[i + best] === endByte) {
        let n = 0
        while (n < maxLook && w[i + n] === w[pos + n]) n++
        if (n > best && (n > MIN_MATCH || pos - i <= 4096)) {
          best = n
          bestOffset = pos - i
          found = true
          if (n >= nice) break
          endByte = w[pos + n]!
        }
      }
      if (i === minIndex) break
      i = prev[i & WINDOW_MASK]! - hashOffset
      if (i < minIndex || i < 0) break
    }
    this.foundLength = best
    this.foundOffset = bestOffset
    return found
  }

  /** Go: deflate(). Tokenize while enough lookahead is buffered (or everything, when `sync`). */
  private step (sync: boolean): void {
    if (this.windowEnd - this.index < MIN_LOOKAHEAD && !sync) return
    const w = this.window
    const tokens = this.tokens
    const fast = this.fastSkip !== SKIP_NEVER
    this.maxInsertIndex = this.windowEnd - (MIN_MATCH - 1)
    for (;;) {
      const lookahead = this.windowEnd - this.index
      if (lookahead < MIN_LOOKAHEAD) {
        if (!sync) break
        if (lookahead === 0) {
          if (this.byteAvailable) {
            tokens.literal(w[this.index - 1]!)
            this.byteAvailable = false
          }
          if (tokens.n > 0) this.flushBlock(this.index)
          break
        }
      }
      const index = this.index
      if (index < this.maxInsertIndex) {
        const h = this.hashAt(index)
        this.chainHead = this.head[h]!
        this.prev[index & WINDOW_MASK] = this.chainHead
        this.head[h] = index + this.hashOffset
      }
      const prevLength = this.length
      const prevOffset = this.offset
      this.length = MIN_MATCH - 1
      this.offset = 0
      const minIndex = index - WINDOW > 0 ? index - WINDOW : 0
      const headPos = this.chainHead - this.hashOffset
      if (headPos >= minIndex &&
        (fast ? lookahead > MIN_MATCH - 1 : lookahead > prevLength && prevLength < this.lazy)) {
        if (this.findMatch(index, headPos, lookahead)) {
          this.length = this.foundLength
          this.offset = this.foundOffset
        }
      }
      if (fast ? this.length >= MIN_MATCH : prevLength >= MIN_MATCH && this.length <= prevLength) {
        if (fast) tokens.match(this.length, this.offset)
        else tokens.match(prevLength, prevOffset)
        if (this.length <= this.fastSkip) {
          // Hash every position covered by the match (for lazy levels the match began one byte back).
          const newIndex = fast ? index + this.length : index + prevLength - 1
          const limit = this.maxInsertIndex
          let i = index + 1
          for (; i < newIndex; i++) if (i < limit) this.insert(i)
          this.index = i
          if (!fast) {
            this.byteAvailable = false
            this.length = MIN_MATCH - 1
          }
        } else {
          // Levels 2-3, match longer than fastSkipHashing: its positions are not hashed.
          this.index = index + this.length
        }
        if (tokens.n === MAX_BLOCK_TOKENS) this.flushBlock(this.index)
      } else {
        if (fast || this.byteAvailable) {
          const i = fast ? index : index - 1
          tokens.literal(w[i]!)
          if (tokens.n === MAX_BLOCK_TOKENS) this.flushBlock(i + 1)
        }
        this.index = index + 1
        if (!fast) this.byteAvailable = true
      }
    }
  }
}

/**
 * Go's fillStore: input fills a 65535-byte window, which is encoded and emptied whenever it is full
 * (and once more at the end). Levels 0, 1 and -2 differ only in how they encode a full window.
 */
abstract class StoreWindowEngine implements Engine {
  protected readonly window = new Uint8Array(MAX_STORE)
  protected windowEnd = 0

  write (b: Uint8Array): void {
    let at = 0
    while (at < b.length) {
      this.step(false)
      const n = Math.min(b.length - at, MAX_STORE - this.windowEnd)
      this.window.set(b.subarray(at, at + n), this.windowEnd)
      this.windowEnd += n
      at += n
    }
  }

  close (): void {
    this.step(true)
  }

  /** Encodes the window when it is full, or when `sync` (end of input) and it holds anything. */
  protected abstract step (sync: boolean): void
}

/** Level 1 (Go: fillStore + encSpeed with deflateFast). */
class BestSpeedEngine extends StoreWindowEngine {
  private readonly matcher = new BestSpeedMatcher()
  private readonly tokens = new TokenBuffer(MAX_STORE + 1)

  constructor (private readonly bw: GoBlockWriter) { super() }


  protected step (sync: boolean): void {
    const end = this.windowEnd
    const input = this.window.subarray(0, end)
    if (end < MAX_STORE) {
      if (!sync) return
      if (end < 128) {
        if (end === 0) return
        if (end <= 16) {
          this.bw.writeStoredHeader(end, false)
          this.bw.out.writeBytes(input, 0, end)
        } else {
          this.bw.writeBlockHuff(false, input)
        }
        this.windowEnd = 0
        this.matcher.reset()
        return
      }
    }
    this.tokens.n = 0
    this.matcher.encode(this.tokens, this.window, end)
    if (this.tokens.n > end - (end >> 4)) this.bw.writeBlockHuff(false, input)
    else this.bw.writeBlockDynamic(this.tokens, false, input)
    this.windowEnd = 0
  }
}

/** Level 0 (stored blocks of 65535) and -2 (literal-only blocks of 65535), Go: fillStore + store/storeHuff. */
class StoreEngine extends StoreWindowEngine {
  constructor (private readonly bw: GoBlockWriter, private readonly huff: boolean) { super() }


  protected step (sync: boolean): void {
    const end = this.windowEnd
    if (end === 0 || (end < MAX_STORE && !sync)) return
    const input = this.window.subarray(0, end)
    if (this.huff) this.bw.writeBlockHuff(false, input)
    else {
      this.bw.writeStoredHeader(end, false)
      this.bw.out.writeBytes(input, 0, end)
    }
    this.windowEnd = 0
  }
}

/**
 * Streaming Go-compatible raw deflate. `write` and `end` return the compressed bytes produced so far.
 */
export class GoFlateDeflater {
  readonly level: number
  private readonly bw = new GoBlockWriter()
  private readonly engine: Engine
  private readonly writeSize: number
  private readonly pending: Uint8Array
  private pendingLen = 0
  private ended = false

  constructor (level: number, options: GoFlateOptions = {}) {
    if (!Number.isInteger(level) || level < -2 || level > 9) {
      throw new RangeError(`go flate: invalid compression level ${level}: want value in range [-2, 9]`)
    }
    const writeSize = options.writeSize ?? 32768
    if (!Number.isInteger(writeSize) || writeSize < 0) throw new RangeError(`go flate: invalid writeSize ${writeSize}`)
    this.writeSize = writeSize
    this.pending = new Uint8Array(writeSize)
    this.level = level === -1 ? 6 : level
    if (this.level === 0) this.engine = new StoreEngine(this.bw, false)
    else if (this.level === -2) this.engine = new StoreEngine(this.bw, true)
    else if (this.level === 1) this.engine = new BestSpeedEngine(this.bw)
    else this.engine = new LazyEngine(this.level, this.bw)
  }

  private drain (): Uint8Array[] {
    return this.bw.out.pending > 0 ? [this.bw.out.take()] : []
  }

  write (bytes: Uint8Array): Uint8Array[] {
    if (this.ended) throw new Error('go flate: write after end')
    const size = this.writeSize
    if (size === 0) {
      if (bytes.length > 0) this.engine.write(bytes)
      return this.drain()
    }
    let at = 0
    while (at < bytes.length) {
      if (this.pendingLen === 0 && bytes.length - at >= size) {
        this.engine.write(bytes.subarray(at, at + size))
        at += size
        continue
      }
      const n = Math.min(size - this.pendingLen, bytes.length - at)
      this.pending.set(bytes.subarray(at, at + n), this.pendingLen)
      this.pendingLen += n
      at += n
      if (this.pendingLen === size) {
        this.engine.write(this.pending)
        this.pendingLen = 0
      }
    }
    return this.drain()
  }

  end (): Uint8Array[] {
    if (this.ended) return []
    this.ended = true
    if (this.pendingLen > 0) {
      this.engine.write(this.pending.subarray(0, this.pendingLen))
      this.pendingLen = 0
    }
    this.engine.close()
    this.bw.writeFinalEmptyStored()
    return this.drain()
  }
}

/** One-shot Go-compatible raw deflate of `bytes` (as `io.Copy` from a file into a gzip/flate writer). */
export function goFlateDeflateSync (bytes: Uint8Array, level: number, options: GoFlateOptions = {}): Uint8Array {
  const d = new GoFlateDeflater(level, options)
  const parts = [...d.write(bytes), ...d.end()]
  if (parts.length === 1) return parts[0]!
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}
