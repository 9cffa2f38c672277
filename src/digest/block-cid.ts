/**
 * The CID of a block (sha2-256) through multiformats: the digest from Node's one-shot `crypto.hash` where
 * there is one, laid out with the CID's other bytes in one array (cid-layout.ts), else `sha256.digest` (a
 * promise from WebCrypto in browsers) named by `CID.createV0`/`createV1`.
 */
import { CID } from 'multiformats/cid'
import { Digest } from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import { InvalidArgumentError } from '../errors.js'
import { cidOfSha256, SHA2_256_BYTES } from './cid-layout.js'
import { nodeCrypto } from './node-crypto.js'

const DAG_PB = 0x70
const RAW = 0x55
const oneShot = nodeCrypto?.hash

/**
 * The CID of `block` under `version` (0: dag-pb only) and multicodec `code`. Synchronous in Node (a CID),
 * a promise elsewhere: `await` it either way.
 */
export function blockCid (block: Uint8Array, code: number, version: 0 | 1): CID | Promise<CID> {
  checkKind(code, version)
  // Node's one-shot hash: most blocks of a description are small (a header's segment leaf, a small file, a
  // directory), where sha256.digest's Hash object cost as much as the hashing (#16).
  if (oneShot !== undefined) {
    const digest = oneShot('sha256', block, 'buffer')
    return cidOfSha256(digest, code, version) ?? cidOf(sha256Multihash(digest), code, version)
  }
  const digest = sha256.digest(block)
  return digest instanceof Promise
    ? digest.then(d => cidOf(d, code, version))
    : cidOf(digest, code, version)
}

/**
 * The CIDv1 of a raw block given in pieces, hashed piece by piece (no contiguous copy), or undefined where
 * that cannot be done at once (no Node crypto: the caller joins the pieces and uses blockCid).
 */
export function rawCidOfPieces (pieces: readonly Uint8Array[]): CID | undefined {
  if (nodeCrypto === undefined) return undefined
  const hash = nodeCrypto.createHash('sha256')
  for (const piece of pieces) hash.update(piece)
  return rawCidOfDigest(hash.digest())
}

/** The CIDv1 of a raw block whose sha2-256 digest is already known (hashed as it arrived). */
export function rawCidOfDigest (digest: Uint8Array): CID {
  return cidOfSha256(digest, RAW, 1) as CID
}

/**
 * The sha2-256 multihash of a digest (for a CID of a codec of two or more bytes), its `digest` a view of its own bytes. Node's hashes give a Buffer:
 * kept as the CID's digest it would make CIDs unequal (deep equality) to those multiformats decodes, and a
 * small Buffer may be a view into a shared 8 KiB pool, kept alive by every CID holding one.
 */
function sha256Multihash (digest: Uint8Array): Digest<typeof sha256.code, 32> {
  const bytes = new Uint8Array(2 + SHA2_256_BYTES)
  bytes[0] = sha256.code
  bytes[1] = SHA2_256_BYTES
  bytes.set(digest, 2)
  return new Digest(sha256.code, SHA2_256_BYTES, bytes.subarray(2), bytes)
}

function checkKind (code: number, version: 0 | 1): void {
  if ((version === 0 && code !== DAG_PB) || code < 0 || code >= 0x4000) throw new InvalidArgumentError(`no CIDv${version} of codec 0x${code.toString(16)} is made here`)
}

function cidOf (digest: Digest<typeof sha256.code, number>, code: number, version: 0 | 1): CID {
  return (version === 0 ? CID.createV0(digest as Digest<typeof sha256.code, 32>) : CID.createV1(code, digest)) as CID
}
