/**
 * CIDs named from their bytes, for the two layouts every CID this library makes has: a CIDv0, or a CIDv1
 * of a one-byte codec, over sha2-256 (`12 20` + 32 bytes). The CID, its multihash and its digest are views
 * of one array: multiformats' CID.create lays the bytes out again in an array of their own, and its
 * constructors take each array's `.buffer`, which for a small array copies it off the heap (#16: about
 * three CIDs an entry); CID.decode reads its varints through a view per field.
 */
import { CID } from 'multiformats/cid'
import { Digest } from 'multiformats/hashes/digest'

/** sha2-256's multihash code and digest length. */
export const SHA2_256 = 0x12
export const SHA2_256_BYTES = 32

/** The CID whose bytes `bytes` are (any CID: another layout goes through CID.decode). */
export function cidOfBytes (bytes: Uint8Array): CID {
  const digestAt = bytes.length - SHA2_256_BYTES
  const multihashAt = digestAt - 2
  const v0 = multihashAt === 0
  const v1 = multihashAt === 2 && bytes[0] === 1 && (bytes[1] as number) < 0x80
  if ((!v0 && !v1) || bytes[multihashAt] !== SHA2_256 || bytes[multihashAt + 1] !== SHA2_256_BYTES) return CID.decode(bytes)
  const multihash = new Digest(SHA2_256, SHA2_256_BYTES, bytes.subarray(digestAt), bytes.subarray(multihashAt))
  return v0 ? new CID(0, 0x70, multihash, bytes) : new CID(1, bytes[1] as number, multihash, bytes)
}

/**
 * The CID of a sha2-256 `digest` under `version` (0: dag-pb) and a one-byte multicodec `code` (below
 * 0x80), laid out in one array; undefined for a longer code.
 */
export function cidOfSha256 (digest: Uint8Array, code: number, version: 0 | 1): CID | undefined {
  if (version === 1 && code >= 0x80) return undefined
  const at = version === 0 ? 0 : 2
  const bytes = new Uint8Array(at + 2 + SHA2_256_BYTES)
  if (version === 1) {
    bytes[0] = 1
    bytes[1] = code
  }
  bytes[at] = SHA2_256
  bytes[at + 1] = SHA2_256_BYTES
  bytes.set(digest, at + 2)
  return cidOfBytes(bytes)
}
