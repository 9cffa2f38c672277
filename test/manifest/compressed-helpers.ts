/** Shared by the compressed-tarball tests: run a tool, and describe-then-restore a compressed archive. */
import { expect } from 'vitest'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { CID } from 'multiformats/cid'
import { MemoryBlocks, manifestFromTarball, restoreArchive, exportCar, importCar } from '../../src/index.js'
import { importerFile } from '../unixfs/oracle.js'

export const tool = (cmd: string, args: string[], input: Uint8Array): Uint8Array => new Uint8Array(execFileSync(cmd, args, { input, maxBuffer: 1 << 28 }))
export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

export async function collect (chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const c of chunks) parts.push(c)
  return new Uint8Array(Buffer.concat(parts))
}

/** Describes `archive`, checks the inner tar against the plain tar's description, restores from `keep` blocks. */
export async function check (archive: Uint8Array, inner: Uint8Array) {
  const blocks = new MemoryBlocks()
  const result = await manifestFromTarball(archive, { blockstore: blocks })
  const plain = await manifestFromTarball(inner)
  expect(result.treeCid.toString()).toBe(plain.treeCid.toString())
  expect(Buffer.from(result.manifest.tar!.view).toString("hex")).toBe(Buffer.from(plain.manifest.tar!.view).toString("hex"))
  expect(Buffer.from(result.manifest.tar!.sha256).toString('hex')).toBe(sha256(inner))
  expect(Buffer.from(result.manifest.archive.sha256).toString('hex')).toBe(sha256(archive))
  // What `ipfs add` gives the compressed file, recorded as bytes.
  const fileCid = CID.decode(result.manifest.compression?.fileCid as Uint8Array)
  expect(fileCid.toString()).toBe((await importerFile([archive], 'unixfs-v1-2025')).cid.toString())
  // Restore through a CAR of exactly the manifest's DAG: recipes need no compressed block.
  const car = await collect(exportCar(result.cid, blocks))
  const fresh = new MemoryBlocks()
  await importCar(car, fresh)
  expect(Buffer.compare(Buffer.from(await collect(restoreArchive(result.cid, fresh))), Buffer.from(archive))).toBe(0)
  return { result, blocks: fresh }
}

