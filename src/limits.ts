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

/**
 * Bounds of the mirror server (`createMirrorServer`, `serve`): how much it does at once and how long it
 * waits on others. Every request is answered 503 rather than queued without end, and a stalled client or
 * upstream gateway cannot hold a slot for ever.
 */
export interface ServeLimits {
  /**
   * Responses that rebuild an archive or stream a CAR at once. Each may hold a recompressor (liblzma at
   * -6 about 94 MiB, -9 about 674 MiB; zlib and bzip2 a few MiB) plus a chunk, so this bounds memory; the
   * rebuilds share one core, so more would not add throughput.
   */
  readonly maxStreams: number
  /** Such responses waiting for a slot, in arrival order; beyond, 503 with Retry-After. */
  readonly maxQueuedStreams: number
  /** Requests of any kind in progress (queued streams included); beyond, 503 at once. */
  readonly maxRequests: number
  /** A client that takes no data for this long is disconnected, freeing its slot (ms). */
  readonly drainTimeoutMs: number
  /** One block from the upstream gateways, all tries together (ms). */
  readonly upstreamTimeoutMs: number
  /** On close, responses in progress may finish for this long before their connections are cut (ms). */
  readonly closeTimeoutMs: number
  /** Archives remembered as verified whole, whose ranges then skip to their start (see hashed-mirror.ts). */
  readonly verifiedArchives: number
  /**
   * After the Nix binary cache looked at the store's index for new archives, a store path it does not
   * know is answered 404 without looking again for this long (ms): a client asking for paths that are not
   * here (every substituter is asked for everything) must not make the server list the index each time.
   */
  readonly nixCacheRefreshMs: number
}

export const defaultServeLimits: ServeLimits = Object.freeze({
  maxStreams: 8,
  maxQueuedStreams: 256,
  maxRequests: 1024,
  drainTimeoutMs: 60_000,
  upstreamTimeoutMs: 30_000,
  closeTimeoutMs: 10_000,
  verifiedArchives: 4096,
  nixCacheRefreshMs: 10_000
})
