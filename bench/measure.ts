/**
 * One measurement, run in its own process so that its peak RSS is its own. Prints one JSON line:
 * { kind, bytes, seconds, maxRssMB }. Kinds:
 *   sha256 FILE            plain SHA-256 of the file's bytes, streamed (the physical floor)
 *   sha512 FILE            the same with SHA-512 (a manifest records both digests)
 *   manifest FILE PROFILE  manifestFromTarball streaming the file, blocks discarded
 *   manifest-store FILE PROFILE  the same, blocks kept in a MemoryBlocks (what a real run pays)
 *   manifest-file FILE PROFILE   manifestFromFile (Node edge): streaming, digests on worker threads
 *   manifest-memory FILE PROFILE the archive in memory beforehand (like the importer's files), digests on workers
 *   importer FILE PROFILE  ipfs-unixfs-importer importing the tar's files from memory (loaded before timing)
 *   decompress FILE        our streaming decompression of a compressed tar, output discarded
 *   rebuild FILE           restoreArchive of a compressed tar from its manifest (recipes), blocks in memory
 *   "native:gzip -n -9" FILE  the native compressor on the decompressed tar (decompression not timed)
 *   native-d:gzip FILE     the native decompressor on the file, output discarded
 */
import { createHash } from 'node:crypto'
import { createReadStream, readFileSync, statSync } from 'node:fs'
import { importer, type ImportCandidate } from 'ipfs-unixfs-importer'
import { execFileSync } from 'node:child_process'
import { manifestFromTarball, MemoryBlocks, restoreArchive, type ProfileName } from '../src/index.js'
import { decompress } from '../src/compression/decompress/index.js'
import { TarReader } from '../src/archive/tar/reader.js'
import { manifestFromFile, createWorkerDigester } from '../src/node/index.js'

const [kind, file, profileArg] = process.argv.slice(2) as [string, string, string | undefined]
const profile = (profileArg ?? 'unixfs-v1-2025') as ProfileName
const readChunks = (): AsyncIterable<Uint8Array> => createReadStream(file, { highWaterMark: 1 << 20 })

async function run (): Promise<{ bytes: number, seconds: number }> {
  const size = statSync(file).size
  if (kind === 'sha256' || kind === 'sha512') {
    const t = performance.now()
    const h = createHash(kind)
    for await (const c of readChunks()) h.update(c)
    h.digest()
    return { bytes: size, seconds: (performance.now() - t) / 1000 }
  }
  if (kind === 'manifest' || kind === 'manifest-store') {
    const t = performance.now()
    await manifestFromTarball(readChunks(), { profile, ...(kind === 'manifest-store' ? { blockstore: new MemoryBlocks() } : {}) })
    return { bytes: size, seconds: (performance.now() - t) / 1000 }
  }
  if (kind === 'manifest-file') {
    const t = performance.now()
    await manifestFromFile(file, { profile })
    return { bytes: size, seconds: (performance.now() - t) / 1000 }
  }
  if (kind === 'manifest-memory') {
    // The archive in memory (as the importer baseline has its files), 1 MiB pieces, digests on workers.
    const bytes = readFileSync(file)
    const pieces = function * () { for (let at = 0; at < bytes.length; at += 1 << 20) yield bytes.subarray(at, at + (1 << 20)) }
    const digester = createWorkerDigester()
    const t = performance.now()
    await manifestFromTarball(pieces(), { profile, digester })
    return { bytes: size, seconds: (performance.now() - t) / 1000 }
  }
  if (kind === 'importer') {
    // The files of the tar, in memory, read with our reader (not timed).
    const files: ImportCandidate[] = []
    const reader = new TarReader({ limits: { maxEntries: 10_000_000 } })
    let current: { path: string, parts: Uint8Array[] } | undefined
    let contentBytes = 0
    const take = (parts: ReturnType<TarReader['push']>): void => {
      for (const part of parts) {
        if (part.kind === 'member') {
          current = part.member.type === 'file' ? { path: new TextDecoder().decode(part.member.path), parts: [] } : undefined
          if (current !== undefined) files.push({ path: current.path, content: current.parts })
        } else if (part.kind === 'data' && current !== undefined) {
          current.parts.push(part.bytes.slice()); contentBytes += part.bytes.length
        } else if (part.kind !== 'data') current = undefined
      }
    }
    take(reader.push(readFileSync(file)))
    take(reader.end())
    const candidates = files.map(f => ({ path: f.path, content: Buffer.concat((f as { content: Uint8Array[] }).content) }))
    const discard = { put: (cid: unknown) => cid, get: () => { throw new Error('not kept') }, has: () => false }
    const t = performance.now()
    for await (const _ of importer(candidates, discard as any, { profile })) { /* drain */ }
    return { bytes: size, seconds: (performance.now() - t) / 1000, ...{ contentBytes } }
  }
  if (kind === 'decompress') {
    // Decompression alone, with our streaming decompressor (the floor for describing a compressed tar).
    const t = performance.now()
    let out = 0
    for await (const e of decompress(createReadStream(file, { highWaterMark: 4 << 20 }))) if (e.kind === 'data') out += e.bytes.length
    return { bytes: size, seconds: (performance.now() - t) / 1000, ...{ out } }
  }
  if (kind === 'rebuild') {
    // Describe (blocks kept in memory, not timed), then time the rebuild of the compressed bytes from the tar.
    const blocks = new MemoryBlocks()
    const result = await manifestFromFile(file, { profile, blockstore: blocks })
    const t = performance.now()
    for await (const _ of restoreArchive(result.cid, blocks)) { /* drain */ }
    return { bytes: size, seconds: (performance.now() - t) / 1000 }
  }
  if (kind.startsWith('native:')) {
    // The native tool compressing the inner tar at the recipe's settings (e.g. native:gzip -n -9).
    const [tool, ...args] = kind.slice('native:'.length).split(' ') as [string, ...string[]]
    const inner = execFileSync(tool, ['-dc', file], { maxBuffer: 1 << 30 })
    const t = performance.now()
    execFileSync(tool, [...args, '-c'], { input: inner, maxBuffer: 1 << 30 })
    return { bytes: size, seconds: (performance.now() - t) / 1000 }
  }
  if (kind.startsWith('native-d:')) {
    // The native tool decompressing the file (output discarded): beside native:, how much slower
    // compressing is than decompressing even natively, which bounds what a verified recipe can cost.
    const tool = kind.slice('native-d:'.length)
    const t = performance.now()
    execFileSync('bash', ['-c', `${tool} -dc "$1" > /dev/null`, 'bench', file])
    return { bytes: size, seconds: (performance.now() - t) / 1000 }
  }
  throw new Error(`unknown kind ${kind}`)
}

const result = await run()
console.log(JSON.stringify({ kind, profile, ...result, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }))
