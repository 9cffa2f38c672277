/**
 * git archive names what does not fit after the object it writes: `<oid>.paxheader` for the 'x' header,
 * `<oid>.data` for a path that cannot be split, `see <oid>.paxheader` for a long symlink target. A
 * symlink's object is a blob holding its target, so its id follows from the target; other objects' ids
 * do not follow from the header fields, and the style writes forty '0's there (a small patch).
 */

import { nodeCrypto, type NodeCrypto } from '../../../digest/node-crypto.js'

/** Node's SHA-1 where there is one; @noble/hashes's is loaded only where there is not (#16, start-up). */
const sha1 = nodeCrypto === undefined ? (await import('@noble/hashes/legacy.js')).sha1 : undefined

const HEX = '0123456789abcdef'
const encoder = new TextEncoder()

/** The SHA-1 object id (hex) of a git blob with these bytes: sha1("blob <length>\0" ‖ bytes). */
export function gitBlobId (content: Uint8Array): Uint8Array {
  const head = encoder.encode(`blob ${content.length}\0`)
  const hash = sha1 !== undefined ? sha1.create() : (nodeCrypto as NodeCrypto).createHash('sha1')
  hash.update(head)
  hash.update(content)
  const h = hash.digest()
  const out = new Uint8Array(40)
  for (let i = 0; i < 20; i++) {
    out[2 * i] = HEX.charCodeAt(h[i]! >> 4)
    out[2 * i + 1] = HEX.charCodeAt(h[i]! & 15)
  }
  return out
}

/** Forty '0's: the id of an object that is not a symlink's target. */
export const UNKNOWN_OID = encoder.encode('0'.repeat(40))
