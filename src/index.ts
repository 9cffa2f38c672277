/**
 * ipld-archive-manifest: describe an existing tar archive as UnixFS chunks in a deterministic IPLD
 * manifest, deduplicated with the unpacked tree, and rebuild it byte for byte.
 *
 * This entry point is pure (bytes and async iterables in, CIDs and blocks out) and runs in browsers;
 * file system helpers and the CLI are in `ipld-archive-manifest/node`.
 */
export { manifestFromTarball, type ManifestOptions, type ManifestResult } from './manifest/create.js'
export { manifestFromZip, type ZipManifestOptions } from './manifest/zip.js'
export { bytesSource, type RandomAccessSource } from './archive/zip/index.js'
export { restoreArchive, restoreArchiveRange, type RestoreOptions } from './manifest/restore.js'
export type { BlockEncoders } from './compression/recipe/blocks.js'
export type { RecipeRaces, RacePlan } from './compression/recipe/races.js'
export type { TreeFiles } from './manifest/files-tree.js'
export { materializeView } from './manifest/materialize.js'
export { tarBytes } from './manifest/tar-stream.js'
export { verifyManifest, type VerifyReport } from './manifest/verify.js'
export { loadManifest, loadEntries, loadTarEntries, loadZipEntries } from './manifest/load.js'
export { exportCar, importCar, walkBlocks } from './codec/car.js'
export { decodeManifest, decodeEntryPage } from './codec/manifest-codec.js'
export { toDagJson } from './codec/dag-json.js'
export { readFile } from './unixfs/file-reader.js'
export { nar, type NarOptions } from './nar/nar.js'
export { sriOf, nixHashOf } from './nar/nar-hash.js'
export { toNixBase32 } from './nar/nix-base32.js'
export { profiles, getProfile, defaultProfileName, type Profile, type ProfileName } from './unixfs/profile.js'
export { defaultLimits, defaultServeLimits, type Limits, type ServeLimits } from './limits.js'
export { addToIndex, lookupHash, listIndex, emptyIndex, indexProfile, type IndexEntry, type IndexOptions } from './store/hash-index.js'
export { checkHashHex, isHashHex, hashAlgorithms, hashHexLength, type HashAlgorithm } from './store/hash-hex.js'
export { archiveStats, type ArchiveStats, type RebuildKind } from './store/archive-stats.js'
export { fetchArchive, DEFAULT_FETCH_TIMEOUT_MS, type ArchiveDigest, type FetchSources, type FetchTuning, type FetchArchiveOptions } from './fetch/fetch-archive.js'
export { MemoryBlocks, discardBlocks, type BlockSink, type BlockSource, type Blockstore } from './blocks.js'
export type { ByteSource } from './source.js'
export type { Manifest, Archive, ArchiveFormat, Compression, CompressedMember, Recipe, Tar, Tree, NarHash, Entry, EntryPage, EntryRecord, PatchRun, EntryType, Exclusion, Name, Zip, ZipEntry, ZipEntryPage, ZipEntryType, AnyEntry } from './schema/types.js'
export * from './errors.js'
