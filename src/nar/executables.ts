/**
 * Which files of the unpacked tree are executable. The tree itself has no modes (UnixFS without mode,
 * §9), so the entries say it: extraction (GNU tar, unzip) gives a file its entry's permission bits, and
 * Nix keeps one bit of them, the owner's execute bit (S_IXUSR: `nix-store --dump` writes "executable").
 * Entries are applied in archive order as the tree applies them: a file entry sets its path's bit, a
 * hardlink takes its target's bit as it is at that point (link(2) shares the target's inode), and a later
 * entry at the same path replaces it.
 */
import type { AnyEntry, Name } from '../schema/types.js'
import { treePath } from '../unixfs/tree-path.js'

const OWNER_EXECUTE = 0o100
const utf8 = new TextEncoder()

/** What this needs of an entry: a tar `Entry` and a zip `ZipEntry` both have it. */
type ModeEntry = Pick<AnyEntry, 'type' | 'path' | 'mode' | 'excluded'> & { linkTarget?: Name }

export class ExecutableFiles {
  /** Executable bit by path (components joined by '/', which no component holds), for files only. */
  readonly #bits = new Map<string, boolean>()

  /** Applies the next entry in archive order. */
  add (entry: ModeEntry): void {
    // Entries that never entered the tree set nothing; a shadowed one was in it until replaced.
    if (entry.excluded !== undefined && entry.excluded !== 'shadowed') return
    const key = keyOf(entry.path)
    if (key === undefined) return
    if (entry.type === 'file') {
      this.#bits.set(key, ((entry.mode ?? 0) & OWNER_EXECUTE) !== 0)
    } else if (entry.type === 'hardlink') {
      const target = entry.linkTarget === undefined ? undefined : keyOf(entry.linkTarget)
      this.#bits.set(key, target !== undefined && this.#bits.get(target) === true)
    } else {
      this.#bits.delete(key)
    }
  }

  /** Whether the file at `path` (tree components from the root) is executable. */
  isExecutable (path: readonly string[]): boolean {
    return this.#bits.get(path.join('/')) === true
  }
}

function keyOf (name: Name): string | undefined {
  const parts = treePath(typeof name === 'string' ? utf8.encode(name) : name)
  return typeof parts === 'string' ? undefined : parts.join('/')
}
