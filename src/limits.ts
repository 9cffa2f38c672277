/**
 * Resource limits: every bound the library enforces on untrusted input, in one place. Each is a default a
 * caller may override (`{ limits: { maxEntries: 5_000_000 } }`); exceeding one raises LimitExceededError
 * with `details.limit` set to the name below, so nothing grows without bound and nothing hangs.
 */
export interface Limits {
  /**
   * Bytes of one PAX extended header's records ('x' or 'g'). Go's archive/tar uses the same bound after
   * CVE-2022-2879 (tar-split and others read PAX headers of any size into memory).
   */
  readonly maxPaxHeaderBytes: number
  /** Bytes of one GNU long name or long link record ('L'/'K'). Linux's PATH_MAX is 4096; this leaves room. */
  readonly maxLongNameBytes: number
  /** Header blocks of one old-GNU sparse entry's extension chain (21 map entries each). */
  readonly maxSparseExtensionBlocks: number
  /** Entries (members) in one archive; the entry list is the only state that grows with the archive. */
  readonly maxEntries: number
  /** Path components of one entry; bounds the depth of the directory tree built from the entries. */
  readonly maxPathDepth: number
}

export const defaultLimits: Limits = Object.freeze({
  maxPaxHeaderBytes: 1024 * 1024,
  maxLongNameBytes: 64 * 1024,
  maxSparseExtensionBlocks: 2048,
  maxEntries: 1_000_000,
  maxPathDepth: 1024
})

/**
 * Largest CAR header read (its roots): go-car's bound is 32 MiB; a manifest CAR's header holds one CID or
 * none, so 1 MiB is generous and keeps a crafted length from being allocated.
 */
export const MAX_CAR_HEADER_BYTES = 1024 * 1024
/** Largest CAR section (CID + block) accepted, as go-car's default: blocks this library reads stay below 2 MiB. */
export const MAX_CAR_SECTION_BYTES = 8 * 1024 * 1024

/** The defaults with the caller's overrides; never mutates either. */
export function resolveLimits (overrides: Partial<Limits> = {}): Limits {
  return Object.freeze({ ...defaultLimits, ...overrides })
}

/** Largest block this library writes or accepts (bitswap and gateways cap blocks near 2 MiB; stay well below). */
export const MAX_BLOCK_BYTES = 1024 * 1024
