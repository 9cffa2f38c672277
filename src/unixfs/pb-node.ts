/**
 * The dag-pb wire form (ipld/specs codecs/dag-pb) of the nodes this library writes, by hand: every link
 * has a Hash, a Name (empty for file chunks, encoded `12 00` all the same) and a Tsize, and the Data
 * follows the links. The bytes are @ipld/dag-pb's for the same node (test/unixfs/pb-node.test.ts);
 * what its generic encoder does per link besides (an object walk, two UTF-8 encodings of the name and
 * a comparison of each pair of names) was most of the cost of a directory or a File node of many links.
 */
import { InvalidUnixFSError } from '../errors.js'
import { varintLength, writeField } from './unixfs-data.js'

/** One link: the child's CID bytes, its name as UTF-8, its Tsize. */
export interface PbLink {
  readonly hash: Uint8Array
  readonly name: Uint8Array
  readonly tsize: number
}

/** PBNode field tags (field << 3 | wire type 2 or 0). */
const TAG_DATA = 0x0a
const TAG_LINK = 0x12
const TAG_HASH = 0x0a
const TAG_NAME = 0x12
const TAG_TSIZE = 0x18

/**
 * Encodes a PBNode of `links` and `data`. The links must be in the order dag-pb requires (sorted by
 * name bytes; equal names, such as file chunks' empty ones, keep their order), and Tsize a safe integer.
 */
export function encodePbNode (data: Uint8Array, links: readonly PbLink[]): Uint8Array {
  let length = 1 + varintLength(data.length) + data.length
  for (let i = 0; i < links.length; i++) {
    const link = links[i] as PbLink
    if (i > 0 && compareBytes((links[i - 1] as PbLink).name, link.name) > 0) throw new InvalidUnixFSError('dag-pb links are not sorted by name')
    if (!Number.isSafeInteger(link.tsize) || link.tsize < 0) throw new InvalidUnixFSError(`dag-pb link Tsize ${link.tsize} is not an integer from 0 to 2^53 - 1`)
    const size = linkSize(link)
    length += 1 + varintLength(size) + size
  }
  const out = new Uint8Array(length)
  let at = 0
  for (const link of links) {
    at = writeField(out, at, TAG_LINK, linkSize(link))
    at = writeField(out, at, TAG_HASH, link.hash.length)
    out.set(link.hash, at)
    at = writeField(out, at + link.hash.length, TAG_NAME, link.name.length)
    out.set(link.name, at)
    at = writeField(out, at + link.name.length, TAG_TSIZE, link.tsize)
  }
  at = writeField(out, at, TAG_DATA, data.length)
  out.set(data, at)
  return out
}

function linkSize (link: PbLink): number {
  return 1 + varintLength(link.hash.length) + link.hash.length +
    1 + varintLength(link.name.length) + link.name.length +
    1 + varintLength(link.tsize)
}

/** Byte order of names (dag-pb sorts links by their UTF-8 bytes). */
export function compareBytes (a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number)
  }
  return a.length - b.length
}
