/**
 * The reference implementation for parity tests: ipfs-unixfs-importer 17 with an IPIP-499 profile, and a
 * blockstore that records which CIDs were put (to compare block sets, not only roots).
 */
import { MemoryBlockstore } from 'blockstore-core/memory'
import { importer, type ImportCandidate, type ImporterOptions } from 'ipfs-unixfs-importer'
import type { CID } from 'multiformats/cid'
import { profiles, type ProfileName } from '../../src/unixfs/profile.js'

export const profileNames = Object.keys(profiles) as ProfileName[]

/** A MemoryBlockstore that remembers the CID of every put. */
export class RecordingBlockstore extends MemoryBlockstore {
  readonly cids = new Set<string>()
  override put (cid: CID, bytes: Uint8Array): CID {
    this.cids.add(cid.toString())
    return super.put(cid, bytes) as CID
  }
}

/** Imports candidates with the importer under `profile` and returns the last result (the root) and the store. */
export async function importerRoot (candidates: ImportCandidate[], profile: ProfileName, options: ImporterOptions = {}): Promise<{ cid: CID, store: RecordingBlockstore }> {
  const store = new RecordingBlockstore()
  let root: CID | undefined
  for await (const entry of importer(candidates, store, { ...options, profile })) root = entry.cid
  if (root === undefined) throw new Error('importer produced nothing')
  return { cid: root, store }
}

/** The importer's CID of one file given as pieces. */
export async function importerFile (pieces: Uint8Array[], profile: ProfileName, options: ImporterOptions = {}): Promise<{ cid: CID, store: RecordingBlockstore }> {
  return await importerRoot([{ content: pieces }], profile, options)
}

/** The importer's CID of directory `d` holding the given files (the common root path keeps it as the result). */
export async function importerDirectory (files: Array<{ name: string, content: Uint8Array }>, profile: ProfileName): Promise<{ cid: CID, store: RecordingBlockstore }> {
  return await importerRoot(files.map(({ name, content }) => ({ path: `d/${name}`, content })), profile)
}

/** Splits bytes at the given cut points (any order, duplicates allowed). */
export function splitAt (bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map(cut => Math.min(cut, bytes.length)))].sort((a, b) => a - b)
  const pieces: Uint8Array[] = []
  let at = 0
  for (const point of [...points, bytes.length]) {
    pieces.push(bytes.subarray(at, point))
    at = point
  }
  return pieces
}
