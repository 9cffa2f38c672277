/**
 * Real-world compressed tarballs from real producers (Debian orig tarballs, npm packages, a .deb's data and
 * control tars), fetched by test/setup/fetch-real.sh into .cache/real.
 * Decompressed bytes must hash like the native tool's output; structure must cover the file exactly.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream, readdirSync } from 'node:fs'
import { ensureRealArchives } from '../../helpers/real-archives.js'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decompress } from '../../../src/compression/decompress/index.js'
import type { DecompressEvent, XzStreamEvent } from '../../../src/compression/decompress/events.js'

// Fetched (once, under a lock) when the suite collects this file.
const fetched = ensureRealArchives()
const files = [
  ...readdirSync(fetched).filter(f => /\.(tar\.(gz|xz|bz2|zst)|tgz)$/.test(f)).map(f => join(fetched, f)),
  ...readdirSync(join(fetched, 'deb')).filter(f => /\.tar\.(gz|xz|zst)$/.test(f)).map(f => join(fetched, 'deb', f))
]

function nativeSha256 (path: string): string {
  const tool = /\.(gz|tgz)$/.test(path) ? 'gzip' : path.endsWith('.xz') ? 'xz' : path.endsWith('.bz2') ? 'bzip2' : 'zstd'
  return execFileSync('sh', ['-c', `${tool} -dc "$1" | sha256sum`, 'sh', path]).toString().split(' ')[0]!
}

describe('real compressed tarballs (.cache/real)', () => {
  it.each(files.map(f => [f.slice(fetched.length + 1), f]))('%s', async (_name, path) => {
    const h = createHash('sha256')
    const events: Exclude<DecompressEvent, { kind: 'data' }>[] = []
    for await (const e of decompress(createReadStream(path, { highWaterMark: 65536 }))) {
      if (e.kind === 'data') h.update(e.bytes)
      else events.push(e)
    }
    expect(h.digest('hex')).toBe(nativeSha256(path))
    const end = events.at(-1)!
    if (end.kind !== 'end') throw new Error('no end event')
    // The units tile the file: each starts where the previous ended, the last ends where trailing bytes start.
    let at = 0
    for (const e of events) {
      if (e.kind === 'gzip-member') { expect(e.member.offset).toBe(at); at = e.member.trailerOffset + 8 }
      if (e.kind === 'xz-stream' || e.kind === 'bzip2-stream' || e.kind === 'zstd-frame' || e.kind === 'xz-stream-padding' || e.kind === 'zstd-skippable-frame') { expect(e.offset).toBe(at); at = e.offset + e.size }
    }
    expect(end.trailing.offset).toBe(at)
    expect(end.compressedSize).toBe(at + end.trailing.length)
    if (path.endsWith('.xz')) {
      const robot = execFileSync('xz', ['--robot', '-lvv', path]).toString().split('\n').filter(l => l.startsWith('block\t')).map(l => l.split('\t'))
      const blocks = events.filter((e): e is XzStreamEvent => e.kind === 'xz-stream').flatMap(s => s.blocks)
      expect(blocks.map(b => [b.offset, b.headerSize + b.compressedSize + b.paddingSize + b.checkSize, b.uncompressedSize]))
        .toEqual(robot.map(f => [Number(f[4]), Number(f[6]), Number(f[7])]))
    }
  })
})
