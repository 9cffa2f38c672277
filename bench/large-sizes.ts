/**
 * BENCH_ONLY=large (issue #13): files and tars of 2 GiB to 4 GiB, whose sizes need varints of 32 bits and
 * more, checked against encoders that are not JavaScript. Too slow for `npm test`, which keeps a decisive
 * subset (test/unixfs/large-sizes.test.ts):
 *   - every CID in ipfsCidOfZeros (2^31 - 512 to 2^32 + 1) recomputed now by Debian's ipfs_cid (Rust) on a
 *     sparse file and compared with ours and with the recorded one (unixfs-v0-2015);
 *   - a plain tar (both profiles) and a Node-zlib level 1 .tar.gz (unixfs-v1-2025) of one 3e9-byte file:
 *     described, the archive (or tar) DAG root read with the independent reader, restored, sha256 compared.
 * Nothing is written but sparse files; the time is hashing (ipfs_cid also reads the whole file into memory).
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { createGzip } from 'node:zlib'
import { discardBlocks, MemoryBlocks } from '../src/blocks.js'
import { manifestFromTarball } from '../src/manifest/create.js'
import { restoreArchive } from '../src/manifest/restore.js'
import { materializeView } from '../src/manifest/materialize.js'
import { FileDagBuilder } from '../src/unixfs/file-builder.js'
import { getProfile, type ProfileName } from '../src/unixfs/profile.js'
import { ipfsCidOfZeros, ipfsCidV0, sparseFile, zeros, zeroTar, zeroTarSize } from '../test/helpers/large.js'
import { pbNodeData, readUnixFSFile } from '../test/helpers/protobuf.js'

const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`

function fail (message: string): void {
  console.log(`  MISMATCH: ${message}`)
  process.exitCode = 1
}

async function fileCids (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'iam-bench-large-'))
  try {
    const sizes = Object.keys(ipfsCidOfZeros).map(Number).sort((a, b) => a - b)
    for (const size of sizes) {
      const path = sparseFile(dir, size)
      let t = performance.now()
      const theirs = await ipfsCidV0(path)
      const theirTime = seconds(t)
      rmSync(path)
      t = performance.now()
      const builder = new FileDagBuilder(getProfile('unixfs-v0-2015'), discardBlocks)
      for await (const piece of zeros(size)) await builder.write(piece)
      const ours = (await builder.finish()).cid.toString()
      console.log(`  ${String(size).padStart(10)} zero bytes: ipfs_cid ${theirs} (${theirTime}), ours ${ours === theirs ? 'equal' : ours} (${seconds(t)})`)
      if (ours !== theirs) fail(`${size}: ${ours} != ${theirs}`)
      const recorded = ipfsCidOfZeros[size]
      if (recorded !== undefined && recorded !== theirs) fail(`the recorded CID for ${size} is ${recorded}, ipfs_cid gives ${theirs}`)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function tarCase (size: number, profile: ProfileName, gzip: boolean): Promise<void> {
  const hash = createHash('sha256')
  const source = gzip ? Readable.from(zeroTar('big.bin', size)).pipe(createGzip({ level: 1 })) : Readable.from(zeroTar('big.bin', size))
  const input = (async function * () { for await (const chunk of source) { hash.update(chunk); yield chunk as Uint8Array } })()
  const store = new MemoryBlocks()
  let t = performance.now()
  const result = await manifestFromTarball(input, { profile, blockstore: store, reread: () => { throw new Error('no recipe found') } })
  const created = seconds(t)
  // The tar's view, materialized: its root records the sizes a correct UnixFS encoder writes.
  const tarRoot = result.manifest.tar === undefined ? result.archiveCid : await materializeView(result.cid, store)
  const fields = readUnixFSFile(pbNodeData(store.get(tarRoot)))
  const tarSize = zeroTarSize(size)
  const want = `filesize ${tarSize}, blocksizes 512,${size},${tarSize - 512 - size}`
  const got = `filesize ${fields.filesize ?? '-'}, blocksizes ${fields.blocksizes.join(',')}`
  t = performance.now()
  const restored = createHash('sha256')
  let restoredSize = 0
  for await (const chunk of restoreArchive(result.cid, store)) { restored.update(chunk); restoredSize += chunk.length }
  const same = restoredSize === result.manifest.archive.size && restored.digest('hex') === hash.digest('hex')
  console.log(`  ${gzip ? '.tar.gz (zlib 1)' : 'tar'} of a ${size}-byte file, ${profile}: create ${created}, restore ${seconds(t)}, ` +
    `tar root ${got === want ? 'right' : got}, restore ${same ? 'exact' : 'DIFFERS'}`)
  if (got !== want) fail(`tar root: ${got}, expected ${want}`)
  if (!same) fail('restore differs')
}

export async function largeSizesBench (): Promise<void> {
  console.log('Sizes of 2 GiB to 4 GiB (issue #13): unixfs-v0-2015 CIDs of zero files against ipfs_cid (Rust)')
  await fileCids()
  console.log('Tars holding one 3e9-byte file: described, tar root read with the independent reader, restored')
  for (const profile of ['unixfs-v1-2025', 'unixfs-v0-2015'] as const) await tarCase(3e9, profile, false)
  await tarCase(3e9, 'unixfs-v1-2025', true)
  console.log()
}
