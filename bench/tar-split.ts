/**
 * The yardstick of issue #12: what vbatts/tar-split keeps beside the files to give a tar back
 * (`tar-split disasm --output META.gz`, Debian package `tar-split`, on PATH): its gzipped metadata, every
 * header and padding byte verbatim plus each payload's name, size and crc64 as JSON lines.
 * tar-split reads only uncompressed tar, so a compressed file is decompressed with our own decoder (the
 * one the manifest is made with) and piped in.
 */
import { spawn } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { gunzipSync } from 'node:zlib'
import { decompress } from '../src/compression/decompress/index.js'

/** tar-split's metadata for one tar: its gzipped size and the number of entries it recorded. */
export interface TarSplitMetadata { bytes: number, entries: number }

/** The uncompressed tar of `path` (a plain or compressed tar), as chunks. */
async function * tarBytes (path: string, compressed: boolean): AsyncGenerator<Uint8Array> {
  const file = createReadStream(path, { highWaterMark: 1 << 20 })
  if (!compressed) { yield * file; return }
  for await (const event of decompress(file)) if (event.kind === 'data') yield event.bytes
}

/** Runs `tar-split disasm` on the tar inside `path` (`compressed`: gzip, bzip2, xz or zstd around it). */
export async function tarSplitMetadata (path: string, compressed: boolean): Promise<TarSplitMetadata> {
  const dir = await mkdtemp(join(tmpdir(), 'tar-split-'))
  const meta = join(dir, 'meta.json.gz')
  try {
    const child = spawn('tar-split', ['disasm', '--no-stdout', '--output', meta, '-'], { stdio: ['pipe', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s })
    const exited = new Promise<number | null>((resolve, reject) => { child.on('error', reject); child.on('close', resolve) })
    // tar-split may stop reading early (bad input): then its exit status tells, not the broken pipe.
    const fed = pipeline(Readable.from(tarBytes(path, compressed)), child.stdin).then(() => undefined, (err: Error) => err)
    const [code, feedError] = await Promise.all([exited, fed])
    if (code !== 0) throw new Error(`tar-split disasm ${path} exited with ${code}: ${stderr.trim().split('\n').pop() ?? ''}`)
    if (feedError !== undefined) throw feedError
    // One JSON line per record: type 1 is a file entry (one per tar header, long names and PAX folded in).
    const lines = gunzipSync(await readFile(meta)).toString('utf8').split('\n').filter(l => l !== '')
    const entries = lines.filter(l => (JSON.parse(l) as { type: number }).type === 1).length
    return { bytes: (await stat(meta)).size, entries }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
