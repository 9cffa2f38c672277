/**
 * TarReader against archives written by GNU tar 1.34 and bsdtar (libarchive), checked against two
 * oracles: Python's tarfile module (offsets, sizes, ids, PAX mtimes) and `tar -tv --full-time` (what
 * GNU tar itself sees). Plus the byte-accounting invariant under arbitrary chunking (fast-check).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import fc from 'fast-check'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, linkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TarReader, type TarMember, type TarPart } from '../../../src/archive/tar/reader.js'

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1')
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const stripSlash = (s: string): string => s.replace(/\/+$/, '')

interface Read { parts: TarPart[], members: TarMember[], bytes: Buffer }

/** Reads `input` pushed in the given chunks; checks the part-level invariants on the way. */
function read (input: Uint8Array, chunks: Uint8Array[] = [input], options?: ConstructorParameters<typeof TarReader>[0]): Read {
  const reader = new TarReader(options)
  const parts: TarPart[] = []
  for (const c of chunks) parts.push(...reader.push(c))
  parts.push(...reader.end())
  const pieces: Uint8Array[] = []
  const members: TarMember[] = []
  let emitted = 0
  let ends = 0
  let current: TarMember | undefined
  let dataSeen = 0
  for (const p of parts) {
    if (p.kind === 'raw' || p.kind === 'data') {
      expect(p.bytes.length).toBeGreaterThan(0)
      pieces.push(p.bytes)
      emitted += p.bytes.length
      if (p.kind === 'data') {
        dataSeen += p.bytes.length
        expect(dataSeen).toBeLessThanOrEqual(current!.dataSize)
      }
    } else if (p.kind === 'member') {
      if (current !== undefined) expect(dataSeen).toBe(current.dataSize)
      // All of the member's header bytes, and nothing of its data, came before it.
      expect(emitted).toBe(p.member.dataOffset)
      expect(p.member.headerOffset).toBeLessThan(p.member.dataOffset)
      current = p.member
      dataSeen = 0
      members.push(p.member)
    } else {
      ends++
      expect(emitted).toBe(p.offset)
      if (current !== undefined) expect(dataSeen).toBe(current.dataSize)
    }
  }
  expect(ends).toBe(1)
  expect(parts.filter(p => p.kind === 'end').length).toBe(1)
  const bytes = Buffer.concat(pieces)
  expect(bytes.equals(Buffer.from(input))).toBe(true)
  return { parts, members, bytes }
}

/** Whether `bytes`, found at `offset` of the chunks joined, is a view into the one chunk holding that range. */
function isViewOfChunk (chunks: Uint8Array[], offset: number, bytes: Uint8Array): boolean {
  let start = 0
  for (const c of chunks) {
    if (offset >= start && offset + bytes.length <= start + c.length) {
      return bytes.buffer === c.buffer && bytes.byteOffset === c.byteOffset + (offset - start)
    }
    start += c.length
  }
  return false
}

function split (input: Uint8Array, points: number[]): Uint8Array[] {
  const cuts = [...new Set(points)].sort((a, b) => a - b)
  const out: Uint8Array[] = []
  let prev = 0
  for (const c of cuts) { out.push(input.subarray(prev, c)); prev = c }
  out.push(input.subarray(prev))
  return out
}

// --- Oracles ---

interface PyMember {
  name: string, type: string, size: number, mode: number, uid: number, gid: number, mtime: string
  linkname: string, offset: number, offset_data: number, uname: string, gname: string, sparse: boolean
}

const PY_ORACLE = `
import tarfile, sys, json, os
out = []
with tarfile.open(sys.argv[1], 'r:') as t:
    for m in t:
        out.append(dict(name=os.fsencode(m.name).hex(), type=m.type.decode('latin1'), size=m.size, mode=m.mode,
            uid=m.uid, gid=m.gid, mtime=m.pax_headers.get('mtime', str(int(m.mtime))), linkname=os.fsencode(m.linkname).hex(),
            offset=m.offset, offset_data=m.offset_data, uname=m.uname, gname=m.gname, sparse=m.sparse is not None))
print(json.dumps(out))
`

function python (file: string): PyMember[] {
  return JSON.parse(execFileSync('python3', ['-c', PY_ORACLE, file], { encoding: 'utf8' })) as PyMember[]
}

const PY_TYPES: Record<string, TarMember['type']> = {
  0: 'file', '\0': 'file', 7: 'file', S: 'file', 1: 'hardlink', 2: 'symlink', 3: 'char-device', 4: 'block-device', 5: 'directory', 6: 'fifo'
}

/** `[seconds, nanos]` of a PAX time string, by string arithmetic (positive times only). */
function paxTime (s: string): [number, number] {
  const [sec, frac = ''] = s.split('.')
  return [Number(sec), Number((frac + '000000000').slice(0, 9))]
}

function compareWithPython (file: string, members: TarMember[]): void {
  const expected = python(file)
  const ours = members.filter(m => m.type !== 'pax-global')
  expect(ours.length).toBe(expected.length)
  expected.forEach((e, i) => {
    const m = ours[i]!
    const where = `${file} #${i} ${latin1(m.path)}`
    expect(stripSlash(latin1(m.path)), where).toBe(stripSlash(Buffer.from(e.name, 'hex').toString('latin1')))
    expect(m.type, where).toBe(PY_TYPES[e.type] ?? 'other')
    expect([m.size, m.mode, m.uid, m.gid, m.sparse], where).toEqual([e.size, e.mode, e.uid, e.gid, e.sparse])
    expect([new TextDecoder().decode(m.uname), new TextDecoder().decode(m.gname)], where).toEqual([e.uname, e.gname])
    expect([m.mtime, m.mtimeNanos ?? 0], where).toEqual(paxTime(e.mtime))
    if (m.type === 'symlink' || m.type === 'hardlink') expect(hex(m.linkTarget!), where).toBe(e.linkname)
    else expect(m.linkTarget, where).toBeUndefined()
    expect([m.headerOffset, m.dataOffset], where).toEqual([e.offset, e.offset_data])
  })
}

/** `tar -tv --full-time` as GNU tar sees the archive (UTC, numeric ids, names as raw bytes). */
function compareWithGnuTar (file: string, members: TarMember[]): void {
  const out = execFileSync('tar', ['-tv', '--numeric-owner', '--full-time', '--quoting-style=literal', '-f', file], {
    encoding: 'latin1', env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' }
  })
  const lines = out.split('\n').filter(l => l !== '')
  const ours = members.filter(m => m.type !== 'pax-global')
  expect(lines.length).toBe(ours.length)
  const typeChar: Record<string, string> = { file: '-', directory: 'd', symlink: 'l', hardlink: 'h', fifo: 'p', 'char-device': 'c', 'block-device': 'b' }
  lines.forEach((line, i) => {
    const m = ours[i]!
    const match = /^(.)\S{9} (\d+)\/(\d+) +(\d+) (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.(\d+))? +(.*)$/.exec(line)
    expect(match, line).not.toBeNull()
    const [, type, uid, gid, size, date, frac, rest] = match!
    expect([type, Number(uid), Number(gid), Number(size)], line).toEqual([typeChar[m.type], m.uid, m.gid, m.size])
    expect(Date.parse(date!.replace(' ', 'T') + 'Z') / 1000, line).toBe(m.mtime)
    expect(Number(((frac ?? '') + '000000000').slice(0, 9)), line).toBe(m.mtimeNanos ?? 0)
    let name = rest!
    if (m.type === 'symlink') name = rest!.slice(0, rest!.lastIndexOf(' -> '))
    if (m.type === 'hardlink') name = rest!.slice(0, rest!.lastIndexOf(' link to '))
    expect(stripSlash(name), line).toBe(stripSlash(latin1(m.path)))
    if (m.type === 'symlink') expect(rest!.slice(rest!.lastIndexOf(' -> ') + 4)).toBe(latin1(m.linkTarget!))
    if (m.type === 'hardlink') expect(rest!.slice(rest!.lastIndexOf(' link to ') + 9)).toBe(latin1(m.linkTarget!))
  })
}

// --- Fixture trees ---

let root: string
const archives = new Map<string, string>()
const nonUtf8 = Buffer.from([0x66, 0xff, 0xfe, 0x2e, 0x74]) // "f\xff\xfe.t"
const longDir = 'x'.repeat(150) + '/' + 'y'.repeat(120)
const longTarget = 'T'.repeat(150) + '/target'
const mediumDir = 'm'.repeat(60) + '/' + 'o'.repeat(60)

function touch (dir: string, paths: string[], when: string): void {
  execFileSync('touch', ['-h', '-d', `@${when}`, ...paths], { cwd: dir })
}

function tool (name: string, cmd: string, args: string[], cwd: string): string {
  const file = join(root, name + '.tar')
  try {
    execFileSync(cmd, ['-c', '-f', file, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (err) {
    throw new Error(`${cmd} ${args.join(' ')}: ${String((err as { stderr?: unknown }).stderr)}`)
  }
  archives.set(name, file)
  return file
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tar-reader-'))
  // basic: every member kind, short names (also fit v7 and ustar).
  const basic = join(root, 'basic')
  mkdirSync(join(basic, 'd', 'sub'), { recursive: true })
  writeFileSync(join(basic, 'd', 'a.txt'), 'hello\n')
  writeFileSync(join(basic, 'd', 'empty'), '')
  writeFileSync(join(basic, 'd', 'big.bin'), Buffer.alloc(300_001, 7))
  writeFileSync(Buffer.concat([Buffer.from(join(basic, 'd') + '/'), nonUtf8]), 'bytes')
  symlinkSync('a.txt', join(basic, 'd', 'link'))
  linkSync(join(basic, 'd', 'a.txt'), join(basic, 'd', 'hard'))
  execFileSync('mkfifo', [join(basic, 'd', 'fifo')])
  touch(basic, ['d/a.txt', 'd/empty', 'd/big.bin', 'd/link', 'd/fifo', 'd/sub', 'd'], '1700000000.123456789')
  touch(basic, [latin1(nonUtf8)].map(() => 'd'), '1700000000.5')

  // long: names over 100 and 255 bytes, a long symlink target, a hard link to a long name.
  const long = join(root, 'long')
  mkdirSync(join(long, 'L', longDir), { recursive: true })
  writeFileSync(join(long, 'L', longDir, 'f'), 'z'.repeat(1000))
  symlinkSync(longTarget, join(long, 'L', 'longlink'))
  linkSync(join(long, 'L', longDir, 'f'), join(long, 'L', 'hl'))
  touch(long, ['L/longlink', 'L/hl', `L/${longDir}`, 'L'], '1600000000.000000001')

  // medium: a 184-byte path that ustar splits into prefix + name.
  const medium = join(root, 'medium')
  mkdirSync(join(medium, 'M', mediumDir), { recursive: true })
  writeFileSync(join(medium, 'M', mediumDir, 'n'.repeat(60)), 'medium')

  const excludeFifo = ['--exclude=d/fifo']
  tool('gnu-v7', 'tar', ['--format=v7', ...excludeFifo, 'd'], basic)
  for (const f of ['oldgnu', 'gnu', 'ustar', 'pax']) tool(`gnu-${f}`, 'tar', [`--format=${f}`, 'd'], basic)
  for (const f of ['oldgnu', 'gnu', 'pax']) tool(`gnu-${f}-long`, 'tar', [`--format=${f}`, 'L'], long)
  tool('gnu-ustar-medium', 'tar', ['--format=ustar', 'M'], medium)
  tool('gnu-pax-global', 'tar', ['--format=pax', '--pax-option=globexthdr.name=GLOBAL,comment=hi,uname=guser', 'd'], basic)
  tool('gnu-gnu-bigid', 'tar', ['--format=gnu', '--owner=bob:3000000', '--group=grp:4000000', 'd/a.txt'], basic)
  tool('gnu-pax-bigid', 'tar', ['--format=pax', '--owner=bob:3000000', '--group=grp:4000000', 'd/a.txt'], basic)
  tool('bsd-v7', 'bsdtar', ['--format', 'v7tar', ...excludeFifo, 'd'], basic)
  for (const f of ['ustar', 'pax', 'gnutar']) tool(`bsd-${f}`, 'bsdtar', ['--format', f, 'd'], basic)
  for (const f of ['pax', 'gnutar']) tool(`bsd-${f}-long`, 'bsdtar', ['--format', f, 'L'], long)
  tool('bsd-ustar-medium', 'bsdtar', ['--format', 'ustar', 'M'], medium)
})

afterAll(() => { rmSync(root, { recursive: true, force: true }) })

describe('archives written by GNU tar and bsdtar', () => {
  it('reads every member as tarfile and GNU tar do, whole and in 4 KiB chunks', () => {
    expect(archives.size).toBeGreaterThan(15)
    for (const [name, file] of archives) {
      const input = readFileSync(file)
      const { members } = read(input)
      const chunked = read(input, split(input, Array.from({ length: Math.floor(input.length / 4096) }, (_, i) => (i + 1) * 4096)))
      expect(chunked.members, name).toEqual(members)
      compareWithPython(file, members)
      compareWithGnuTar(file, members)
    }
  })

  it('reports the flavor of each format, and the end at the first zero block', () => {
    const flavors = (name: string): string[] => [...new Set(read(readFileSync(archives.get(name)!)).members.map(m => m.flavor))]
    expect(flavors('gnu-v7')).toEqual(['v7'])
    expect(flavors('bsd-v7')).toEqual(['v7'])
    expect(flavors('gnu-ustar')).toEqual(['ustar'])
    expect(flavors('gnu-gnu')).toEqual(['gnu'])
    expect(flavors('gnu-oldgnu')).toEqual(['gnu'])
    expect(flavors('bsd-gnutar')).toEqual(['gnu'])
    expect(flavors('gnu-pax')).toEqual(['pax'])
    const input = readFileSync(archives.get('gnu-ustar')!)
    const { parts } = read(input)
    const end = parts.find(p => p.kind === 'end')!
    expect(end).toMatchObject({ endOfArchive: 'zero-blocks' })
    // GNU tar pads to a 10240-byte record: everything after the end is raw.
    expect(input.length % 10240).toBe(0)
  })

  it('uses GNU long name/link records and PAX path/linkpath, with headerOffset at the first record', () => {
    for (const name of ['gnu-gnu-long', 'gnu-oldgnu-long', 'gnu-pax-long', 'bsd-pax-long', 'bsd-gnutar-long']) {
      const { members } = read(readFileSync(archives.get(name)!))
      const paths = members.map(m => latin1(m.path))
      const file = members.find(m => latin1(m.path) === `L/${longDir}/f`)!
      expect(file, name).toBeDefined()
      expect(file.dataOffset - file.headerOffset, name).toBeGreaterThanOrEqual(1536) // record header + data + main header
      const symlink = members.find(m => m.type === 'symlink')!
      expect(latin1(symlink.linkTarget!), name).toBe(longTarget)
      // GNU tar stores the hard link under its later name; bsdtar under the other one.
      const hard = members.find(m => m.type === 'hardlink')!
      expect([latin1(hard.path), latin1(hard.linkTarget!)].sort(), name).toEqual(['L/hl', `L/${longDir}/f`])
      expect(paths.some(p => p.length > 255), name).toBe(true)
    }
  })

  it('joins the ustar prefix', () => {
    for (const name of ['gnu-ustar-medium', 'bsd-ustar-medium']) {
      const { members } = read(readFileSync(archives.get(name)!))
      expect(members.map(m => latin1(m.path))).toContain(`M/${mediumDir}/${'n'.repeat(60)}`)
    }
  })

  it('keeps non-UTF-8 names as bytes', () => {
    for (const name of ['gnu-gnu', 'gnu-pax', 'bsd-pax', 'gnu-v7']) {
      const { members } = read(readFileSync(archives.get(name)!))
      expect(members.map(m => hex(m.path)), name).toContain(hex(Buffer.concat([Buffer.from('d/'), nonUtf8])))
    }
  })

  it('reads sub-second PAX mtimes', () => {
    const { members } = read(readFileSync(archives.get('gnu-pax')!))
    const a = members.find(m => latin1(m.path) === 'd/a.txt')!
    expect([a.mtime, a.mtimeNanos]).toEqual([1700000000, 123456789])
    expect(a.pax?.map(([k]) => k)).toEqual(['mtime', 'atime', 'ctime'])
    const bsd = read(readFileSync(archives.get('bsd-pax')!)).members.find(m => latin1(m.path) === 'd/a.txt')!
    expect([bsd.mtime, bsd.mtimeNanos]).toEqual([1700000000, 123456789])
  })

  it('reads large uids from GNU base-256 fields and from PAX records', () => {
    for (const name of ['gnu-gnu-bigid', 'gnu-pax-bigid']) {
      const [m] = read(readFileSync(archives.get(name)!)).members
      expect([m!.uid, m!.gid, latin1(m!.uname), latin1(m!.gname)], name).toEqual([3000000, 4000000, 'bob', 'grp'])
    }
  })

  it('reports a global PAX header as a member and applies its records to later members', () => {
    const { members, parts } = read(readFileSync(archives.get('gnu-pax-global')!))
    const g = members[0]!
    expect([g.type, g.typeflag, latin1(g.path), g.headerOffset, g.dataOffset]).toEqual(['pax-global', 0x67, 'GLOBAL', 0, 512])
    expect(g.pax?.map(([k, v]) => `${k}=${latin1(v)}`).sort()).toEqual(['comment=hi', 'uname=guser'])
    const dataOfG = parts.slice(parts.findIndex(p => p.kind === 'member') + 1).find(p => p.kind !== 'raw')
    expect(dataOfG?.kind).toBe('data')
    expect(latin1((dataOfG as { bytes: Uint8Array }).bytes).split('\n').sort()).toEqual(['', '14 comment=hi', '15 uname=guser'])
    for (const m of members.slice(1)) {
      expect(latin1(m.uname)).toBe('guser')
      expect(m.pax?.some(([k]) => k === 'uname')).toBe(false) // globals are not the member's own records
    }
  })

  it('reads GNU sparse files (old-GNU and PAX 0.0, 0.1, 1.0) with their real size', () => {
    const dir = join(root, 'sparse')
    mkdirSync(dir)
    // 30 data segments: more than the 4 map entries of an old-GNU header, so an extension block follows.
    const file = join(dir, 's.bin')
    writeFileSync(file, '')
    execFileSync('truncate', ['-s', '40M', file])
    const fd = Buffer.from('data')
    for (let i = 0; i < 30; i++) execFileSync('dd', [`of=${file}`, 'bs=1', `seek=${i * 1_048_576 + 5}`, 'conv=notrunc', 'status=none'], { input: fd })
    const cases: Array<[string, string[]]> = [
      ['gnu', ['--format=gnu']],
      ['0.0', ['--format=pax', '--sparse-version=0.0']],
      ['0.1', ['--format=pax', '--sparse-version=0.1']],
      ['1.0', ['--format=pax', '--sparse-version=1.0']]
    ]
    for (const [name, args] of cases) {
      const tarFile = tool(`sparse-${name}`, 'tar', [...args, '--sparse', 's.bin'], dir)
      const input = readFileSync(tarFile)
      const { members } = read(input)
      expect(members.length, name).toBe(1)
      const m = members[0]!
      expect([latin1(m.path), m.type, m.sparse, m.size], name).toEqual(['s.bin', 'file', true, 40 * 1_048_576])
      expect(m.dataSize, name).toBeLessThan(1_048_576)
      if (name === 'gnu') {
        expect(m.typeflag).toBe(0x53)
        expect(m.dataOffset - m.headerOffset).toBe(1536) // main header (4 map entries) + two extension blocks (21 each)
        expect(() => read(input, [input], { limits: { maxSparseExtensionBlocks: 1 } })).toThrow(expect.objectContaining({
          code: 'ERR_LIMIT_EXCEEDED', offset: 1024, details: expect.objectContaining({ limit: 'maxSparseExtensionBlocks' })
        }))
      } else {
        expect(m.flavor).toBe('pax')
        expect(m.pax?.some(([k]) => k.startsWith('GNU.sparse.'))).toBe(true)
      }
      if (name !== '1.0') compareWithPython(tarFile, members) // tarfile's offset_data skips the 1.0 in-data map
    }
  })
})

describe('byte accounting', () => {
  it('gives back exactly the input for any chunking (fast-check over split points)', () => {
    const base = readFileSync(archives.get('gnu-pax-global')!)
    const long = readFileSync(archives.get('gnu-gnu-long')!)
    // Trailing bytes after the archive are kept too.
    const inputs = [Buffer.concat([base, Buffer.from('trailing garbage')]), long]
    const reference = inputs.map(i => read(i).members)
    fc.assert(fc.property(
      fc.integer({ min: 0, max: inputs.length - 1 }),
      fc.array(fc.integer({ min: 1, max: Math.max(...inputs.map(i => i.length)) - 1 }), { maxLength: 40 }),
      (which, points) => {
        const input = inputs[which]!
        const chunks = split(input, points.filter(p => p < input.length))
        const { members, parts } = read(input, chunks)
        expect(members).toEqual(reference[which])
        // Member data parts are views of the input chunks, never copies: each lies inside one chunk at its own
        // offset (a shared ArrayBuffer alone proves nothing: small Buffers share Node's pool). A 'g' record's
        // data is parsed whole, so it is gathered (copied) when it spans chunks: the reader's documented exception.
        let type: string | undefined
        let at = 0
        for (const p of parts) {
          if (p.kind === 'member') type = p.member.type
          else if (p.kind === 'raw' || p.kind === 'data') {
            if (p.kind === 'data' && type !== 'pax-global') expect(isViewOfChunk(chunks, at, p.bytes)).toBe(true)
            at += p.bytes.length
          }
        }
      }
    ), { numRuns: 300 })
  })

  it('gathers a global record cut between chunks, and gives its bytes back exactly', () => {
    const input = Buffer.concat([readFileSync(archives.get('gnu-pax-global')!), Buffer.from('trailing garbage')])
    const whole = read(input)
    const global = whole.members[0]!
    expect(global.type).toBe('pax-global')
    // Cut inside the record's data (found once by the property above: a cut at 513).
    const cut = global.dataOffset + 1
    const chunks = split(input, [cut])
    const { members, parts } = read(input, chunks)
    expect(members).toEqual(whole.members)
    const data = parts.find(p => p.kind === 'data')!
    expect(data.kind === 'data' && chunks.some(c => c.buffer === data.bytes.buffer)).toBe(false)
  })

  it('handles one-byte chunks', () => {
    const input = readFileSync(archives.get('gnu-pax-long')!)
    const chunks = Array.from({ length: input.length }, (_, i) => input.subarray(i, i + 1))
    expect(read(input, chunks).members).toEqual(read(input).members)
  })

  it('reports a missing end-of-archive, an empty input, and garbage after the end', () => {
    const input = readFileSync(archives.get('gnu-ustar')!)
    const end = read(input).parts.find(p => p.kind === 'end') as { offset: number }
    const cut = read(input.subarray(0, end.offset))
    expect(cut.parts.at(-1)).toEqual({ kind: 'end', offset: end.offset, endOfArchive: 'missing' })
    expect(cut.members.length).toBe(read(input).members.length)
    expect(read(new Uint8Array(0)).parts).toEqual([{ kind: 'end', offset: 0, endOfArchive: 'missing' }])
    const garbage = Buffer.concat([input.subarray(0, end.offset + 512), Buffer.from('not a tar header, just junk')])
    const g = read(garbage)
    expect(g.parts.find(p => p.kind === 'end')).toEqual({ kind: 'end', offset: end.offset, endOfArchive: 'zero-blocks' })
    expect(g.parts.at(-1)?.kind).toBe('raw')
  })
})
