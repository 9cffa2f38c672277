/** decodePB: @ipld/dag-pb's decoding, but a link name that begins with U+FEFF keeps it (the library drops it). */
import { describe, it, expect } from 'vitest'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { decodePB } from '../../src/codec/dag-pb.js'

const cid = CID.parse('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku')

describe('decodePB', () => {
  it('keeps a leading U+FEFF in link names, and every other field as the library decodes it', () => {
    const node = {
      Data: Uint8Array.of(8, 1),
      Links: [
        { Hash: cid },
        { Hash: cid, Name: '', Tsize: 0 },
        { Hash: cid, Name: 'b\uFEFF', Tsize: 3 },
        { Hash: cid, Name: '\uFEFF', Tsize: 1 },
        { Hash: cid, Name: '\uFEFFa.txt', Tsize: 2 ** 40 }
      ]
    }
    const bytes = dagPb.encode(node)
    expect(decodePB(bytes)).toEqual(dagPb.prepare(node))
  })

  it('is the library\'s decoding when the block holds no EF BB BF', () => {
    const bytes = dagPb.encode({ Data: Uint8Array.of(8, 1), Links: [{ Hash: cid, Name: 'a', Tsize: 2 }] })
    expect(decodePB(bytes)).toEqual(dagPb.decode(bytes))
  })
})
