/** The links of a block, by codec: what a DAG walk (CAR export, verification) follows. */
import * as dagCbor from '@ipld/dag-cbor'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { UnsupportedCidError } from '../errors.js'

export function * linksOf (cid: CID, bytes: Uint8Array): Generator<CID> {
  switch (cid.code) {
    case raw.code: return
    case dagPb.code:
      for (const link of dagPb.decode(bytes).Links) yield link.Hash
      return
    case dagCbor.code:
      yield * cidsIn(dagCbor.decode(bytes))
      return
    default:
      throw new UnsupportedCidError(`CID ${cid} uses codec 0x${cid.code.toString(16)}, which this library does not walk`)
  }
}

function * cidsIn (value: unknown): Generator<CID> {
  const cid = CID.asCID(value)
  if (cid !== null) { yield cid; return }
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return
  for (const item of Array.isArray(value) ? value : Object.values(value)) yield * cidsIn(item)
}
