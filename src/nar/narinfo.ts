/**
 * The `.narinfo` files of a Nix binary cache (Nix src/libstore/nar-info.cc, the order NarInfo::to_string
 * writes), for store paths without references served as uncompressed NARs, and the fingerprint their
 * signatures sign (ValidPathInfo::fingerprint).
 */
import { nixHashOf } from './nar-hash.js'
import type { NarHash } from './nar-hash.js'

/** What a narinfo says of one store path. */
export interface NarInfo {
  /** The full store path (`/nix/store/<hash>-<name>`). */
  storePath: string
  /** Where the NAR is, relative to the cache's root. */
  url: string
  nar: NarHash
  /** `fixed:r:sha256:<nix32>` for a recursive sha256 fixed output: lets a client check the path from the NAR alone. */
  ca?: string
  /** `key-name:base64-signature` lines. */
  sigs?: readonly string[]
}

/** The text of a narinfo: uncompressed (FileHash and FileSize are the NAR's), no references, no deriver. */
export function narInfoText (info: NarInfo): string {
  const hash = nixHashOf(info.nar.sha256)
  return [
    `StorePath: ${info.storePath}`,
    `URL: ${info.url}`,
    // Nix reads a missing Compression as bzip2.
    'Compression: none',
    `FileHash: ${hash}`,
    `FileSize: ${info.nar.size}`,
    `NarHash: ${hash}`,
    `NarSize: ${info.nar.size}`,
    'References: ',
    ...(info.sigs ?? []).map(sig => `Sig: ${sig}`),
    ...(info.ca === undefined ? [] : [`CA: ${info.ca}`])
  ].join('\n') + '\n'
}

/** What a Nix signature of a store path signs: `1;<path>;<NarHash>;<NarSize>;<references, comma-separated>`. */
export function narInfoFingerprint (storePath: string, nar: NarHash, references: readonly string[] = []): string {
  return `1;${storePath};${nixHashOf(nar.sha256)};${nar.size};${references.join(',')}`
}

/** The CA field of a recursive sha256 fixed output. */
export function recursiveSha256Ca (narSha256: Uint8Array): string {
  return `fixed:r:${nixHashOf(narSha256)}`
}
