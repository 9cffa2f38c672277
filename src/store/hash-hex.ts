/**
 * The digests the hash index is keyed by, and the one spelling of each that it accepts: lower-case hex of
 * exactly the digest's length, as Nix's hashed mirrors (`<mirror>/sha256/<hex>`) and `sha256sum` write it.
 * One spelling per digest keeps one index entry per archive, and keeps URLs from naming anything else.
 */
import { InvalidHashError } from '../errors.js'

/** The digest algorithms an archive is indexed by (docs/spec.md "Hash index"). */
export type HashAlgorithm = 'sha256' | 'sha512'

/** Hex digits of each algorithm's digest. */
export const hashHexLength: Readonly<Record<HashAlgorithm, number>> = Object.freeze({ sha256: 64, sha512: 128 })

/** The algorithms, in the order the index lists them. */
export const hashAlgorithms: readonly HashAlgorithm[] = Object.freeze(['sha256', 'sha512'])

const HEX = /^[0-9a-f]*$/

/** Whether `name` is one of the index's algorithms. */
export function isHashAlgorithm (name: string): name is HashAlgorithm {
  return Object.hasOwn(hashHexLength, name)
}

/** `name` as one of the index's algorithms; ERR_INVALID_HASH for any other. */
export function checkHashAlgorithm (name: string): HashAlgorithm {
  if (!isHashAlgorithm(name)) {
    throw new InvalidHashError(`unknown hash algorithm ${JSON.stringify(name)}; expected ${hashAlgorithms.join(' or ')}`, { algorithm: name })
  }
  return name
}

/**
 * Checks that `hex` is a digest of `algorithm` as the index spells it, and returns the algorithm; anything
 * else (another algorithm, upper case, another length, any other character) is ERR_INVALID_HASH.
 *
 * @example
 * ```ts
 * checkHashHex('sha256', '31e066137a962676e89f69d1b65382de95a7ef7d914b8cb956f41ea72e0f516b') // 'sha256'
 * checkHashHex('sha256', '31E0…') // throws InvalidHashError
 * ```
 */
export function checkHashHex (name: string, hex: string): HashAlgorithm {
  const algorithm = checkHashAlgorithm(name)
  if (!isHashHex(algorithm, hex)) {
    throw new InvalidHashError(`a ${algorithm} digest is ${hashHexLength[algorithm]} lower-case hex digits; got ${JSON.stringify(String(hex).slice(0, 160))}`, { algorithm })
  }
  return algorithm
}

/** Whether `hex` is a digest of `algorithm` as the index spells it (see checkHashHex). */
export function isHashHex (algorithm: HashAlgorithm, hex: unknown): boolean {
  return typeof hex === 'string' && hex.length === hashHexLength[algorithm] && HEX.test(hex)
}
