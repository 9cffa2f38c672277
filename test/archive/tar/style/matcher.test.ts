/** The matcher's rule (docs/spec-header-styles.md §H8) and its inverse. */
import { describe, it, expect } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { TarReader, type TarMember } from '../../../../src/archive/tar/reader.js'
import {
  headerFieldsOf, HeaderMatcher, HeaderRegenerator, regenerateHeaders, STYLES, styleByName, encodeMemberHeaders,
  type MemberHeaderFields
} from '../../../../src/archive/tar/style/index.js'
import type { ArchiveManifestError } from '../../../../src/errors.js'
import { setHeaderByte } from './tar-edit.js'
import { matchArchive } from './match-archive.js'

const fixtures = join(import.meta.dirname, '../../../fixtures/real')
const hello = (): Uint8Array => new Uint8Array(readFileSync(join(fixtures, 'hello-2.10.tar')))

function members (tar: Uint8Array): TarMember[] {
  const r = new TarReader()
  return [...r.push(tar), ...r.end()].flatMap(p => p.kind === 'member' ? [p.member] : [])
}

function codeOf (fn: () => unknown): string | undefined {
  try { fn() } catch (err) { return (err as ArchiveManifestError).code }
  return undefined
}

describe('HeaderMatcher', () => {
  it('starts with the first catalogue style and records a style only when it changes', () => {
    expect(STYLES[0]!.name).toBe('gnu')
    const match = matchArchive(hello())
    expect(match.members[0]!.result).toEqual({ style: 'v7' })
    expect(match.members.slice(1).every(m => Object.keys(m.result).length === 0)).toBe(true)
  })

  it('a broken habit is a patch against the current style, which stays current', () => {
    const tar = hello()
    const third = members(tar)[2]!
    setHeaderByte(tar, third.headerOffset + 257, 0x75) // a stray magic byte no style writes
    const match = matchArchive(tar)
    const results = match.members.map(m => m.result)
    const runs = results[2]!.patch!
    expect(runs.length).toBe(2)
    expect(runs[0]![0]).toBeGreaterThanOrEqual(148) // checksum digits
    expect(runs[0]![0] + runs[0]![1].length).toBeLessThanOrEqual(156)
    expect(runs[1]).toEqual([257, Uint8Array.of(0x75)]) // the byte
    expect(results[3]).toEqual({})
    expect(match.patches).toBe(1)
  })

  it('bytes of another length, or a patch costlier than the bytes, are kept verbatim', () => {
    const tar = hello()
    const member = members(tar)[5]!
    const fields = headerFieldsOf(member)
    const original = tar.slice(member.headerOffset, member.dataOffset)
    const matcher = new HeaderMatcher()
    expect(matcher.match(fields, original)).toEqual({ style: 'v7' })
    const junk = new Uint8Array(512).fill(0xaa)
    expect(matcher.match(fields, junk)).toEqual({ verbatim: junk })
    expect(matcher.match(fields, new Uint8Array(1024))).toEqual({ verbatim: new Uint8Array(1024) })
    expect(matcher.style).toBe('v7')
  })

  it('HeaderRegenerator replays the results; regenerateHeaders checks its inputs', () => {
    const tar = hello()
    const ms = members(tar)
    const matcher = new HeaderMatcher()
    const regenerator = new HeaderRegenerator()
    for (const m of ms) {
      const fields = headerFieldsOf(m)
      const original = tar.subarray(m.headerOffset, m.dataOffset)
      expect(regenerator.regenerate(fields, matcher.match(fields, original))).toEqual(original)
    }
    const long: MemberHeaderFields = { ...headerFieldsOf(ms[0]!), path: new Uint8Array(200).fill(0x61) }
    expect(encodeMemberHeaders(long, styleByName('v7'))).toBeUndefined()
    expect(codeOf(() => regenerateHeaders(long, 'v7'))).toBe('ERR_INVALID_MANIFEST')
    expect(codeOf(() => regenerateHeaders(long, 'no-such-style' as 'v7'))).toBe('ERR_INVALID_ARGUMENT')
  })
})
