/**
 * The CID of a block (sha2-256), made in one step: a description makes a few per entry (its leaf, its
 * header segment, parents and pages), so the CID's bytes are laid out once and the CID and its multihash
 * are views of them, instead of a digest copied into a multihash copied into a CID. In Node the hash is
 * one call into OpenSSL and the result is there at once; elsewhere multiformats' sha2-256 (WebCrypto)
 * gives a promise.
 */
import { CID } from 'multiformats/cid'
import { Digest } from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import { InvalidArgumentError } from '../errors.js'
import { nodeCrypto } from './node-crypto.js'

const SHA2_256 = 0x12
const DIGEST_BYTES = 32
const DAG_PB = 0x70
const RAW = 0x55

const hashNow = ((crypto): ((bytes: Uint8Array) => Uint8Array) | undefined => {
  if (crypto === undefined) return undefined
  const oneShot = crypto.hash
  if (oneShot !== undefined) return (bytes) => oneShot('sha256', bytes, 'buffer')
  return (bytes) => { const hash = crypto.createHash('sha256'); hash.update(bytes); return hash.digest() }
})(nodeCrypto)

/**
 * The CID of `block` under `version` (0: dag-pb only) and multicodec `code`. Synchronous in Node (a CID),
 * a promise elsewhere: `await` it either way.
 */
export function blockCid (block: Uint8Array, code: number, version: 0 | 1): CID | Promise<CID> {
  if (hashNow === undefined) {
    const digest = sha256.digest(block)
    return digest instanceof Promise
      ? digest.then(d => cidOf(d.digest, code, version))
      : cidOf(digest.digest, code, version)
  }
  return cidOf(hashNow(block), code, version)
}

/**
 * The CIDv1 of a raw block given in pieces, hashed piece by piece (no contiguous copy), or undefined where
 * that cannot be done at once (no Node crypto: the caller joins the pieces and uses blockCid).
 */
export function rawCidOfPieces (pieces: readonly Uint8Array[]): CID | undefined {
  if (nodeCrypto === undefined) return undefined
  const hash = nodeCrypto.createHash('sha256')
  for (const piece of pieces) hash.update(piece)
  return cidOf(hash.digest(), RAW, 1)
}

function cidOf (digest: Uint8Array, code: number, version: 0 | 1): CID {
  if ((version === 0 && code !== DAG_PB) || code < 0 || code >= 0x4000) throw new InvalidArgumentError(`no CIDv${version} of codec 0x${code.toString(16)} is made here`)
  // v1: version, codec (both one-byte varints for the codecs used here), then the multihash.
  const head = version === 0 ? 0 : code < 0x80 ? 2 : 3
  const bytes = new Uint8Array(head + 2 + DIGEST_BYTES)
  if (version === 1) {
    bytes[0] = 1
    if (code < 0x80) bytes[1] = code
    else { bytes[1] = (code & 0x7f) | 0x80; bytes[2] = code >> 7 }
  }
  bytes[head] = SHA2_256
  bytes[head + 1] = DIGEST_BYTES
  bytes.set(digest, head + 2)
  const multihash = new Digest(SHA2_256, DIGEST_BYTES, bytes.subarray(head + 2), bytes.subarray(head))
  return new CID(version, code, multihash, bytes) as CID
}
