/**
 * Oracles for the unpacked tree: what `ipfs add -r` of an extracted directory gives. The first is
 * ipfs-unixfs-importer itself (it has no symlinks); the second walks the directory and builds nodes with
 * this library's directory/symlink builders, for trees with symlinks (tests prove both agree without them).
 */
import { readdirSync, readFileSync, readlinkSync, lstatSync } from 'node:fs'
import { join } from 'node:path'
import { importer, type ImportCandidate } from 'ipfs-unixfs-importer'
import { MemoryBlockstore } from 'blockstore-core/memory'
import type { CID } from 'multiformats/cid'
import { discardBlocks } from '../../src/blocks.js'
import { buildDirectory, buildSymlink } from '../../src/unixfs/directory.js'
import { importBytes } from '../../src/unixfs/file-builder.js'
import { getProfile, type ProfileName } from '../../src/unixfs/profile.js'

export function hasSymlinks (dir: string): boolean {
  for (const name of readdirSync(dir)) {
    const st = lstatSync(join(dir, name))
    if (st.isSymbolicLink()) return true
    if (st.isDirectory() && hasSymlinks(join(dir, name))) return true
  }
  return false
}

/** ipfs-unixfs-importer's CID for directory `dir` imported recursively (`ipfs add -r`), and its blocks. */
export async function importerTree (dir: string, profile: ProfileName): Promise<{ cid: CID, store: MemoryBlockstore, cids: Set<string> }> {
  const candidates: ImportCandidate[] = [{ path: 'root' }]
  const walk = (abs: string, rel: string): void => {
    for (const name of readdirSync(abs).sort()) {
      const a = join(abs, name)
      const r = `${rel}/${name}`
      const st = lstatSync(a)
      if (st.isSymbolicLink()) throw new Error(`importer oracle cannot take symlink ${r}`)
      if (st.isDirectory()) { candidates.push({ path: r }); walk(a, r) } else candidates.push({ path: r, content: readFileSync(a) })
    }
  }
  walk(dir, 'root')
  const cids = new Set<string>()
  const store = new MemoryBlockstore()
  const recording = { put: (cid: CID, bytes: Uint8Array) => { cids.add(cid.toString()); return store.put(cid, bytes) }, get: store.get.bind(store), has: store.has.bind(store) }
  let root: CID | undefined
  for await (const entry of importer(candidates, recording as unknown as MemoryBlockstore, { profile })) if (entry.path === 'root') root = entry.cid
  if (root === undefined) throw new Error('importer gave no root')
  return { cid: root, store, cids }
}

/** The tree CID of `dir` built from a file system walk with this library's builders (symlinks included). */
export async function walkedTree (dir: string, profileName: ProfileName): Promise<CID> {
  const profile = getProfile(profileName)
  const build = async (abs: string): Promise<{ cid: CID, dagSize: number }> => {
    const st = lstatSync(abs)
    if (st.isSymbolicLink()) return await buildSymlink(new Uint8Array(readlinkSync(abs, { encoding: 'buffer' })), profile, discardBlocks)
    if (!st.isDirectory()) return await importBytes(readFileSync(abs), profile, discardBlocks)
    const links = []
    for (const name of readdirSync(abs)) links.push({ name, ref: await build(join(abs, name)) })
    return await buildDirectory(links, profile, discardBlocks)
  }
  return (await build(dir)).cid
}
