/**
 * Nix's binary cache keys (`nix-store --generate-binary-cache-key NAME SECRET PUBLIC`): a secret key file
 * is `NAME:` and the base64 of libsodium's 64-byte Ed25519 secret key (the 32-byte seed, then the public
 * key); a signature is `NAME:` and the base64 of the 64-byte Ed25519 signature of the text signed (Nix
 * src/libutil/crypto.cc). Ed25519 signatures are deterministic, so a path signed here and by Nix with the
 * same key carries the same signature.
 */
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { InvalidArgumentError } from '../errors.js'
import { typedFsError } from './fs-errors.js'

export interface NixSigningKey {
  /** The key's name (what `trusted-public-keys` entries start with). */
  readonly name: string
  /** `NAME:base64(public key)`, the form `trusted-public-keys` takes. */
  readonly publicKey: string
  /** `NAME:base64(signature)` of `text`. */
  sign (text: string): string
}

/** A secret key from its text (one line, as the key file holds it). Throws InvalidArgumentError for anything else. */
export function parseNixSigningKey (text: string): NixSigningKey {
  const line = text.trim()
  const colon = line.indexOf(':')
  const name = line.slice(0, colon)
  const secret = Buffer.from(line.slice(colon + 1), 'base64')
  if (colon <= 0 || secret.length !== 64 || secret.toString('base64') !== line.slice(colon + 1)) {
    throw new InvalidArgumentError('not a Nix secret key: expected NAME:BASE64 of 64 bytes (nix-store --generate-binary-cache-key)')
  }
  const seed = secret.subarray(0, 32)
  const stated = secret.subarray(32)
  let key: KeyObject
  try {
    key = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: seed.toString('base64url'), x: stated.toString('base64url') }, format: 'jwk' })
  } catch (err) {
    throw new InvalidArgumentError('not a Nix secret key: its bytes are not an Ed25519 key', {}, { cause: err })
  }
  // The public half is derived from the seed and must be the one the file states (a damaged file is refused).
  const derived = Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x as string, 'base64url')
  if (!derived.equals(stated)) throw new InvalidArgumentError('not a Nix secret key: its public half does not belong to its seed')
  return {
    name,
    publicKey: `${name}:${derived.toString('base64')}`,
    sign: (text) => `${name}:${sign(null, Buffer.from(text), key).toString('base64')}`
  }
}

/** The secret key in a file. */
export async function readNixSigningKey (path: string): Promise<NixSigningKey> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw typedFsError(err)
  }
  return parseNixSigningKey(text)
}
