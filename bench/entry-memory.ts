/**
 * Memory per entry (issue #13): describing N empty files as a tar and as a zip, and verifying each from a
 * CAR file. One measurement per process, so that its peak RSS is its own:
 *   node --expose-gc dist/bench/entry-memory.js tar|zip|verify-tar|verify-zip N
 * prints one JSON line: { kind, entries, seconds, peakRssMB, bytesPerEntry } where bytesPerEntry is the
 * peak RSS less the RSS before the measured step (the input already made), over N.
 */
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { discardBlocks } from '../src/blocks.js'
import { manifestFromTarball } from '../src/manifest/create.js'
import { verifyManifest } from '../src/manifest/verify.js'
import { manifestFromZip } from '../src/manifest/zip.js'
import { createCarFile, openCarFile } from '../src/node/car-file.js'

const [kind = 'tar', countArg = '200000', writer] = process.argv.slice(2)
const count = Number(countArg)
/** 1000 files per directory, names of one length (12 bytes) up to a million. */
const name = (i: number): string => `d${String(Math.floor(i / 1000)).padStart(3, '0')}/f${String(i).padStart(6, '0')}`

/** A GNU tar header (`ustar  \0` magic, 7-digit NUL-terminated numbers) for an empty regular file. */
function tarHeader (path: string): Uint8Array {
  const h = Buffer.alloc(512)
  h.write(path, 0)
  h.write('0000644\0', 100); h.write('0001750\0', 108); h.write('0001750\0', 116)
  h.write('00000000000\0', 124); h.write('14537333000\0', 136)
  h.write('        ', 148); h[156] = 0x30; h.write('ustar  \0', 257); h.write('user', 265); h.write('user', 297)
  let sum = 0
  for (const b of h) sum += b
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148)
  return h
}

/** The tar, made as it is read (never whole in memory): 64 headers per chunk, then the two end blocks. */
async function * tarChunks (): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i += 64) {
    const parts: Uint8Array[] = []
    for (let j = i; j < Math.min(count, i + 64); j++) parts.push(tarHeader(name(j)))
    yield Buffer.concat(parts)
  }
  yield new Uint8Array(1024)
}

/**
 * A zip of empty stored files as Info-ZIP's `zip -r` writes them: each header with an extended timestamp
 * (0x5455; mtime and atime in the local header, mtime in the directory) and a Unix uid/gid field (0x7875),
 * then zip64 end records (the 16-bit counts of the end record cannot hold N). Written into one buffer: a
 * piece per header would take more memory than describing the zip.
 */
function zipBytes (): Uint8Array {
  const ux = Buffer.from('75780b000104e803000004e8030000', 'hex')
  const localExtra = Buffer.concat([Buffer.from('555409000341e8156b41e8156b', 'hex'), ux])
  const centralExtra = Buffer.concat([Buffer.from('555405000341e8156b', 'hex'), ux])
  const nameLength = name(0).length
  const localSize = 30 + nameLength + localExtra.length
  const centralSize = 46 + nameLength + centralExtra.length
  const cdOffset = count * localSize
  const cdSize = count * centralSize
  const z = Buffer.alloc(cdOffset + cdSize + 56 + 20 + 22)
  for (let i = 0; i < count; i++) {
    const l = i * localSize
    z.writeUInt32LE(0x04034b50, l); z.writeUInt16LE(10, l + 4); z.writeUInt16LE(0xb723, l + 10); z.writeUInt16LE(0x5d86, l + 12)
    z.writeUInt16LE(nameLength, l + 26); z.writeUInt16LE(localExtra.length, l + 28)
    z.write(name(i), l + 30, 'latin1'); localExtra.copy(z, l + 30 + nameLength)
    const c = cdOffset + i * centralSize
    z.writeUInt32LE(0x02014b50, c); z.writeUInt16LE(0x031e, c + 4); z.writeUInt16LE(10, c + 6); z.writeUInt16LE(0xb723, c + 12); z.writeUInt16LE(0x5d86, c + 14)
    z.writeUInt16LE(nameLength, c + 28); z.writeUInt16LE(centralExtra.length, c + 30); z.writeUInt32LE((0o100644 << 16) >>> 0, c + 38); z.writeUInt32LE(l, c + 42)
    z.write(name(i), c + 46, 'latin1'); centralExtra.copy(z, c + 46 + nameLength)
  }
  // Zip64 end record and locator (APPNOTE 4.3.14, 4.3.15), then an end record pointing to them.
  const e64 = cdOffset + cdSize
  z.writeUInt32LE(0x06064b50, e64); z.writeBigUInt64LE(44n, e64 + 4); z.writeUInt16LE(45, e64 + 12); z.writeUInt16LE(45, e64 + 14)
  z.writeBigUInt64LE(BigInt(count), e64 + 24); z.writeBigUInt64LE(BigInt(count), e64 + 32)
  z.writeBigUInt64LE(BigInt(cdSize), e64 + 40); z.writeBigUInt64LE(BigInt(cdOffset), e64 + 48)
  const locator = e64 + 56
  z.writeUInt32LE(0x07064b50, locator); z.writeBigUInt64LE(BigInt(e64), locator + 8); z.writeUInt32LE(1, locator + 16)
  const end = locator + 20
  z.writeUInt32LE(0x06054b50, end); z.writeUInt16LE(0xffff, end + 8); z.writeUInt16LE(0xffff, end + 10)
  z.writeUInt32LE(0xffffffff, end + 12); z.writeUInt32LE(0xffffffff, end + 16)
  return z
}

// The zip is read at random, so it is in memory before the baseline (the tar is made as it is read).
const zip = kind === 'zip' || kind === 'write-zip' ? zipBytes() : new Uint8Array(0)

/**
 * What verify checks is written to a CAR file by another process first (`create --car`), so that this
 * process's peak is verify's own; verify reads the blocks from the file, as `verify X.car` does.
 */
if (kind.startsWith('write-')) {
  const car = await createCarFile(writer as string)
  const result = kind === 'write-zip' ? await manifestFromZip(zip, { blockstore: car }) : await manifestFromTarball(tarChunks(), { blockstore: car })
  await car.finish(result.cid)
  process.exit(0)
}
const carPath = join(tmpdir(), `entry-memory-${process.pid}.car`)
if (kind.startsWith('verify-')) {
  execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), `write-${kind.slice('verify-'.length)}`, countArg, carPath], { stdio: 'inherit' })
}

async function run (): Promise<void> {
  if (kind === 'tar') { await manifestFromTarball(tarChunks(), { blockstore: discardBlocks }); return }
  if (kind === 'zip') { await manifestFromZip(zip, { blockstore: discardBlocks }); return }
  if (kind === 'verify-tar' || kind === 'verify-zip') {
    const car = await openCarFile(carPath)
    try { await verifyManifest(car.root, car) } finally { await car.close(); rmSync(carPath) }
    return
  }
  throw new Error(`unknown kind ${kind}: tar, zip, verify-tar or verify-zip`)
}

;(globalThis as { gc?: () => void }).gc?.()
const before = process.memoryUsage().rss
const t = performance.now()
await run()
const seconds = (performance.now() - t) / 1000
const peak = process.resourceUsage().maxRSS * 1024
console.log(JSON.stringify({
  kind, entries: count, seconds: Number(seconds.toFixed(2)), peakRssMB: Math.round(peak / 1e6), bytesPerEntry: Math.round((peak - before) / count)
}))
