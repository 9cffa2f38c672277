/**
 * Nix store paths of fixed-output derivations whose output is a tree: `outputHashMode = "recursive"`,
 * `outputHashAlgo = "sha256"`, what fetchzip, fetchFromGitHub and builtins.fetchTarball produce. Nix
 * (src/libstore/store-api.cc, makeFixedOutputPath → makeStorePath) names such an output
 * `<storeDir>/<hash part>-<name>`, where the hash part is the nix32 of the sha256 of the fingerprint
 * `source:sha256:<base16 NAR sha256>:<storeDir>:<name>` folded to 20 bytes ("source" because the path
 * has no references).
 */
import { createDigest } from '../digest/incremental.js'
import { InvalidArgumentError } from '../errors.js'
import { foldHash, toNixBase32 } from './nix-base32.js'

/** The store directory every binary cache of the public Nix ecosystem uses. */
export const NIX_STORE_DIR = '/nix/store'

/** Length of a store path's hash part: nix32 of 20 bytes. */
export const STORE_HASH_LENGTH = 32

const utf8 = new TextEncoder()

/** Whether Nix accepts `name` as a store path name (checkName: 1 to 211 of `A-Za-z0-9+-._?=`, not starting with "."). */
export function isStoreName (name: string): boolean {
  return name.length > 0 && name.length <= 211 && !name.startsWith('.') && /^[A-Za-z0-9+\-._?=]+$/.test(name)
}

/**
 * The store path of a recursive sha256 fixed output with NAR sha256 `narSha256` and name `name`.
 *
 * @example
 * ```ts
 * fixedOutputPath(manifest.tree.strippedNar.sha256, 'source')
 * // { hashPart: 'lb4n…', path: '/nix/store/lb4n…-source' }
 * ```
 */
export function fixedOutputPath (narSha256: Uint8Array, name: string, storeDir = NIX_STORE_DIR): { hashPart: string, path: string } {
  if (!isStoreName(name)) throw new InvalidArgumentError(`${JSON.stringify(name)} is not a valid Nix store path name`)
  if (narSha256.length !== 32) throw new InvalidArgumentError('a NAR sha256 has 32 bytes')
  const hex = Array.from(narSha256, b => b.toString(16).padStart(2, '0')).join('')
  const hash = createDigest('sha256')
  hash.update(utf8.encode(`source:sha256:${hex}:${storeDir}:${name}`))
  const hashPart = toNixBase32(foldHash(hash.digest(), 20))
  return { hashPart, path: `${storeDir}/${hashPart}-${name}` }
}
