/**
 * The UnixFS `Data` message (ipfs/specs src/unixfs.md, `message Data`), written by hand as @ipld/dag-pb
 * writes PBNode. ipfs-unixfs's `marshal()` goes through protons-runtime, whose 64-bit varint writer
 * (LongBits, up to 8.0.1 at least) turns every value in [2^31, 2^32) into zeros or into bytes that were
 * never written (the pool is not cleared), so files of 2 GiB to 4 GiB got wrong, even unstable, CIDs.
 *
 * Fields, order and presence are those of ipfs-unixfs 13 and go-unixfs, so every node below 2^31 is
 * byte-identical to theirs: Type, Data (omitted when empty), filesize (files and raw nodes only, even 0),
 * one unpacked `blocksizes` entry per child, hashType, fanout. mode and mtime are never written.
 */
import { InvalidArgumentError } from '../errors.js'

/** Node types of the UnixFS `DataType` enum, by the names ipfs-unixfs uses. */
export type UnixFSType = 'raw' | 'directory' | 'file' | 'metadata' | 'symlink' | 'hamt-sharded-directory'

/** The fields this library writes. Sizes are numbers: every size up to 2^53 − 1 is exact. */
export interface UnixFSData {
  readonly type: UnixFSType
  /** File bytes, symlink target or HAMT bitfield. */
  readonly data?: Uint8Array
  /** Content bytes of each child, in link order (files only). */
  readonly blockSizes?: readonly number[]
  /** HAMT hash function's multihash code. */
  readonly hashType?: number
  /** HAMT fanout. */
  readonly fanout?: number
}

const TYPE_CODES: Readonly<Record<UnixFSType, number>> = {
  raw: 0, directory: 1, file: 2, metadata: 3, symlink: 4, 'hamt-sharded-directory': 5
}

/** Field tags (field number << 3 | wire type): varint 0, length-delimited 2. */
const TAG_TYPE = 0x08
const TAG_DATA = 0x12
const TAG_FILESIZE = 0x18
const TAG_BLOCKSIZE = 0x20
const TAG_HASHTYPE = 0x28
const TAG_FANOUT = 0x30

/**
 * Encodes a UnixFS `Data` message. `filesize` is derived (data length plus the sum of blocksizes), as
 * ipfs-unixfs derives it, so it cannot disagree with the rest of the node.
 *
 * @example
 * ```ts
 * encodeUnixFSData({ type: 'file', blockSizes: [2 ** 31] })
 * // 08 02 18 80 80 80 80 08 20 80 80 80 80 08
 * ```
 */
export function encodeUnixFSData (message: UnixFSData): Uint8Array {
  const type = TYPE_CODES[message.type]
  if (type === undefined) throw new InvalidArgumentError(`unknown UnixFS type ${JSON.stringify(message.type)}`)
  const data = message.data !== undefined && message.data.length > 0 ? message.data : undefined
  const blockSizes = message.blockSizes ?? []
  let fileSize: number | undefined
  if (message.type === 'file' || message.type === 'raw') {
    fileSize = data?.length ?? 0
    for (const size of blockSizes) fileSize += checkUint('blocksize', size)
    checkUint('filesize', fileSize)
  } else if (blockSizes.length > 0) {
    throw new InvalidArgumentError(`a UnixFS ${message.type} node has no blocksizes`)
  }
  const hashType = message.hashType === undefined ? undefined : checkUint('hashType', message.hashType)
  const fanout = message.fanout === undefined ? undefined : checkUint('fanout', message.fanout)

  let length = 1 + varintLength(type)
  if (data !== undefined) length += 1 + varintLength(data.length) + data.length
  if (fileSize !== undefined) length += 1 + varintLength(fileSize)
  for (const size of blockSizes) length += 1 + varintLength(size)
  if (hashType !== undefined) length += 1 + varintLength(hashType)
  if (fanout !== undefined) length += 1 + varintLength(fanout)

  const out = new Uint8Array(length)
  let at = writeField(out, 0, TAG_TYPE, type)
  if (data !== undefined) {
    at = writeField(out, at, TAG_DATA, data.length)
    out.set(data, at)
    at += data.length
  }
  if (fileSize !== undefined) at = writeField(out, at, TAG_FILESIZE, fileSize)
  for (const size of blockSizes) at = writeField(out, at, TAG_BLOCKSIZE, size)
  if (hashType !== undefined) at = writeField(out, at, TAG_HASHTYPE, hashType)
  if (fanout !== undefined) writeField(out, at, TAG_FANOUT, fanout)
  return out
}

/** Bytes of the protobuf varint of a non-negative safe integer. */
export function varintLength (value: number): number {
  let length = 1
  while (value >= 0x80) { value = Math.floor(value / 0x80); length++ }
  return length
}

/** Writes a one-byte tag and then `value` as a varint at `at`; returns the offset after it. */
function writeField (out: Uint8Array, at: number, tag: number, value: number): number {
  out[at++] = tag
  // Arithmetic, not bitwise: JavaScript's bitwise operators work on 32-bit signed integers, and that is
  // the very bug this file exists for.
  while (value >= 0x80) {
    out[at++] = (value % 0x80) | 0x80
    value = Math.floor(value / 0x80)
  }
  out[at++] = value
  return at
}

function checkUint (name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`UnixFS ${name} must be an integer from 0 to 2^53 - 1, not ${value}`)
  }
  return value
}
