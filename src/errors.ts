/**
 * Typed errors. Every condition has its own class and a stable `code` string: tests and the test vectors
 * refer to codes, never to messages. Errors about archive bytes carry the byte `offset` they concern and,
 * when known, the `entry` path being read.
 */

export interface ErrorDetails {
  /** Byte offset in the (uncompressed) archive where the problem was found. */
  offset?: number
  /** Path of the archive entry concerned, as text (non-UTF-8 bytes replaced for display). */
  entry?: string
  /** Any further data a caller may want (limit name and value, expected and actual digests, …). */
  [key: string]: unknown
}

export class ArchiveManifestError extends Error {
  static readonly code: string = 'ERR_ARCHIVE_MANIFEST'
  readonly code: string
  readonly offset?: number
  readonly entry?: string
  readonly details: ErrorDetails

  constructor (message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    const where = [
      details.entry !== undefined ? `entry ${JSON.stringify(details.entry)}` : undefined,
      details.offset !== undefined ? `offset ${details.offset}` : undefined
    ].filter(Boolean).join(', ')
    super(where === '' ? message : `${message} (${where})`, options)
    this.code = (new.target as typeof ArchiveManifestError).code
    this.name = new.target.name
    this.details = details
    if (details.offset !== undefined) this.offset = details.offset
    if (details.entry !== undefined) this.entry = details.entry
  }
}

// --- Reading archive bytes ---

/** The input ended inside a header, an extension record or an entry's data. */
export class TruncatedArchiveError extends ArchiveManifestError { static override readonly code = 'ERR_TRUNCATED_ARCHIVE' }
/** A header block's checksum does not match its bytes (neither the unsigned nor the historical signed sum). */
export class HeaderChecksumError extends ArchiveManifestError { static override readonly code = 'ERR_HEADER_CHECKSUM' }
/** A numeric header field (size, mode, uid, mtime, …) is neither valid octal nor valid base-256, or is out of range. */
export class HeaderFieldError extends ArchiveManifestError { static override readonly code = 'ERR_HEADER_FIELD' }
/** A PAX extended header record is malformed (bad length, no `=`, not newline-terminated, bad value). */
export class PaxRecordError extends ArchiveManifestError { static override readonly code = 'ERR_PAX_RECORD' }
/** A path or link target contains a NUL byte, or is empty where a name is required. */
export class InvalidPathError extends ArchiveManifestError { static override readonly code = 'ERR_INVALID_PATH' }
/** A named resource limit (see limits.ts) was exceeded; `details.limit` names it. */
export class LimitExceededError extends ArchiveManifestError { static override readonly code = 'ERR_LIMIT_EXCEEDED' }
/** The bytes are not an archive format this library reads (the message says what they look like). */
export class UnsupportedFormatError extends ArchiveManifestError { static override readonly code = 'ERR_UNSUPPORTED_FORMAT' }
/**
 * The input is not an archive at all: text where the first tar header should be (`details.format`
 * "text"), or, for the CLI, an empty input ("empty"). GNU tar: "This does not look like a tar archive".
 */
export class NotAnArchiveError extends ArchiveManifestError { static override readonly code = 'ERR_NOT_AN_ARCHIVE' }

// --- Options and inputs ---

/** The profile name is not one of the IPIP-499 profiles this library implements. */
export class UnknownProfileError extends ArchiveManifestError { static override readonly code = 'ERR_UNKNOWN_PROFILE' }
/** An argument has the wrong type or value (e.g. a source that is neither bytes nor an iterable of bytes). */
export class InvalidArgumentError extends ArchiveManifestError { static override readonly code = 'ERR_INVALID_ARGUMENT' }

// --- Reading manifests and blocks back ---

/** The blockstore does not have a block that the manifest or a DAG links to. */
export class BlockNotFoundError extends ArchiveManifestError { static override readonly code = 'ERR_BLOCK_NOT_FOUND' }
/** A block's bytes do not hash to its CID. */
export class BlockHashMismatchError extends ArchiveManifestError { static override readonly code = 'ERR_BLOCK_HASH_MISMATCH' }
/** A CID uses a codec or hash function this library does not read. */
export class UnsupportedCidError extends ArchiveManifestError { static override readonly code = 'ERR_UNSUPPORTED_CID' }
/** A manifest block does not match the schema, or its parts contradict each other. */
export class InvalidManifestError extends ArchiveManifestError { static override readonly code = 'ERR_INVALID_MANIFEST' }
/** A UnixFS node is malformed (wrong type, blocksizes that do not add up, …). */
export class InvalidUnixFSError extends ArchiveManifestError { static override readonly code = 'ERR_INVALID_UNIXFS' }
/** Restored bytes do not have the size or digest the manifest records. */
export class DigestMismatchError extends ArchiveManifestError { static override readonly code = 'ERR_DIGEST_MISMATCH' }
/** One block that verification could not use: see VerifyFailedError. */
export interface BlockProblem {
  /** The block's CID. */
  cid: string
  /** The stable code of what reading it gave: ERR_BLOCK_NOT_FOUND (missing), ERR_BLOCK_HASH_MISMATCH (corrupt), ERR_UNSUPPORTED_CID, ERR_INVALID_UNIXFS or ERR_INVALID_MANIFEST (does not decode as what links it expects). */
  code: string
  message: string
  /** The parts of the manifest that link it, in walk order, at most 16: "tree/src/main.c", "stripped tree", "entries page 3: src/main.c", "archive at byte 1536". */
  where: string[]
}
/** Blocks reachable from a manifest are missing, corrupt or undecodable; `problems` lists every one found. */
export class VerifyFailedError extends ArchiveManifestError {
  static override readonly code = 'ERR_VERIFY_FAILED'
  readonly problems: readonly BlockProblem[]
  constructor (message: string, details: ErrorDetails & { problems?: BlockProblem[] } = {}, options?: { cause?: unknown }) {
    super(message, details, options)
    this.problems = details.problems ?? []
  }
}
/** The extraction target is not a new or empty directory, or the tree holds a name that is not a plain name (crafted blocks). */
export class UnsafeExtractionError extends ArchiveManifestError { static override readonly code = 'ERR_UNSAFE_EXTRACTION' }
/** `strip` was asked of a tree with no single top-level directory (the manifest has no `tree.stripped`). */
export class NoSingleTopDirectoryError extends ArchiveManifestError { static override readonly code = 'ERR_NO_SINGLE_TOP_DIRECTORY' }
/** A CAR file is malformed or does not have exactly one root. */
export class InvalidCarError extends ArchiveManifestError { static override readonly code = 'ERR_INVALID_CAR' }
/**
 * A CAR file ends inside its header or a block, or lacks its root block (the blocks a CAR is written with
 * end with the manifest root): it was cut short. `offset` is where the missing bytes begin.
 */
export class TruncatedCarError extends ArchiveManifestError { static override readonly code = 'ERR_TRUNCATED_CAR' }

// --- Files on disk (raised by the Node edge, src/node/, for the file system's errors) ---

/** A path to read does not exist, or a component of it is not a directory (ENOENT, ENOTDIR); `details.path` names it. */
export class FileNotFoundError extends ArchiveManifestError { static override readonly code = 'ERR_FILE_NOT_FOUND' }
/** A path that must be a regular file is a directory or another kind of file (EISDIR, a stat that is not a file). */
export class NotAFileError extends ArchiveManifestError { static override readonly code = 'ERR_NOT_A_FILE' }
/** Something already exists where a new file or directory was to be created (EEXIST, ENOTEMPTY). */
export class FileExistsError extends ArchiveManifestError { static override readonly code = 'ERR_FILE_EXISTS' }
/**
 * A file read more than once (opened lazily, or once to find its format and again to describe it) is not
 * the file it was: another file was put at its path, or it was cut or grown. `details.path` names it.
 */
export class FileChangedError extends ArchiveManifestError { static override readonly code = 'ERR_FILE_CHANGED' }
/** The file system refuses the operation (EACCES, EPERM, EROFS). */
export class PermissionDeniedError extends ArchiveManifestError { static override readonly code = 'ERR_PERMISSION_DENIED' }
/** The reader of the output went away before it was written (EPIPE): e.g. `restore X.car | head -c 1`. */
export class OutputClosedError extends ArchiveManifestError { static override readonly code = 'ERR_OUTPUT_CLOSED' }
/** Any other error of the file system (ENOSPC, EIO, ENAMETOOLONG, ELOOP, EMFILE, …); `details.errno` holds its code. */
export class FileSystemError extends ArchiveManifestError { static override readonly code = 'ERR_FILE_SYSTEM' }
/**
 * (Node edge) A worker thread (digests, recipe races, block encoders) stopped without answering: it ran out
 * of memory or exited. `details.worker` names which, `details.reason` says why.
 */
export class WorkerFailedError extends ArchiveManifestError { static override readonly code = 'ERR_WORKER_FAILED' }

// --- This library's own consistency checks ---

/**
 * What this library wrote does not add up to the bytes it read (a node's sizes do not read back, or the
 * archive DAG's size is not the archive's): a bug in the library, never in the input. It stops a
 * description that would otherwise give a manifest that does not restore. `details` holds the numbers.
 */
export class InternalSizeMismatchError extends ArchiveManifestError { static override readonly code = 'ERR_INTERNAL_SIZE_MISMATCH' }

// --- Zip archives ---

/** A zip record is not where or what the central directory / end records say (bad signature, offset outside the file, counts or zip64 fields that contradict each other). */
export class ZipStructureError extends ArchiveManifestError { static override readonly code = 'ERR_ZIP_STRUCTURE' }
/** A local header or data descriptor disagrees with its central directory entry (name, method, flags, CRC or sizes). */
export class ZipHeaderMismatchError extends ArchiveManifestError { static override readonly code = 'ERR_ZIP_HEADER_MISMATCH' }
/** Two entries' byte ranges overlap (the "overlapping files" zip bomb), or an entry overlaps the central directory. */
export class ZipOverlappingEntriesError extends ArchiveManifestError { static override readonly code = 'ERR_ZIP_OVERLAPPING_ENTRIES' }

// --- Compressed containers (gzip, bzip2, xz, zstd) ---

/** Compressed data is malformed: a bad header or magic, an invalid code, or a CRC32 / ISIZE / check mismatch. `offset` is a byte offset in the compressed input (not the archive); `details.format` names the codec and `details.reason` the problem. */
export class CorruptCompressedDataError extends ArchiveManifestError { static override readonly code = 'ERR_CORRUPT_COMPRESSED' }
/** The compressed input ended inside a gzip member, bzip2 stream, xz stream or zstd frame. `offset` is the compressed input's length; `details.format` names the codec. */
export class TruncatedCompressedDataError extends ArchiveManifestError { static override readonly code = 'ERR_TRUNCATED_COMPRESSED' }

// --- Stores and the hash index ---

/** A hash given to look up or index is not the lower-case hex of a digest of a known algorithm (sha256: 64 digits, sha512: 128); `details.algorithm` names the algorithm asked for. */
export class InvalidHashError extends ArchiveManifestError { static override readonly code = 'ERR_INVALID_HASH' }
/** A hash index does not have the shape docs/spec.md "Hash index" gives (no `sha256`/`sha512` directory, an entry name that is not a digest, an entry that does not link a dag-cbor manifest); `details.cid` names the node. */
export class InvalidIndexError extends ArchiveManifestError { static override readonly code = 'ERR_INVALID_INDEX' }
/** A store directory is not a store, or its index-root file is missing, malformed or names a root the store does not hold; `details.path` names the file. */
export class InvalidStoreError extends ArchiveManifestError { static override readonly code = 'ERR_INVALID_STORE' }

// --- Fetching archives by hash (gateways and mirrors) ---

/** A gateway or mirror could not be used: unreachable, an error status (404, 5xx), no answer in time, or a body cut short. `details.url` names it. */
export class SourceUnavailableError extends ArchiveManifestError { static override readonly code = 'ERR_SOURCE_UNAVAILABLE' }
/** The hash index has no archive with the requested digest (an answer from verified index blocks: every gateway gives the same). */
export class HashNotIndexedError extends ArchiveManifestError { static override readonly code = 'ERR_HASH_NOT_INDEXED' }
/** What one gateway or mirror gave when it was tried: see FetchFailedError. */
export interface SourceFailure {
  /** `gateway` (blocks through the hash index) or `mirror` (the archive at `<url>/<algorithm>/<hex>`). */
  kind: 'gateway' | 'mirror'
  url: string
  /** The stable code of the failure: ERR_SOURCE_UNAVAILABLE, ERR_BLOCK_NOT_FOUND (no valid block), ERR_DIGEST_MISMATCH, … */
  code: string
  message: string
}
/** Every gateway and mirror was tried and none gave the archive; `failures` says what each gave, in the order tried. */
export class FetchFailedError extends ArchiveManifestError {
  static override readonly code = 'ERR_FETCH_FAILED'
  readonly failures: readonly SourceFailure[]
  constructor (message: string, details: ErrorDetails & { failures?: SourceFailure[] } = {}, options?: { cause?: unknown }) {
    super(message, details, options)
    this.failures = details.failures ?? []
  }
}

/** Every error class, for documentation and for the test that proves codes are unique. */
export const errorClasses = [
  TruncatedArchiveError, HeaderChecksumError, HeaderFieldError, PaxRecordError, InvalidPathError,
  LimitExceededError, UnsupportedFormatError, NotAnArchiveError, UnknownProfileError, InvalidArgumentError, BlockNotFoundError,
  BlockHashMismatchError, UnsupportedCidError, InvalidManifestError, InvalidUnixFSError, DigestMismatchError,
  VerifyFailedError, UnsafeExtractionError, NoSingleTopDirectoryError, InvalidCarError, TruncatedCarError, InternalSizeMismatchError,
  ZipStructureError, ZipHeaderMismatchError, ZipOverlappingEntriesError,
  CorruptCompressedDataError, TruncatedCompressedDataError,
  FileNotFoundError, NotAFileError, FileChangedError, FileExistsError, PermissionDeniedError, OutputClosedError, FileSystemError,
  InvalidHashError, InvalidIndexError, InvalidStoreError,
  SourceUnavailableError, HashNotIndexedError, FetchFailedError
] as const
