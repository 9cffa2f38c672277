/**
 * git archive names what does not fit after the object it writes: `<oid>.paxheader` for the 'x' header,
 * `<oid>.data` for a path that cannot be split, `see <oid>.paxheader` for a long symlink target. A
 * symlink's object is a blob holding its target, so its id follows from the target; other objects' ids
 * do not follow from the header fields, and the style writes forty '0's there (a small patch).
 */

import { sha1 } from '@noble/hashes/legacy.js'

const HEX = '0123456789abcdef'
const encoder = new TextEncoder()

/** The SHA-1 object id (hex) of a git blob with these bytes: sha1("blob <length>\0" ‖ bytes). */
export function gitBlobId (content: Uint8Array): Uint8Array {
  const head = encoder.encode(`blob ${content.length}\0`)
  const h = sha1.create().update(head).update(content).digest()
  const out = new Uint8Array(40)
  for (let i = 0; i < 20; i++) {
    out[2 * i] = HEX.charCodeAt(h[i]! >> 4)
    out[2 * i + 1] = HEX.charCodeAt(h[i]! & 15)
  }
  return out
}

/** Forty '0's: the id of an object that is not a symlink's target. */
export const UNKNOWN_OID = encoder.encode('0'.repeat(40))
