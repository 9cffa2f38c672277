/**
 * Random single-byte corruption of a real tar's header bytes (the checksum rewritten so that the reader
 * still accepts the block): the member becomes an exception or another style's output, and the rebuild
 * is still the corrupted tar exactly.
 */
import { describe, it, expect } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { TarReader, type TarMember } from '../../../../src/archive/tar/reader.js'
import { ArchiveManifestError } from '../../../../src/errors.js'
import { matchArchive } from './match-archive.js'
import { setHeaderByte } from './tar-edit.js'

const fixtures = join(import.meta.dirname, '../../../fixtures/real')
const sources = ['hello-2.10.tar', 'tar-stream-3.1.7.tar'].map(n => new Uint8Array(readFileSync(join(fixtures, n))))

function members (tar: Uint8Array): TarMember[] {
  const r = new TarReader()
  return [...r.push(tar), ...r.end()].flatMap(p => p.kind === 'member' ? [p.member] : [])
}

describe('header corruption', () => {
  it('regenerates the corrupted bytes exactly, as exceptions', () => {
    let exceptions = 0
    let runs = 0
    fc.assert(fc.property(fc.nat({ max: sources.length - 1 }), fc.nat(), fc.nat({ max: 511 }), fc.integer({ min: 1, max: 255 }), (which, pick, at, delta) => {
      const tar = sources[which]!.slice()
      const ms = members(tar)
      const m = ms[pick % ms.length]!
      const offset = m.headerOffset + at
      setHeaderByte(tar, offset, (tar[offset]! + delta) & 0xff)
      let match
      try {
        match = matchArchive(tar) // throws if the rebuild differs
      } catch (err) {
        if (err instanceof ArchiveManifestError) return // the reader rejects the corrupted tar: nothing to rebuild
        throw err
      }
      runs++
      if (match.patches + match.verbatims > 0) exceptions++
    }), { numRuns: 300, seed: 42 })
    // Most corruptions break a habit (a name byte changed is just another name).
    expect(runs).toBeGreaterThan(150)
    expect(exceptions / runs).toBeGreaterThan(0.5)
  }, 600_000)
})
