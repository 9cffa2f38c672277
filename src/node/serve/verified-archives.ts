/**
 * Manifests whose whole restore this server has seen match the archive's digest. A restore is a
 * deterministic function of hash-checked blocks, so once it has produced the right archive it produces it
 * again: a later Range request for that archive can then skip to its first byte (restoreArchiveRange)
 * instead of rebuilding the whole archive to check the digest first. Bounded: the oldest is forgotten.
 */
import type { CID } from 'multiformats/cid'

export class VerifiedArchives {
  readonly #max: number
  readonly #keys = new Set<string>()

  constructor (max: number) { this.#max = max }

  has (manifest: CID): boolean { return this.#keys.has(manifest.toString()) }

  add (manifest: CID): void {
    const key = manifest.toString()
    this.#keys.delete(key)
    this.#keys.add(key)
    if (this.#keys.size > this.#max) this.#keys.delete(this.#keys.values().next().value as string)
  }
}
