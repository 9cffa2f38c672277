/** indexCar against @ipld/car's own writer and reader, CARv2, and every way the framing can be cut or bent. */
import { describe, it, expect } from 'vitest'
import { CarReader } from '@ipld/car'
import { CarWriter } from '@ipld/car/writer'
import * as dagCbor from '@ipld/dag-cbor'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { bytesSource } from '../../src/archive/zip/source.js'
import { indexCar } from '../../src/codec/car-index.js'
import { MAX_CAR_SECTION_BYTES } from '../../src/limits.js'

async function block (value: unknown): Promise<{ cid: CID, bytes: Uint8Array }> {
  const bytes = value instanceof Uint8Array ? value : dagCbor.encode(value)
  return { cid: CID.createV1(value instanceof Uint8Array ? raw.code : dagCbor.code, await sha256.digest(bytes)), bytes }
}

async function car (roots: CID[], blocks: Array<{ cid: CID, bytes: Uint8Array }>): Promise<Uint8Array> {
  const { writer, out } = CarWriter.create(roots)
  const chunks: Uint8Array[] = []
  const reading = (async () => { for await (const c of out) chunks.push(c) })()
  for (const b of blocks) await writer.put(b)
  await writer.close()
  await reading
  return new Uint8Array(Buffer.concat(chunks))
}

const V2_PRAGMA = Uint8Array.of(0x0a, 0xa1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x02)

const codeOf = async (bytes: Uint8Array): Promise<string> => await indexCar(bytesSource(bytes)).then(() => 'ok', (err: { code: string }) => err.code)

describe('indexCar', () => {
  it('finds every block @ipld/car wrote, where CarReader reads it; roots-less CARs give their last block', async () => {
    const blocks = [await block(new Uint8Array(300).fill(7)), await block({ a: 1 }), await block(new Uint8Array(0)), await block({ last: true })]
    for (const roots of [[blocks[1]!.cid], []]) {
      const bytes = await car(roots, [...blocks, blocks[0]!])
      const index = await indexCar(bytesSource(bytes))
      expect(index.version).toBe(1)
      expect(index.roots.map(String)).toEqual(roots.map(String))
      // A duplicate is indexed where it first appears; `last` is the last section's CID all the same.
      expect(index.last?.toString()).toBe(blocks[0]!.cid.toString())
      const reader = await CarReader.fromBytes(bytes)
      for (const { cid } of blocks) {
        const at = index.blocks.get(cid.toString())!
        expect(Buffer.from(bytes.subarray(at.offset, at.offset + at.length)).equals(Buffer.from((await reader.get(cid))!.bytes))).toBe(true)
      }
      expect(index.blocks.size).toBe(blocks.length)
    }
  })

  it('reads the CARv1 payload of a CARv2 (pragma, header, payload, then an index it does not need)', async () => {
    const b = await block({ v: 2 })
    const v1 = await car([b.cid], [b])
    const pragma = V2_PRAGMA
    const header = new Uint8Array(40)
    const view = new DataView(header.buffer)
    view.setBigUint64(16, 51n + 5n, true) // data offset: after pragma, header and 5 bytes of padding
    view.setBigUint64(24, BigInt(v1.length), true)
    const bytes = new Uint8Array(Buffer.concat([pragma, header, new Uint8Array(5), v1, Uint8Array.of(1, 2, 3)]))
    const index = await indexCar(bytesSource(bytes))
    expect(index.version).toBe(2)
    expect(index.roots.map(String)).toEqual([b.cid.toString()])
    const at = index.blocks.get(b.cid.toString())!
    expect(Buffer.from(bytes.subarray(at.offset, at.offset + at.length)).equals(Buffer.from(b.bytes))).toBe(true)
    view.setBigUint64(24, BigInt(v1.length + 100), true)
    expect(await codeOf(new Uint8Array(Buffer.concat([pragma, header, new Uint8Array(5), v1])))).toBe('ERR_TRUNCATED_CAR')
  })

  it('a cut anywhere is ERR_TRUNCATED_CAR, except at a section boundary (then the CAR is whole as far as framing shows)', async () => {
    const blocks = [await block(new Uint8Array(200).fill(1)), await block({ b: 2 })]
    const bytes = await car([], blocks)
    const boundaries = new Set<number>([bytes.length, dagCbor.encode({ roots: [], version: 1 }).length + 1])
    const index = await indexCar(bytesSource(bytes))
    for (const at of index.blocks.values()) boundaries.add(at.offset + at.length)
    for (let cut = 0; cut < bytes.length; cut++) {
      expect(await codeOf(bytes.subarray(0, cut)), `cut at ${cut}`).toBe(boundaries.has(cut) ? 'ok' : 'ERR_TRUNCATED_CAR')
    }
  })

  it('malformed framing is ERR_INVALID_CAR: bad header, wrong version, a zero-length or oversized section, a CID that does not decode', async () => {
    const header = (value: unknown): Uint8Array => { const h = dagCbor.encode(value); return Uint8Array.of(h.length, ...h) }
    expect(await codeOf(Uint8Array.of(3, 0xff, 0xff, 0xff))).toBe('ERR_INVALID_CAR')
    expect(await codeOf(header({ version: 3, roots: [] }))).toBe('ERR_INVALID_CAR')
    expect(await codeOf(header({ version: 1, roots: ['not a cid'] }))).toBe('ERR_INVALID_CAR')
    expect(await codeOf(header({ version: 1, roots: [] }))).toBe('ok')
    expect(await codeOf(Uint8Array.of(...header({ version: 1, roots: [] }), 0))).toBe('ERR_INVALID_CAR')
    const big = MAX_CAR_SECTION_BYTES + 1
    expect(await codeOf(Uint8Array.of(...header({ version: 1, roots: [] }), 0x80 | (big & 0x7f), 0x80 | ((big >> 7) & 0x7f), 0x80 | ((big >> 14) & 0x7f), big >> 21))).toBe('ERR_INVALID_CAR')
    expect(await codeOf(Uint8Array.of(...header({ version: 1, roots: [] }), 4, 0x01, 0x99, 0x99, 0x99))).toBe('ERR_INVALID_CAR')
    expect(await codeOf(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))).toBe('ERR_INVALID_CAR')
  })

  it('a CARv2 cut anywhere up to its payload\'s end is ERR_TRUNCATED_CAR, except at a section boundary of the payload', async () => {
    const b = await block(new Uint8Array(40).fill(9))
    const v1 = await car([b.cid], [b])
    const header = new Uint8Array(40)
    const view = new DataView(header.buffer)
    view.setBigUint64(16, 51n, true)
    view.setBigUint64(24, BigInt(v1.length), true)
    const bytes = new Uint8Array(Buffer.concat([V2_PRAGMA, header, v1]))
    expect(await codeOf(bytes)).toBe('ok')
    // Cut before the payload's end, the data size in the CARv2 header says what is missing.
    for (let cut = 0; cut < bytes.length; cut++) expect(await codeOf(bytes.subarray(0, cut)), `cut at ${cut}`).toBe('ERR_TRUNCATED_CAR')
    // A data offset pointing back into the pragma or the header is malformed.
    view.setBigUint64(16, 20n, true)
    expect(await codeOf(new Uint8Array(Buffer.concat([V2_PRAGMA, header, v1])))).toBe('ERR_INVALID_CAR')
  })

  it('a CID that overruns its whole section at the end of the data is ERR_INVALID_CAR (no more bytes would mend it), as is one asking for a huge digest', async () => {
    const header = dagCbor.encode({ version: 1, roots: [] })
    const prefix = [header.length, ...header]
    // A section of 4 bytes claiming a CIDv0 (34 bytes).
    expect(await codeOf(Uint8Array.of(...prefix, 4, 0x12, 0x20, 0, 0))).toBe('ERR_INVALID_CAR')
    // The same section length with its bytes cut: truncated.
    expect(await codeOf(Uint8Array.of(...prefix, 40, 0x12, 0x20, 0, 0))).toBe('ERR_TRUNCATED_CAR')
    // CIDv1, raw, sha2-256 with a digest length of 2^28 bytes.
    expect(await codeOf(Uint8Array.of(...prefix, 10, 0x01, 0x55, 0x12, 0x80, 0x80, 0x80, 0x80, 0x01, 0, 0))).toBe('ERR_INVALID_CAR')
  })

  it('skips block bytes unread: a CAR of one 5 MiB block costs reads of about one window, not the block', async () => {
    const b = await block(new Uint8Array(5 << 20).fill(3))
    const bytes = await car([b.cid], [b])
    const source = bytesSource(bytes)
    let read = 0
    const counted = { size: source.size, read: async (offset: number, length: number) => { read += length; return await source.read(offset, length) } }
    const index = await indexCar(counted)
    expect(index.blocks.get(b.cid.toString())).toEqual({ offset: bytes.length - (5 << 20), length: 5 << 20 })
    expect(read).toBeLessThanOrEqual(1 << 20)
  })
})
