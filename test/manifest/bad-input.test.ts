/**
 * Bad input never crashes, hangs or yields a wrong manifest: every outcome is either a manifest that
 * restores the exact input, or a typed ArchiveManifestError with a stable code and an offset.
 */
import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ArchiveManifestError, MemoryBlocks, manifestFromTarball, restoreArchive } from '../../src/index.js'
import { packTar } from '../helpers/archives.js'

const fixture = new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/real/tar-stream-3.1.7.tar')))

async function outcome (bytes: Uint8Array): Promise<'ok' | string> {
  const blocks = new MemoryBlocks()
  try {
    const result = await manifestFromTarball(bytes, { blockstore: blocks })
    const parts: Uint8Array[] = []
    for await (const c of restoreArchive(result.cid, blocks)) parts.push(c)
    expect(Buffer.compare(Buffer.concat(parts), Buffer.from(bytes))).toBe(0)
    return 'ok'
  } catch (err) {
    if (!(err instanceof ArchiveManifestError)) throw err
    return err.code
  }
}

describe('bad input', () => {
  it('named conditions give their codes and offsets', async () => {
    const tar = await packTar([[{ name: 'a.txt' }, 'hello'], [{ name: 'b.txt' }, 'x'.repeat(2000)]])
    const cases: Array<[string, Uint8Array, string, number | undefined]> = [
      ['truncated in a header', tar.subarray(0, 700), 'ERR_TRUNCATED_ARCHIVE', 700],
      ['truncated in data', tar.subarray(0, 1024 + 512 + 100), 'ERR_TRUNCATED_ARCHIVE', 1636],
      ['bad checksum', (() => { const b = tar.slice(); b[1024 + 5] = (b[1024 + 5] ?? 0) ^ 1; return b })(), 'ERR_HEADER_CHECKSUM', 1024],
      // gzip is decompressed (and these bytes are not valid gzip); zip is not a tar and is not handled yet.
      ['gzip with a bad header', Uint8Array.of(0x1f, 0x8b, 8, 0xe0, ...new Array(600).fill(0)), 'ERR_CORRUPT_COMPRESSED', 3],
      ['zip bytes', Uint8Array.of(0x50, 0x4b, 3, 4, ...new Array(600).fill(0)), 'ERR_UNSUPPORTED_FORMAT', 0],
      // Text where the first header should be, shorter or longer than a block (GNU tar: "This does not look
      // like a tar archive"), UTF-8 cut inside a character included; a binary block stays a checksum error.
      ['a line of text', new TextEncoder().encode('hello world\n'), 'ERR_NOT_AN_ARCHIVE', 0],
      ['a page of UTF-8 text', new TextEncoder().encode('Grüße, 世界\r\n\t'.repeat(60)).subarray(0, 700), 'ERR_NOT_AN_ARCHIVE', 0],
      ['a block of binary', Uint8Array.from({ length: 600 }, (_, i) => (i * 7 + 1) & 0xff), 'ERR_HEADER_CHECKSUM', 0]
    ]
    for (const [name, bytes, code, offset] of cases) {
      const err = await manifestFromTarball(bytes).then(() => undefined, (e: unknown) => e as ArchiveManifestError)
      expect(err?.code, name).toBe(code)
      if (offset !== undefined) expect(err?.offset, name).toBe(offset)
    }
  })

  it('a PAX header larger than the limit is refused before it is read', async () => {
    const tar = await packTar([[{ name: 'p'.repeat(3000) }, 'long path needs PAX']])
    await expect(manifestFromTarball(tar, { limits: { maxPaxHeaderBytes: 1000 } })).rejects.toMatchObject({ code: 'ERR_LIMIT_EXCEEDED' })
    await expect(manifestFromTarball(tar, { limits: { maxEntries: 0 } })).rejects.toMatchObject({ code: 'ERR_LIMIT_EXCEEDED' })
  })

  it('random corruption of a real tar: exact restore or a typed error, nothing else (fast-check)', async () => {
    const codes = new Map<string, number>()
    await fc.assert(fc.asyncProperty(
      fc.array(fc.tuple(fc.nat(fixture.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
      fc.option(fc.nat(fixture.length), { nil: undefined }),
      async (edits, cut) => {
        const bytes = fixture.slice(0, cut)
        for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value
        const result = await outcome(bytes)
        codes.set(result, (codes.get(result) ?? 0) + 1)
      }), { numRuns: 300 })
    // Both outcomes occur: the property is not vacuous.
    expect(codes.get('ok')).toBeGreaterThan(0)
    expect([...codes.keys()].filter(k => k !== 'ok').length).toBeGreaterThan(0)
  })
})
