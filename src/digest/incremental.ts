/**
 * Incremental SHA-2 for whole-archive digests (multiformats hashes a whole buffer at once; an archive
 * arrives as a stream): Node's hashes when the runtime offers them (node-crypto.ts), in browsers
 * @noble/hashes (audited, dependency-free).
 */
import { nodeCrypto } from './node-crypto.js'

/** @noble/hashes only where Node's hashes are missing: on Node it is never loaded (#16, start-up). */
const noble = nodeCrypto === undefined ? await import('@noble/hashes/sha2.js') : undefined

export type DigestName = 'sha256' | 'sha512'

export interface IncrementalDigest {
  update(bytes: Uint8Array): void
  digest(): Uint8Array
}

export function createDigest (name: DigestName): IncrementalDigest {
  if (nodeCrypto !== undefined) {
    const hash = nodeCrypto.createHash(name)
    return {
      update (bytes) { hash.update(bytes) },
      digest () { return new Uint8Array(hash.digest()) }
    }
  }
  const sha2 = noble as typeof import('@noble/hashes/sha2.js')
  const hash = (name === 'sha256' ? sha2.sha256 : sha2.sha512).create()
  return {
    update (bytes) { hash.update(bytes) },
    digest () { return hash.digest() }
  }
}

export interface ArchiveDigestValues { size: number, sha256: Uint8Array, sha512: Uint8Array }

/**
 * Computes the digests a manifest records for an archive over one pass of its bytes. `update` may return a
 * promise to slow the caller down (a digester running elsewhere applies backpressure that way); the bytes
 * passed in must not be modified afterwards.
 */
export interface ArchiveDigester {
  update(bytes: Uint8Array): void | Promise<void>
  finish(): ArchiveDigestValues | Promise<ArchiveDigestValues>
}

/** The in-thread digester: size, sha256 and sha512 computed as the bytes pass. */
export class ArchiveDigests implements ArchiveDigester {
  #size = 0
  readonly #sha256 = createDigest('sha256')
  readonly #sha512 = createDigest('sha512')

  update (bytes: Uint8Array): void {
    this.#size += bytes.length
    this.#sha256.update(bytes)
    this.#sha512.update(bytes)
  }

  finish (): ArchiveDigestValues {
    return { size: this.#size, sha256: this.#sha256.digest(), sha512: this.#sha512.digest() }
  }
}
