/**
 * dag-pb decoding that keeps link names exactly. @ipld/dag-pb decodes each link `Name` with a default
 * TextDecoder, which drops a leading U+FEFF (byte order mark): a directory entry `\uFEFFa.txt` would read back
 * as `a.txt`. This decodes with the library, then takes again, from the block's own bytes, every name that
 * begins with the bytes EF BB BF.
 */
import { decode, type PBLink, type PBNode } from '@ipld/dag-pb'

// Not fatal, as the library's: only the byte order mark is kept where it drops it.
const names = new TextDecoder('utf-8', { ignoreBOM: true })

/** A dag-pb block as @ipld/dag-pb decodes it (and with its checks), but with link names that keep a leading U+FEFF. */
export function decodePB (bytes: Uint8Array): PBNode {
  const node = decode(bytes)
  if (!hasBom(bytes)) return node
  const raw = rawLinkNames(bytes)
  return { ...node, Links: node.Links.map((link, i): PBLink => withName(link, raw[i])) }
}

function withName (link: PBLink, raw: Uint8Array | undefined): PBLink {
  return raw === undefined || !startsWithBom(raw, 0) ? link : { ...link, Name: names.decode(raw) }
}

/** Whether EF BB BF occurs anywhere in the block (almost never: the repair is skipped). */
function hasBom (bytes: Uint8Array): boolean {
  for (let i = bytes.indexOf(0xef); i >= 0 && i + 2 < bytes.length; i = bytes.indexOf(0xef, i + 1)) {
    if (startsWithBom(bytes, i)) return true
  }
  return false
}

function startsWithBom (bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 0xef && bytes[at + 1] === 0xbb && bytes[at + 2] === 0xbf
}

/**
 * The raw Name bytes of each link, in order (undefined when a link has none). The block has already passed
 * the library's decoder, so its framing is known to be sound: PBNode field 2 (tag 0x12) holds a PBLink,
 * and a PBLink's field 2 (tag 0x12) its Name (ipld/ipld specs/codecs/dag-pb).
 */
function rawLinkNames (bytes: Uint8Array): Array<Uint8Array | undefined> {
  const out: Array<Uint8Array | undefined> = []
  for (const [tag, link] of fields(bytes, 0, bytes.length)) {
    if (tag !== 0x12) continue
    let name: Uint8Array | undefined
    for (const [linkTag, value] of fields(bytes, link.start, link.end)) if (linkTag === 0x12) name = bytes.subarray(value.start, value.end)
    out.push(name)
  }
  return out
}

/** The length-delimited fields between `start` and `end` (a varint field gives an empty span). */
function * fields (bytes: Uint8Array, start: number, end: number): Generator<[number, { start: number, end: number }]> {
  let at = start
  while (at < end) {
    const [tag, afterTag] = varint(bytes, at)
    if ((tag & 7) === 0) {
      at = varint(bytes, afterTag)[1]
      yield [tag, { start: at, end: at }]
    } else {
      const [length, from] = varint(bytes, afterTag)
      at = from + length
      yield [tag, { start: from, end: at }]
    }
  }
}

function varint (bytes: Uint8Array, at: number): [number, number] {
  let value = 0
  let scale = 1
  for (;;) {
    const b = bytes[at++] as number
    value += (b & 0x7f) * scale
    if (b < 0x80) return [value, at]
    scale *= 128
  }
}
