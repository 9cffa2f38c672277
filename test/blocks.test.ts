/**
 * getBlock: what a failed read is called. A source that says why in a typed error (a CAR file that
 * changed, a gateway out of reach, a nested read's hash mismatch) is believed; any other failure of `get`
 * is "not in the blockstore".
 */
import { describe, it, expect } from 'vitest'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { getBlock } from '../src/blocks.js'
import { FileChangedError } from '../src/errors.js'

const cid = CID.createV1(0x55, await sha256.digest(new Uint8Array([1, 2, 3])))

describe('getBlock', () => {
  it('passes a source\'s typed error on', async () => {
    const source = { get () { throw new FileChangedError('the CAR file changed while it was read') } }
    await expect(getBlock(source, cid)).rejects.toMatchObject({ code: 'ERR_FILE_CHANGED' })
  })

  it('calls any other failure of the source a missing block', async () => {
    const source = { async get (): Promise<Uint8Array> { throw new Error('ENOENT') } }
    await expect(getBlock(source, cid)).rejects.toMatchObject({ code: 'ERR_BLOCK_NOT_FOUND' })
  })

  it('checks the bytes it got against the CID', async () => {
    await expect(getBlock({ get: () => new Uint8Array([1, 2, 4]) }, cid)).rejects.toMatchObject({ code: 'ERR_BLOCK_HASH_MISMATCH' })
    expect(await getBlock({ get: () => new Uint8Array([1, 2, 3]) }, cid)).toEqual(new Uint8Array([1, 2, 3]))
  })
})
