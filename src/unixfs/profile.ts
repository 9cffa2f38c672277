import { UnknownProfileError } from '../errors.js'

/** The two UnixFS CID profiles of IPIP-499 (ipfs/specs src/ipips/ipip-0499.md). */
export type ProfileName = 'unixfs-v1-2025' | 'unixfs-v0-2015'

/**
 * Everything that decides the CIDs of a UnixFS import. A profile is immutable and is recorded by name in
 * every manifest: the same bytes under another profile have other CIDs, so the name must travel with them.
 */
export interface Profile {
  readonly name: ProfileName
  readonly cidVersion: 0 | 1
  /** Fixed-size chunker: every chunk but a file's last has exactly this many bytes. */
  readonly chunkSize: number
  /** Balanced layout: at most this many links in one File node. */
  readonly fileWidth: number
  /** true: leaves are raw blocks (codec 0x55); false: dag-pb UnixFS File nodes holding the chunk in Data. */
  readonly rawLeaves: boolean
  /** HAMT fanout (children per shard node). */
  readonly hamtFanout: number
  /** A directory is sharded when its measure (see `hamtMeasure`) is greater than this many bytes. */
  readonly hamtThreshold: number
  /**
   * `block-bytes`: the measure is the exact size of the flat directory's dag-pb block.
   * `links-bytes`: the measure is the sum over links of (name bytes + CID bytes).
   */
  readonly hamtMeasure: 'block-bytes' | 'links-bytes'
}

export const profiles: Readonly<Record<ProfileName, Profile>> = Object.freeze({
  'unixfs-v1-2025': Object.freeze({
    name: 'unixfs-v1-2025',
    cidVersion: 1,
    chunkSize: 1048576,
    fileWidth: 1024,
    rawLeaves: true,
    hamtFanout: 256,
    hamtThreshold: 262144,
    hamtMeasure: 'block-bytes'
  }),
  'unixfs-v0-2015': Object.freeze({
    name: 'unixfs-v0-2015',
    cidVersion: 0,
    chunkSize: 262144,
    fileWidth: 174,
    rawLeaves: false,
    hamtFanout: 256,
    hamtThreshold: 262144,
    hamtMeasure: 'links-bytes'
  })
})

export const defaultProfileName: ProfileName = 'unixfs-v1-2025'

/** Looks a profile up by name; a Profile object passes through unchanged. */
export function getProfile (profile: ProfileName | Profile = defaultProfileName): Profile {
  if (typeof profile === 'object' && profile !== null) return getProfile(profile.name)
  const found = (profiles as Record<string, Profile | undefined>)[profile]
  if (found === undefined) {
    throw new UnknownProfileError(`unknown UnixFS profile ${JSON.stringify(profile)}; expected one of ${Object.keys(profiles).join(', ')}`)
  }
  return found
}
