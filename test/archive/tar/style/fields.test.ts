/** What the reader reports for header styles (paxRecords, gnu atime/ctime) and the fields derived from it. */
import { describe, it, expect } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TarReader, type TarMember } from '../../../../src/archive/tar/reader.js'
import { headerFieldsOf } from '../../../../src/archive/tar/style/index.js'
import { setHeaderByte } from './tar-edit.js'
import { describeExceptions, matchArchive } from './match-archive.js'

const dec = new TextDecoder()

function members (tar: Uint8Array): TarMember[] {
  const r = new TarReader()
  return [...r.push(tar), ...r.end()].flatMap(p => p.kind === 'member' ? [p.member] : [])
}

function gnuTar (format: string, files: Record<string, string>, extra: string[] = []): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'iam-fields-'))
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content)
    const r = spawnSync('tar', ['--create', `--format=${format}`, '--file', '-', '--sort=name', '--mtime=@1700000000.25', ...extra, '-C', dir, ...Object.keys(files)], { maxBuffer: 1 << 24 })
    expect(r.status).toBe(0)
    return new Uint8Array(r.stdout)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('reader: what header styles need', () => {
  it("paxRecords: every record of the member's own 'x' headers, in order, duplicates included", () => {
    const one = gnuTar('posix', { [`${'n'.repeat(120)}`]: 'x' }, ['--pax-option=delete=atime,delete=ctime'])
    const x = members(one)[0]!
    // Two 'x' headers before one member: their records add up (the last 'path' wins).
    const twice = new Uint8Array(one.length + 1024)
    twice.set(one.subarray(0, 1024), 0)
    twice.set(one, 1024)
    const m = members(twice)[0]!
    expect(m.paxRecords!.map(([k]) => k)).toEqual([...x.paxRecords!.map(([k]) => k), ...x.paxRecords!.map(([k]) => k)])
    expect(m.pax!.map(([k]) => k)).toEqual(x.paxRecords!.map(([k]) => k))
    // Such a member is not what any writer writes: kept verbatim, and the tar still rebuilds exactly.
    const match = matchArchive(twice)
    expect(match.verbatims).toBe(1)
    expect(members(gnuTar('gnu', { a: 'x' }))[0]!.paxRecords).toBeUndefined()
  })

  it('gnuAtime/gnuCtime: read leniently from gnu-magic headers (garbage is undefined, never an error)', () => {
    const tar = gnuTar('gnu', { a: 'x' })
    expect(members(tar)[0]!.gnuAtime).toBeUndefined()
    for (const [i, c] of [...'00000001750 '].entries()) setHeaderByte(tar, 345 + i, c.charCodeAt(0))
    setHeaderByte(tar, 357, 0x7a) // 'z': not a number
    const m = members(tar)[0]!
    expect(m.gnuAtime).toBe(1000)
    expect(m.gnuCtime).toBeUndefined()
  })
})

describe('headerFieldsOf', () => {
  it("'x' record values equal to the entry's canonical value become null; 'g' records never do", () => {
    const tar = gnuTar('posix', { [`${'n'.repeat(120)}`]: 'x' }, ['--pax-option=delete=atime,delete=ctime'])
    const f = headerFieldsOf(members(tar)[0]!)
    expect(f.paxRecords).toEqual([['path', null], ['mtime', null]])
    expect(dec.decode(f.path)).toBe('n'.repeat(120))
    expect(f.mtimeNanos).toBe(250_000_000)
    expect(describeExceptions(matchArchive(tar))).toEqual([])
  })
})
