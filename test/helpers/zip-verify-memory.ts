/**
 * Peak memory of verifying a large zip (issue #13): describes a zip of `entries` stored files of 8 MiB
 * each (test/helpers/large.ts: made as read, so never whole in memory) into memory blocks, then verifies
 * the manifest from them. Prints one JSON line: { archiveBytes, beforeMB, peakRssMB }, where beforeMB is
 * the RSS before verifying and peakRssMB the process's peak RSS.
 *   node --expose-gc --import tsx test/helpers/zip-verify-memory.ts ENTRIES
 */
import { crc32 } from '../../src/compression/container/crc32.js'
import { MemoryBlocks, manifestFromZip, verifyManifest } from '../../src/index.js'
import { repeatedZip } from './large.js'
import { seededBytes } from './seeded.js'

const entries = Number(process.argv[2] ?? '32')
const content = seededBytes('zip-verify-memory', 8 << 20)
const zip = repeatedZip(entries, content, crc32(content))
const blocks = new MemoryBlocks()
const result = await manifestFromZip(zip, { blockstore: blocks })
;(globalThis as { gc?: () => void }).gc?.()
const before = process.memoryUsage().rss
const report = await verifyManifest(result.cid, blocks)
if (report.archiveBytes !== zip.size) throw new Error(`verified ${report.archiveBytes} bytes, not ${zip.size}`)
console.log(JSON.stringify({ archiveBytes: zip.size, beforeMB: Math.round(before / 1e6), peakRssMB: Math.round(process.resourceUsage().maxRSS * 1024 / 1e6) }))
