/** BlockCache: helia's blockstore for a fetch keeps the recently used blocks within a byte budget, no more. */
import { describe, it, expect } from 'vitest'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { BlockCache } from '../../src/fetch/block-cache.js'
import { patternBytes } from '../helpers/archives.js'

async function block (n: number, size = 1000): Promise<{ cid: CID, bytes: Uint8Array }> {
  const bytes = patternBytes(size, n)
  return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
}

async function read (cache: BlockCache, cid: CID): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of cache.get(cid)) parts.push(part)
  return parts[0] as Uint8Array
}

describe('BlockCache', () => {
  it('forgets the least recently used blocks past its budget; a read counts as a use', async () => {
    const cache = new BlockCache(3000)
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(async n => await block(n)))
    for (const x of [a, b, c]) await cache.put(x!.cid, x!.bytes)
    expect(await read(cache, a!.cid)).toEqual(a!.bytes)
    await cache.put(d!.cid, d!.bytes)
    expect([a, b, c, d].map(x => cache.has(x!.cid))).toEqual([true, false, true, true])
    expect(cache.bytes).toBe(3000)
    await expect(read(cache, b!.cid)).rejects.toMatchObject({ code: 'ERR_BLOCK_NOT_FOUND' })
  })

  it('keeps one block larger than the budget until the next, and a CIDv0 and v1 of the same bytes are one block', async () => {
    const cache = new BlockCache(500)
    const big = await block(5, 2000)
    await cache.put(big.cid, [big.bytes.subarray(0, 1000), big.bytes.subarray(1000)])
    expect(await read(cache, big.cid)).toEqual(big.bytes)
    expect(cache.has(CID.createV0(big.cid.multihash as never))).toBe(true)
    const small = await block(6, 100)
    await cache.put(small.cid, small.bytes)
    expect(cache.has(big.cid)).toBe(false)
    expect(cache.bytes).toBe(100)
  })
})
