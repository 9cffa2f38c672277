/**
 * Splitting a long path into the ustar prefix (155 bytes) and name (100 bytes) at a '/'. POSIX leaves the
 * choice of '/' open; writers differ:
 * - longest prefix (GNU tar, Go, git archive): the last '/' that leaves a prefix of at most `maxPrefix`
 *   bytes, not counting a trailing '/' of the path; git's search starts one byte earlier (prefix ≤ 154);
 * - shortest prefix (Python's tarfile, libarchive): the first '/' that leaves a name of at most 100 bytes.
 * Paths of at most 100 bytes are not split.
 */

const SLASH = 0x2f
const NAME = 100
const PREFIX = 155

/** A split: the '/' at `at` separates prefix `path[0, at)` from name `path[at + 1, …)`. */
export type Split = number

/** GNU tar's split_long_name (maxPrefix 155) and git's get_path_prefix (154). -1 when impossible. */
export function splitLongest (path: Uint8Array, maxPrefix: 154 | 155): Split {
  const n = path.length
  let end = n
  if (end > 1 && path[end - 1] === SLASH) end-- // a directory's trailing '/' stays in the name
  if (end > maxPrefix + 1) end = maxPrefix + 1
  let i = end - 1
  while (i > 0 && path[i] !== SLASH) i--
  const nameLength = n - i - 1
  if (i <= 0 || nameLength > NAME || nameLength === 0) return -1
  return i
}

/**
 * The first '/' at or after n - 101 (so that the name fits), with a prefix of at most 155 bytes.
 * `libarchive`: never a '/' at offset 0 and never an empty name; `python` allows both (it splits the
 * path into components and tries prefixes of 1, 2, … components). -1 when impossible.
 */
export function splitShortest (path: Uint8Array, variant: 'libarchive' | 'python'): Split {
  const n = path.length
  let i = Math.max(0, n - NAME - 1)
  while (i < n && path[i] !== SLASH) i++
  if (variant === 'libarchive' && i === 0) {
    i = 1
    while (i < n && path[i] !== SLASH) i++
  }
  if (i >= n || i > PREFIX) return -1
  if (variant === 'libarchive' && i === n - 1) return -1
  return i
}
