/**
 * indexCar: where each block of a CAR (v1, or the v1 payload of a v2) sits, so that blocks are read when
 * asked for, and a CAR cut short told from a malformed one. Pure: it reads through a RandomAccessSource
 * (`size`, `read(offset, length)`), a file on Node or bytes in memory, and never holds the whole CAR.
 *
 * @ipld/car's decoder does the framing (header, CARv2 pragma and header, each section's length and CID),
 * reading through a BytesReader over the source whose seeks skip the block bytes unread. What it cannot
 * do is say *why* it failed: every failure is a plain Error, "Unexpected end of data" also for a CID
 * that overruns a whole section, a varint cut by the end is the same RangeError as an overlong one, and
 * a block cut short is not noticed at all (the skip just passes the end). So after a failure this module
 * decodes the failing unit's length itself (multiformats' varint) and asks one question: does the unit
 * (header or section) end past the data? Then the CAR is truncated; otherwise it is malformed.
 *
 * A roots-less header is allowed: a CAR streamed while its root was not yet known (`create --car -`, as
 * ipfs-car writes to stdout) has no roots and ends with its root block; `last` is that block's CID.
 */
import { readBlockHead, readHeader, type BytesReader } from '@ipld/car/decoder'
import { varint } from 'multiformats'
import type { CID } from 'multiformats/cid'
import type { RandomAccessSource } from '../archive/zip/types.js'
import { ArchiveManifestError, InvalidCarError, TruncatedCarError } from '../errors.js'
import { MAX_CAR_HEADER_BYTES, MAX_CAR_SECTION_BYTES } from '../limits.js'

/** Where one block's bytes are in the source. */
export interface CarBlockLocation { offset: number, length: number }

export interface CarIndex {
  version: 1 | 2
  /** The header's roots (possibly none). */
  roots: CID[]
  /** Every block by CID string (the first of duplicates wins, as @ipld/car's readers do). */
  blocks: Map<string, CarBlockLocation>
  /** The last block's CID: a roots-less CAR's root. Undefined when the CAR has no blocks. */
  last?: CID
}

/** The CARv2 pragma: varint(10), then the dag-cbor map {version: 2}; its 40-byte header follows. */
const V2_PRAGMA = Uint8Array.of(0x0a, 0xa1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x02)
const V2_PREFIX_BYTES = V2_PRAGMA.length + 40
/** Reads come in windows this large, so that a CAR of small blocks costs few reads. */
const WINDOW_BYTES = 1024 * 1024
/** The longest varint a unit's length is decoded from (@ipld/car reads at most 8 bytes of one). */
const VARINT_BYTES = 9

/**
 * Indexes the CAR in `source` (see the module comment). Throws TruncatedCarError when the bytes end inside
 * the header or a section (`offset`: where the cut part starts), InvalidCarError for anything else malformed.
 *
 * @example
 * ```ts
 * const index = await indexCar(bytesSource(carBytes))
 * const root = index.roots[0] ?? index.last
 * ```
 */
export async function indexCar (source: RandomAccessSource): Promise<CarIndex> {
  const reader = new SourceReader(source)
  let header: Awaited<ReturnType<typeof readHeader>>
  try {
    header = await readHeader(reader)
  } catch (err) {
    throw await headerFailure(err, reader)
  }
  let end = source.size
  if (header.version === 2) {
    end = header.dataOffset + header.dataSize
    if (!Number.isSafeInteger(end)) throw new InvalidCarError('CARv2 header gives an impossible data size', { offset: V2_PRAGMA.length })
    if (end > source.size) throw new TruncatedCarError(`CARv2 data ends at byte ${end}, after the file's end (${source.size} bytes): the CAR is truncated`, { offset: source.size })
    if (reader.pos > end) throw new InvalidCarError('CARv2 data is shorter than its own CARv1 header', { offset: header.dataOffset })
  }
  const blocks = new Map<string, CarBlockLocation>()
  let last: CID | undefined
  while (reader.pos < end) {
    const at = reader.pos
    let head: Awaited<ReturnType<typeof readBlockHead>>
    try {
      head = await readBlockHead(reader)
    } catch (err) {
      throw await unitFailure(err, reader, at, end, MAX_CAR_SECTION_BYTES, 'section')
    }
    const { cid, length, blockLength } = head
    // The limit is on what the length varint says: the CID and the block.
    if (cid.bytes.length + blockLength > MAX_CAR_SECTION_BYTES) throw new InvalidCarError(`CAR section of ${cid.bytes.length + blockLength} bytes, over the ${MAX_CAR_SECTION_BYTES} accepted`, { offset: at })
    if (blockLength < 0) throw new InvalidCarError('CAR section\'s CID is longer than the section', { offset: at })
    if (at + length > end) throw cut('the block that starts', at, end)
    const key = cid.toString()
    if (!blocks.has(key)) blocks.set(key, { offset: reader.pos, length: blockLength })
    last = cid
    reader.seek(blockLength)
  }
  return { version: header.version === 2 ? 2 : 1, roots: header.roots, blocks, ...(last === undefined ? {} : { last }) }
}

/**
 * Why reading the header failed. The header that failed is the CARv1 one at the start, or a CARv2's at
 * its data offset, after the pragma and the 40-byte header (which a cut may also fall in).
 */
async function headerFailure (err: unknown, reader: SourceReader): Promise<Error> {
  const size = reader.source.size
  let at = 0
  const pragma = await reader.peek(0, Math.min(V2_PRAGMA.length, size))
  if (pragma.length === V2_PRAGMA.length && pragma.every((b, i) => b === V2_PRAGMA[i])) {
    if (size < V2_PREFIX_BYTES) return cut('the CARv2 header, which starts', V2_PRAGMA.length, size)
    // The data offset (little-endian uint64 after 16 bytes of characteristics), where the CARv1 header is.
    at = Number(new DataView((await reader.peek(V2_PRAGMA.length + 16, 8)).slice().buffer).getBigUint64(0, true))
  }
  return await unitFailure(err, reader, at, size, MAX_CAR_HEADER_BYTES, 'header')
}

/**
 * Why @ipld/car failed to read the unit (header or section: a varint length, then that many bytes) at
 * `at`: truncated when the unit, as its length says, ends past the data's `end` (or the length itself
 * is cut); malformed otherwise, since no more bytes could mend it.
 */
async function unitFailure (err: unknown, reader: SourceReader, at: number, end: number, max: number, what: string): Promise<Error> {
  // The reader's own refusals (a read over the limit, a seek backwards) are already typed and final.
  if (err instanceof ArchiveManifestError && !(err instanceof TruncatedCarError)) return err
  const head = await reader.peek(at, Math.min(VARINT_BYTES, Math.max(0, end - at)))
  let length: number
  let size: number
  try {
    [length, size] = varint.decode(head)
  } catch (cause) {
    if (head.length < VARINT_BYTES) return cut(`the length of the ${what} that starts`, at, end)
    return new InvalidCarError(`CAR ${what} length at byte ${at} is not a varint @ipld/car reads`, { offset: at }, { cause })
  }
  if (length > max) return new InvalidCarError(`CAR ${what} of ${length} bytes, over the ${max} accepted`, { offset: at })
  if (at + size + length > end) return cut(`the ${what} that starts`, at, end)
  return new InvalidCarError(`CAR ${what} at byte ${at} is malformed: ${(err as Error).message}`, { offset: at }, { cause: err })
}

function cut (what: string, at: number, end: number): TruncatedCarError {
  return new TruncatedCarError(`the CAR ends inside ${what} at byte ${at}: it is truncated`, { offset: end })
}

/**
 * @ipld/car's BytesReader over a RandomAccessSource, through one window of WINDOW_BYTES refilled when a
 * read falls outside it. A seek moves the position without reading (block bytes are skipped unread).
 */
class SourceReader implements BytesReader {
  pos = 0
  private at = 0
  private window: Uint8Array = new Uint8Array(0)

  constructor (readonly source: RandomAccessSource) {}

  async upTo (length: number): Promise<Uint8Array> {
    return await this.peek(this.pos, Math.max(0, Math.min(length, this.source.size - this.pos)))
  }

  async exactly (length: number, seek = false): Promise<Uint8Array> {
    // @ipld/car reads whole only a header, a CARv2 header and a CID (block bytes are skipped): none this large.
    if (length > MAX_CAR_HEADER_BYTES) throw new InvalidCarError(`CAR header (or CID) of ${length} bytes, over the ${MAX_CAR_HEADER_BYTES} accepted`, { offset: this.pos })
    if (this.pos + length > this.source.size) throw cut('a read of bytes that starts', this.pos, this.source.size)
    const bytes = await this.peek(this.pos, length)
    if (seek) this.pos += length
    return bytes
  }

  seek (length: number): void {
    if (length < 0) throw new InvalidCarError(`CAR framing points back to byte ${this.pos + length}`, { offset: this.pos })
    this.pos += length
  }

  /** The bytes [offset, offset + length), which lie within the source; the position does not move. */
  async peek (offset: number, length: number): Promise<Uint8Array> {
    if (length === 0) return new Uint8Array(0)
    if (offset < this.at || offset + length > this.at + this.window.length) {
      const size = Math.min(Math.max(length, WINDOW_BYTES), this.source.size - offset)
      this.window = await this.source.read(offset, size)
      this.at = offset
      if (this.window.length < length) throw new TruncatedCarError(`the CAR's source returned ${this.window.length} bytes for a read of ${length}`, { offset })
    }
    return this.window.subarray(offset - this.at, offset - this.at + length)
  }
}
