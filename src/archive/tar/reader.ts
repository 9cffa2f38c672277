/**
 * A streaming tar reader that accounts for every input byte. It emits header bytes, extension records,
 * padding and end-of-archive blocks as 'raw' parts and member contents as 'data' parts, so that the parts
 * concatenate back to the input exactly (what vbatts/tar-split calls segments and payloads). Only header
 * blocks and extension records (bounded by the limits) are ever held; member data streams through as
 * subarrays of the input chunks.
 */

import { cleanPath, copyBytes, displayPath, EMPTY } from './bytes.js'
import { classifyBlock } from './checksum.js'
import { identifyFormat, looksLikeText, notTarMessage } from '../detect-format.js'
import {
  BLOCK_SIZE, SPARSE_EXT_ISEXTENDED_OFFSET, TYPEFLAG_OFFSET, TYPE_GNU_LONGLINK, TYPE_GNU_LONGNAME,
  TYPE_GNU_SPARSE, TYPE_PAX_GLOBAL, TYPE_PAX_LOCAL, TYPE_SOLARIS_PAX
} from './constants.js'
import { entryTypeOf, isDeviceType, isLinkType, storedDataSize } from './entry-type.js'
import { decodeGnuTimes, decodeHeader, decodeSize, type HeaderFields } from './header.js'
import { decodeLongName } from './long-name.js'
import { lastOfEachKey, parsePaxDecimal, parsePaxRecords, parsePaxTime, type PaxRecord } from './pax.js'
import type { TarMember, TarPart } from './types.js'
import {
  HeaderChecksumError, HeaderFieldError, InvalidArgumentError, LimitExceededError, TruncatedArchiveError,
  NotAnArchiveError, UnsupportedFormatError
} from '../../errors.js'
import { resolveLimits, type Limits } from '../../limits.js'

export type { EntryType, TarFlavor, TarMember, TarPart } from './types.js'

// What the next input byte belongs to.
const S_HEADER = 0 // a header block (main, extension, or the end-of-archive zero block)
const S_SPARSE_EXT = 1 // an old-GNU sparse extension block
const S_EXT_DATA = 2 // the data of an 'x', 'g', 'L' or 'K' record
const S_DATA = 3 // member data
const S_PADDING = 4 // zero padding up to the next 512-byte boundary
const S_TRAILER = 5 // after the end of the archive: everything is raw

/** Extension records: 'x' (also Solaris 'X'), 'g', GNU 'L' and 'K'. */
type ExtensionKind = 'x' | 'g' | 'L' | 'K'

const GNU_SPARSE_PREFIX = 'GNU.sparse.'

function paddingOf (size: number): number {
  const r = size % BLOCK_SIZE
  return r === 0 ? 0 : BLOCK_SIZE - r
}

/** Options of {@link TarReader}. */
export interface TarReaderOptions {
  /** Overrides of the default limits (maxPaxHeaderBytes, maxLongNameBytes, maxSparseExtensionBlocks, maxEntries). */
  limits?: Partial<Limits>
}

/**
 * Push-style tar reader. Feed chunks of any size with {@link TarReader.push}, then call
 * {@link TarReader.end}; each returns the parts its bytes completed, in order.
 *
 * Guarantees: the bytes of all 'raw' and 'data' parts, concatenated in order, are exactly the input,
 * however it is split into chunks; a 'member' part follows all of that member's header bytes; exactly one
 * 'end' part is emitted. Member 'data' parts and most 'raw' parts are subarrays of the input chunks (consume
 * them before reusing the chunk's memory); header blocks, and extension records (also a 'g' record's 'data'
 * part), split across chunks are copied.
 *
 * Errors (from push or end; the reader is unusable afterwards): HeaderChecksumError, HeaderFieldError,
 * PaxRecordError, InvalidPathError, LimitExceededError, UnsupportedFormatError (compressed input), and
 * TruncatedArchiveError whose `offset` is where the input ended (`details.headerOffset`: where the
 * incomplete member or header starts).
 */
export class TarReader {
  private readonly limits: Limits
  private state = S_HEADER
  /** Archive offset of the current chunk's first byte. */
  private base = 0
  private chunk: Uint8Array = EMPTY
  private out: TarPart[] = []
  /** Raw bytes of the current chunk not yet emitted, [rawStart, rawEnd); coalesced into one part. */
  private rawStart = -1
  private rawEnd = -1
  /** A header block being gathered across chunks. */
  private readonly blockBuf = new Uint8Array(BLOCK_SIZE)
  private blockFill = 0
  /** Bytes left in the current extension data, member data or padding. */
  private remaining = 0
  /** Padding after the current extension or member data. */
  private padding = 0
  private entries = 0
  private failure: unknown = undefined
  private finished = false

  // Extension records read so far for the next main header.
  private memberStart = -1
  private localRecords: PaxRecord[] | undefined = undefined
  private longName: Uint8Array | undefined = undefined
  private longLink: Uint8Array | undefined = undefined
  /** 'g' records in force (POSIX: they apply to every later member until overridden). */
  private readonly globals = new Map<string, Uint8Array>()

  // The extension record whose data is being read.
  private extKind: ExtensionKind = 'x'
  private extHeaderOffset = 0
  private extSize = 0
  private extBuf: Uint8Array | undefined = undefined
  private extFill = 0
  private extHeader: HeaderFields | undefined = undefined

  /** The member whose sparse blocks, data or padding are being read (for errors). */
  private current: TarMember | undefined = undefined
  private sparseBlocks = 0
  /** The last main header decoded, so that repeated owner/group names share their bytes. */
  private lastHeader: HeaderFields | undefined = undefined

  constructor (options: TarReaderOptions = {}) {
    this.limits = resolveLimits(options.limits)
  }

  /** Feeds the next bytes of the archive; returns the parts they complete, in order. */
  push (chunk: Uint8Array): TarPart[] {
    this.checkUsable('push')
    const out: TarPart[] = []
    this.out = out
    this.chunk = chunk
    const len = chunk.length
    let pos = 0
    try {
      while (pos < len) {
        switch (this.state) {
          case S_HEADER:
          case S_SPARSE_EXT: {
            let block: Uint8Array
            let start = -1 // where the block starts in `chunk`, or -1 when gathered in blockBuf
            if (this.blockFill === 0 && len - pos >= BLOCK_SIZE) {
              start = pos
              block = chunk.subarray(pos, pos + BLOCK_SIZE)
              pos += BLOCK_SIZE
            } else {
              const n = Math.min(BLOCK_SIZE - this.blockFill, len - pos)
              this.blockBuf.set(chunk.subarray(pos, pos + n), this.blockFill)
              this.blockFill += n
              pos += n
              if (this.blockFill < BLOCK_SIZE) break
              this.blockFill = 0
              block = this.blockBuf
            }
            const offset = this.base + pos - BLOCK_SIZE
            if (this.state === S_HEADER) this.onHeaderBlock(block, start, offset)
            else this.onSparseExtensionBlock(block, start, offset)
            break
          }
          case S_EXT_DATA:
            pos = this.onExtensionData(chunk, pos)
            break
          case S_DATA: {
            const n = Math.min(this.remaining, len - pos)
            this.flushRaw()
            out.push({ kind: 'data', bytes: chunk.subarray(pos, pos + n) })
            pos += n
            this.remaining -= n
            if (this.remaining === 0) this.enterPadding(this.padding)
            break
          }
          case S_PADDING: {
            const n = Math.min(this.remaining, len - pos)
            this.raw(pos, pos + n)
            pos += n
            this.remaining -= n
            if (this.remaining === 0) this.state = S_HEADER
            break
          }
          default: // S_TRAILER
            this.raw(pos, len)
            pos = len
        }
      }
      this.flushRaw()
    } catch (err) {
      this.failure = err
      throw err
    }
    this.base += len
    this.chunk = EMPTY
    this.out = []
    return out
  }

  /**
   * Declares the input finished. Returns the 'end' part if the archive had no zero block; throws
   * TruncatedArchiveError if the input stopped inside a header, an extension record, or a member's data
   * or padding.
   */
  end (): TarPart[] {
    this.checkUsable('end')
    this.finished = true
    try {
      return this.finish()
    } catch (err) {
      this.failure = err
      throw err
    }
  }

  private finish (): TarPart[] {
    const eof = this.base
    const member = this.current
    const entry = member === undefined ? undefined : displayPath(member.path)
    switch (this.state) {
      case S_TRAILER:
        return []
      case S_HEADER:
        if (this.blockFill === 0 && this.memberStart < 0) {
          this.state = S_TRAILER
          return [{ kind: 'end', offset: eof, endOfArchive: 'missing' }]
        }
        if (this.blockFill > 0) {
          const headerOffset = eof - this.blockFill
          if (headerOffset === 0) this.rejectCompressed(this.blockBuf.subarray(0, this.blockFill))
          throw new TruncatedArchiveError('input ends inside a header block', { offset: eof, headerOffset })
        }
        throw new TruncatedArchiveError('input ends after extension records, before the header they belong to', {
          offset: eof, headerOffset: this.memberStart
        })
      case S_SPARSE_EXT:
        throw new TruncatedArchiveError('input ends inside old-GNU sparse extension blocks', {
          offset: eof, entry, headerOffset: member?.headerOffset
        })
      case S_EXT_DATA:
        throw new TruncatedArchiveError(`input ends inside a '${this.extKind}' extension record`, {
          offset: eof, headerOffset: this.extHeaderOffset, missing: this.remaining
        })
      case S_DATA:
        throw new TruncatedArchiveError('input ends inside member data', {
          offset: eof, entry, headerOffset: member?.headerOffset, missing: this.remaining + this.padding
        })
      default: // S_PADDING
        throw new TruncatedArchiveError('input ends inside the padding after member data', {
          offset: eof, entry, headerOffset: member?.headerOffset, missing: this.remaining
        })
    }
  }

  private checkUsable (call: string): void {
    if (this.failure !== undefined) throw this.failure
    if (this.finished) throw new InvalidArgumentError(`TarReader.${call}() called after end()`)
  }

  // --- Emitting parts ---

  /** Marks chunk[start, end) as raw, merging with the previous raw range when adjacent. */
  private raw (start: number, end: number): void {
    if (this.rawStart >= 0 && this.rawEnd === start) {
      this.rawEnd = end
      return
    }
    this.flushRaw()
    this.rawStart = start
    this.rawEnd = end
  }

  private flushRaw (): void {
    if (this.rawStart < 0) return
    this.out.push({ kind: 'raw', bytes: this.chunk.subarray(this.rawStart, this.rawEnd) })
    this.rawStart = -1
  }

  /** A header block as raw: in place when it lies in the chunk, else a copy of the gathered block. */
  private emitBlock (block: Uint8Array, start: number): void {
    if (start >= 0) {
      this.raw(start, start + BLOCK_SIZE)
    } else {
      this.flushRaw()
      this.out.push({ kind: 'raw', bytes: copyBytes(block) })
    }
  }

  // --- Header blocks ---

  private onHeaderBlock (block: Uint8Array, start: number, offset: number): void {
    const kind = classifyBlock(block, offset)
    if (kind === 'zero') {
      // POSIX asks for two zero blocks, but GNU tar stops at the first one too (and warns); what follows
      // (the second block, record padding, anything else) is kept as raw bytes.
      this.flushRaw()
      this.out.push({ kind: 'end', offset, endOfArchive: 'zero-blocks' })
      this.emitBlock(block, start)
      this.state = S_TRAILER
      return
    }
    if (kind === 'bad-checksum') {
      if (offset === 0) this.rejectCompressed(block)
      throw new HeaderChecksumError('header block checksum does not match', { offset })
    }
    switch (block[TYPEFLAG_OFFSET]) {
      case TYPE_PAX_LOCAL:
      case TYPE_SOLARIS_PAX:
        this.beginExtension('x', block, start, offset)
        return
      case TYPE_PAX_GLOBAL:
        this.beginExtension('g', block, start, offset)
        return
      case TYPE_GNU_LONGNAME:
        this.beginExtension('L', block, start, offset)
        return
      case TYPE_GNU_LONGLINK:
        this.beginExtension('K', block, start, offset)
        return
      default:
        this.beginMember(block, start, offset)
    }
  }

  /** At offset 0, a block that is not a header may be another format, or text: say which (docs/spec.md §6.1). */
  private rejectCompressed (bytes: Uint8Array): void {
    const found = identifyFormat(bytes)
    if (found !== undefined) throw new UnsupportedFormatError(notTarMessage(found), { offset: 0, format: found.format })
    if (looksLikeText(bytes)) throw new NotAnArchiveError('input looks like text, not a tar archive', { offset: 0, format: 'text' })
  }

  private countEntry (offset: number): void {
    if (this.entries >= this.limits.maxEntries) {
      throw new LimitExceededError(`archive has more than ${this.limits.maxEntries} members`, {
        offset, limit: 'maxEntries', max: this.limits.maxEntries
      })
    }
    this.entries++
  }

  // --- Extension records ('x', 'g', 'L', 'K') ---

  private beginExtension (kind: ExtensionKind, block: Uint8Array, start: number, offset: number): void {
    const size = decodeSize(block, offset)
    const pax = kind === 'x' || kind === 'g'
    const limit = pax ? 'maxPaxHeaderBytes' : 'maxLongNameBytes'
    const max = this.limits[limit]
    // Checked before reading the data: a hostile size must not make us buffer anything.
    if (size > max) {
      throw new LimitExceededError(`'${kind}' record of ${size} bytes exceeds ${limit} (${max})`, { offset, limit, max, size })
    }
    if (kind === 'g') {
      this.countEntry(offset)
      this.extHeader = decodeHeader(block, offset)
    }
    if (this.memberStart < 0) this.memberStart = offset
    this.emitBlock(block, start)
    this.extKind = kind
    this.extHeaderOffset = offset
    this.extSize = size
    this.extBuf = undefined
    this.extFill = 0
    this.remaining = size
    if (size === 0) this.finishExtension(EMPTY)
    else this.state = S_EXT_DATA
  }

  private onExtensionData (chunk: Uint8Array, pos: number): number {
    const n = Math.min(this.remaining, chunk.length - pos)
    const piece = chunk.subarray(pos, pos + n)
    // A 'g' header is reported as a member whose records are its data, so they come after the member part.
    if (this.extKind !== 'g') this.raw(pos, pos + n)
    this.remaining -= n
    if (this.remaining === 0 && this.extFill === 0) {
      this.finishExtension(piece) // all in this chunk: parse in place
    } else {
      this.extBuf ??= new Uint8Array(this.extSize)
      this.extBuf.set(piece, this.extFill)
      this.extFill += n
      if (this.remaining === 0) this.finishExtension(this.extBuf)
    }
    return pos + n
  }

  private finishExtension (data: Uint8Array): void {
    const dataOffset = this.extHeaderOffset + BLOCK_SIZE
    switch (this.extKind) {
      case 'x': {
        const records = parsePaxRecords(data, dataOffset)
        const local = this.localRecords ??= []
        // Several 'x' headers before one member: their records add up, later ones overriding.
        for (const record of records) local.push(record)
        break
      }
      case 'L':
        this.longName = decodeLongName(data, dataOffset, 'GNU long name')
        break
      case 'K':
        this.longLink = decodeLongName(data, dataOffset, 'GNU long link')
        break
      default:
        this.emitGlobal(data, dataOffset)
    }
    this.extBuf = undefined
    this.enterPadding(paddingOf(this.extSize))
  }

  /**
   * A 'g' header: its records update the globals and it is reported as a 'pax-global' member whose data
   * are the records. Extension records that preceded it are attributed to it (GNU tar would carry them
   * over to the next file; no known writer emits that sequence), so members never overlap.
   */
  private emitGlobal (data: Uint8Array, dataOffset: number): void {
    const records = parsePaxRecords(data, dataOffset)
    for (const [key, value] of records) {
      // POSIX: an empty value removes the keyword.
      if (value.length === 0) this.globals.delete(key)
      else this.globals.set(key, value)
    }
    const h = this.extHeader!
    const pax = lastOfEachKey(records)
    const member: TarMember = {
      headerOffset: this.memberStart,
      dataOffset,
      dataSize: this.extSize,
      type: 'pax-global',
      typeflag: h.typeflag,
      flavor: h.magic,
      path: h.name,
      linkTarget: undefined,
      mode: h.mode,
      uid: h.uid,
      gid: h.gid,
      uname: h.uname,
      gname: h.gname,
      mtime: h.mtime,
      mtimeNanos: undefined,
      size: this.extSize,
      devMajor: undefined,
      devMinor: undefined,
      pax: pax.length > 0 ? pax : undefined,
      paxRecords: records,
      sparse: false
    }
    this.resetPending()
    this.extHeader = undefined
    this.current = member
    this.flushRaw()
    this.out.push({ kind: 'member', member })
    if (data.length > 0) this.out.push({ kind: 'data', bytes: data })
  }

  private resetPending (): void {
    this.memberStart = -1
    this.localRecords = undefined
    this.longName = undefined
    this.longLink = undefined
  }

  // --- Main headers ---

  private beginMember (block: Uint8Array, start: number, offset: number): void {
    this.countEntry(offset)
    const header = decodeHeader(block, offset, this.lastHeader)
    this.lastHeader = header
    const member = this.buildMember(header, this.memberStart < 0 ? offset : this.memberStart, offset)
    if (header.magic === 'gnu') {
      const times = decodeGnuTimes(block)
      if (times.atime !== undefined) member.gnuAtime = times.atime
      if (times.ctime !== undefined) member.gnuCtime = times.ctime
    }
    this.resetPending()
    this.emitBlock(block, start)
    this.current = member
    if (header.isExtended) {
      this.sparseBlocks = 0
      this.state = S_SPARSE_EXT
    } else {
      this.startData(offset + BLOCK_SIZE)
    }
  }

  /** Old-GNU sparse map continuation blocks: raw header bytes, chained by their isextended flag. */
  private onSparseExtensionBlock (block: Uint8Array, start: number, offset: number): void {
    if (++this.sparseBlocks > this.limits.maxSparseExtensionBlocks) {
      throw new LimitExceededError(`old-GNU sparse map has more than ${this.limits.maxSparseExtensionBlocks} extension blocks`, {
        offset, entry: displayPath(this.current!.path), limit: 'maxSparseExtensionBlocks', max: this.limits.maxSparseExtensionBlocks
      })
    }
    this.emitBlock(block, start)
    if (block[SPARSE_EXT_ISEXTENDED_OFFSET] === 0) this.startData(offset + BLOCK_SIZE)
  }

  private startData (dataOffset: number): void {
    const member = this.current!
    const padding = paddingOf(member.dataSize)
    if (dataOffset + member.dataSize + padding > Number.MAX_SAFE_INTEGER) {
      throw new HeaderFieldError('member data would end beyond the largest safe offset', {
        offset: member.headerOffset, entry: displayPath(member.path), field: 'size'
      })
    }
    member.dataOffset = dataOffset
    this.flushRaw()
    this.out.push({ kind: 'member', member })
    if (member.dataSize > 0) {
      this.state = S_DATA
      this.remaining = member.dataSize
      this.padding = padding
    } else {
      this.state = S_HEADER
    }
  }

  private enterPadding (padding: number): void {
    if (padding > 0) {
      this.state = S_PADDING
      this.remaining = padding
    } else {
      this.state = S_HEADER
    }
  }

  /**
   * Applies the pending extension records to a main header. Precedence: the member's own 'x' records,
   * then 'g' records in force, then GNU 'L'/'K' records, then the header fields (POSIX pax: extended
   * header records override header fields; an empty 'x' value cancels a global one).
   */
  private buildMember (h: HeaderFields, headerOffset: number, offset: number): TarMember {
    const typeflag = h.typeflag
    const local = this.localRecords === undefined ? undefined : lastOfEachKey(this.localRecords)
    const localMap = local !== undefined && local.length > 0 ? new Map(local) : undefined
    const globals = this.globals
    const get = (key: string): Uint8Array | undefined => {
      const value = localMap?.get(key)
      if (value !== undefined) return value.length === 0 ? undefined : value
      return globals.size === 0 ? undefined : globals.get(key)
    }

    let path = this.longName ?? h.name
    const paxPath = get('path')
    if (paxPath !== undefined) path = cleanPath(paxPath, 'PAX path', offset)

    let sparse = typeflag === TYPE_GNU_SPARSE
    let realSize: number | undefined = sparse ? h.realSize : undefined
    if (localMap !== undefined) {
      for (const key of localMap.keys()) {
        if (key.startsWith(GNU_SPARSE_PREFIX)) sparse = true
      }
      if (sparse) {
        // GNU sparse 0.1 and 1.0 store a made-up ustar name; the real one is GNU.sparse.name.
        const sparseName = localMap.get('GNU.sparse.name')
        if (sparseName !== undefined && sparseName.length > 0) path = cleanPath(sparseName, 'PAX GNU.sparse.name', offset)
        const real = localMap.get('GNU.sparse.realsize') ?? localMap.get('GNU.sparse.size')
        if (real !== undefined && real.length > 0) realSize = parsePaxDecimal('GNU.sparse.realsize', real, offset)
      }
    }

    const sizeValue = get('size')
    const dataSize = storedDataSize(typeflag, h.size, sizeValue === undefined ? undefined : parsePaxDecimal('size', sizeValue, offset))

    let mtime = h.mtime
    let mtimeNanos: number | undefined
    const mtimeValue = get('mtime')
    if (mtimeValue !== undefined) {
      const t = parsePaxTime('mtime', mtimeValue, offset)
      mtime = t.seconds
      if (t.nanos !== 0) mtimeNanos = t.nanos
    }

    let linkTarget: Uint8Array | undefined
    if (isLinkType(typeflag)) {
      const paxLink = get('linkpath')
      linkTarget = paxLink !== undefined ? cleanPath(paxLink, 'PAX linkpath', offset) : this.longLink ?? h.linkname
    }
    let devMajor: number | undefined
    let devMinor: number | undefined
    if (isDeviceType(typeflag)) {
      const major = get('SCHILY.devmajor')
      const minor = get('SCHILY.devminor')
      devMajor = major !== undefined ? parsePaxDecimal('SCHILY.devmajor', major, offset) : h.devMajor
      devMinor = minor !== undefined ? parsePaxDecimal('SCHILY.devminor', minor, offset) : h.devMinor
    }
    const uid = get('uid')
    const gid = get('gid')
    return {
      headerOffset,
      dataOffset: offset + BLOCK_SIZE,
      dataSize,
      type: entryTypeOf(typeflag, path),
      typeflag,
      flavor: local !== undefined ? 'pax' : h.magic,
      path,
      linkTarget,
      mode: h.mode,
      uid: uid !== undefined ? parsePaxDecimal('uid', uid, offset) : h.uid,
      gid: gid !== undefined ? parsePaxDecimal('gid', gid, offset) : h.gid,
      uname: get('uname') ?? h.uname,
      gname: get('gname') ?? h.gname,
      mtime,
      mtimeNanos,
      size: sparse ? realSize ?? dataSize : dataSize,
      devMajor,
      devMinor,
      pax: local !== undefined && local.length > 0 ? local : undefined,
      paxRecords: this.localRecords,
      sparse
    }
  }
}
