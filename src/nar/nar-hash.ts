/**
 * A NAR's sha256 and size, and the forms Nix writes a sha256 in: SRI (`sha256-<base64>`, what
 * `fetchzip { hash = …; }` takes) and nix32 (`nix-hash --type sha256 --base32`, narinfo files).
 */
import { base64 } from 'multiformats/bases/base64'
import { createDigest } from '../digest/incremental.js'
import type { NarHash } from '../schema/types.js'
import { toNixBase32 } from './nix-base32.js'

export type { NarHash }

/** `sha256-` and the standard base64 (with padding) of the digest. */
export function sriOf (sha256: Uint8Array): string {
  // multiformats' base64 is RFC 4648 without padding; SRI pads.
  const text = base64.baseEncode(sha256)
  return `sha256-${text}${'='.repeat((4 - text.length % 4) % 4)}`
}

/** `sha256:` and the nix32 of the digest, as narinfo files write NarHash. */
export function nixHashOf (sha256: Uint8Array): string {
  return `sha256:${toNixBase32(sha256)}`
}

/** Hashes bytes as they pass (a NAR stream), counting them. */
export class NarDigest {
  readonly #hash = createDigest('sha256')
  #size = 0

  update (bytes: Uint8Array): void {
    this.#hash.update(bytes)
    this.#size += bytes.length
  }

  finish (): NarHash {
    return { sha256: this.#hash.digest(), size: this.#size }
  }
}
