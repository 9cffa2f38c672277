/**
 * indexCar: where each block of a CAR (v1, or the v1 payload of a v2) sits, read from its framing alone, so
 * that blocks are read when asked for and a CAR cut short is told from a malformed one. Pure: it reads
 * through a RandomAccessSource (`size`, `read(offset, length)`), a file on Node or bytes in memory.
 *
 * Framing (CARv1 spec): varint(header length), a dag-cbor header `{version: 1, roots: [CID...]}`, then
 * sections varint(length), CID, block bytes, to the end. CARv2: an 11-byte pragma, a 40-byte header whose
 * data offset and size locate the v1 payload (its index, after the payload, is not needed).
 *
 * A roots-less header is allowed: a CAR streamed while its root was not yet known (`create --car -`, as
 * ipfs-car writes to stdout) has no roots and ends with its root block; `last` is that block's CID.
 */
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import type { RandomAccessSource } from '../archive/zip/types.js'
import { InvalidCarError, TruncatedCarError } from '../errors.js'
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

/** The CARv2 pragma: varint(10), then the dag-cbor map {version: 2}. */
const V2_PRAGMA = Uint8Array.of(0x0a, 0xa1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x02)
const V2_HEADER_BYTES = 40
/** Reads come in windows this large, so that a CAR of small blocks costs few reads. */
const WINDOW_BYTES = 1024 * 1024
/** A section head: a varint length (at most 9 bytes here) and a CID (a v1 CID with a 64-byte digest is < 80 bytes). */
const SECTION_HEAD_BYTES = 128

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
  const reader = new WindowReader(source)
  let start = 0
  let end = source.size
  let version: 1 | 2 = 1
  if (source.size >= V2_PRAGMA.length && startsWith(await reader.bytes(0, V2_PRAGMA.length), V2_PRAGMA)) {
    version = 2
    const header = await reader.need(V2_PRAGMA.length, V2_HEADER_BYTES, 'the CARv2 header')
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength)
    start = Number(view.getBigUint64(16, true))
    const size = Number(view.getBigUint64(24, true))
    end = start + size
    if (start < V2_PRAGMA.length + V2_HEADER_BYTES || !Number.isSafeInteger(end)) throw new InvalidCarError('CARv2 header gives an impossible data offset or size', { offset: V2_PRAGMA.length })
    if (end > source.size) throw new TruncatedCarError(`CARv2 data ends at byte ${end}, after the file's end (${source.size} bytes): the CAR is truncated`, { offset: source.size })
  }
  const { roots, next } = await readHeader(reader, start, end)
  const blocks = new Map<string, CarBlockLocation>()
  let last: CID | undefined
  for (let at = next; at < end;) {
    const head = await reader.bytes(at, Math.min(SECTION_HEAD_BYTES, end - at))
    const length = varint(head, at, end)
    if (length.value === 0) throw new InvalidCarError('CAR section of length 0', { offset: at })
    if (length.value > MAX_CAR_SECTION_BYTES) throw new InvalidCarError(`CAR section of ${length.value} bytes, over the ${MAX_CAR_SECTION_BYTES} accepted`, { offset: at })
    const sectionEnd = at + length.size + length.value
    let cid: CID
    let cidBytes: number
    try {
      const [decoded, rest] = CID.decodeFirst(head.subarray(length.size, length.size + length.value))
      cid = decoded
      cidBytes = Math.min(length.value, head.length - length.size) - rest.length
    } catch (err) {
      if (sectionEnd > end) throw truncated(at, end)
      throw new InvalidCarError(`CAR section's CID does not decode: ${(err as Error).message}`, { offset: at + length.size }, { cause: err })
    }
    if (sectionEnd > end) throw truncated(at, end)
    const key = cid.toString()
    if (!blocks.has(key)) blocks.set(key, { offset: at + length.size + cidBytes, length: length.value - cidBytes })
    last = cid
    at = sectionEnd
  }
  return { version, roots, blocks, ...(last === undefined ? {} : { last }) }
}

async function readHeader (reader: WindowReader, start: number, end: number): Promise<{ roots: CID[], next: number }> {
  if (start === end) throw new TruncatedCarError('the CAR is empty: it ends before its header', { offset: start })
  const head = await reader.bytes(start, Math.min(10, end - start))
  const length = varint(head, start, end)
  if (length.value > MAX_CAR_HEADER_BYTES) throw new InvalidCarError(`CAR header of ${length.value} bytes, over the ${MAX_CAR_HEADER_BYTES} accepted`, { offset: start })
  const bytes = await reader.need(start + length.size, length.value, 'the CAR header', end)
  let header: unknown
  try {
    header = dagCbor.decode(bytes)
  } catch (err) {
    throw new InvalidCarError(`CAR header is not dag-cbor: ${(err as Error).message}`, { offset: start }, { cause: err })
  }
  const { version, roots } = (header ?? {}) as { version?: unknown, roots?: unknown }
  if (version !== 1) throw new InvalidCarError(`CAR header has version ${String(version)}; a CARv1 header (or a CARv2's payload) has version 1`, { offset: start })
  if (!Array.isArray(roots) || roots.some(r => CID.asCID(r) === null)) throw new InvalidCarError('CAR header\'s roots are not a list of CIDs', { offset: start })
  return { roots: roots.map(r => CID.asCID(r) as CID), next: start + length.size + length.value }
}

function truncated (at: number, end: number): TruncatedCarError {
  return new TruncatedCarError(`the CAR ends inside the block that starts at byte ${at}: it is truncated`, { offset: end })
}

/** The unsigned LEB128 varint `bytes` (the source from `base` on) start with; at most 2^53 - 1. */
function varint (bytes: Uint8Array, base: number, end: number): { value: number, size: number } {
  let value = 0
  for (let i = 0; i < 8; i++) {
    if (i >= bytes.length) {
      if (base + i >= end) throw new TruncatedCarError(`the CAR ends inside a length at byte ${base}: it is truncated`, { offset: end })
      break
    }
    const byte = bytes[i] as number
    value += (byte & 0x7f) * 2 ** (7 * i)
    if ((byte & 0x80) === 0) {
      if (!Number.isSafeInteger(value)) break
      return { value, size: i + 1 }
    }
  }
  throw new InvalidCarError(`CAR has a length varint at byte ${base} that is not a safe integer`, { offset: base })
}

function startsWith (bytes: Uint8Array, prefix: Uint8Array): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b)
}

/** Reads of a source through one window of WINDOW_BYTES, refilled when a read falls outside it. */
class WindowReader {
  private at = 0
  private window: Uint8Array = new Uint8Array(0)

  constructor (private readonly source: RandomAccessSource) {}

  /** The bytes [offset, offset + length), which lie within the source. */
  async bytes (offset: number, length: number): Promise<Uint8Array> {
    if (offset < this.at || offset + length > this.at + this.window.length) {
      const size = Math.min(Math.max(length, WINDOW_BYTES), this.source.size - offset)
      this.window = await this.source.read(offset, size)
      this.at = offset
      if (this.window.length < length) throw new TruncatedCarError(`the CAR's source returned ${this.window.length} bytes for a read of ${length}`, { offset })
    }
    return this.window.subarray(offset - this.at, offset - this.at + length)
  }

  /** Like `bytes`, but `what` must end by `end`: a TruncatedCarError names it otherwise. */
  async need (offset: number, length: number, what: string, end = this.source.size): Promise<Uint8Array> {
    if (offset + length > end) throw new TruncatedCarError(`the CAR ends inside ${what}: it is truncated`, { offset: end })
    return await this.bytes(offset, length)
  }
}
