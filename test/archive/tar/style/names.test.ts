/**
 * The name rules against the writers' own code where it can be called: Python's tarfile (split and
 * ASCII replacement), Node's path.posix (node-tar's directory arithmetic); the ustar splits of GNU tar
 * and git on the cases where they differ.
 */
import { describe, it, expect } from 'vitest'
import { spawnSync } from 'node:child_process'
import { join, posix } from 'node:path'
import fc from 'fast-check'
import { splitLongest, splitShortest } from '../../../../src/archive/tar/style/ustar-split.js'
import { toAscii } from '../../../../src/archive/tar/style/ascii.js'
import { basename, dirname, join as nodeJoin, splitPrefix, byteLength, fieldBytes } from '../../../../src/archive/tar/style/npm-names.js'
import { gnuPaxHeaderName } from '../../../../src/archive/tar/style/gnu-names.js'
import { bsdtarPaxHeaderName, ustarEntryName } from '../../../../src/archive/tar/style/bsdtar-names.js'

const enc = new TextEncoder()
const latin1 = new TextDecoder('latin1')
const text = (b: Uint8Array): string => latin1.decode(b)

/** Paths of components of a few lengths, '/'s, dots and non-ASCII bytes, around the 100/155 limits. */
const pathBytes = fc.array(fc.oneof(
  fc.constantFrom('/', '.', '..', 'é', '\u{1F600}'),
  fc.integer({ min: 1, max: 60 }).map(n => 'a'.repeat(n)),
  fc.constantFrom(Buffer.from([0xff]), Buffer.from([0xe2, 0x82]), Buffer.from([0xed, 0xa0, 0x80]))
), { minLength: 1, maxLength: 14 }).map(parts => new Uint8Array(Buffer.concat(parts.map(p => typeof p === 'string' ? Buffer.from(p) : p))))

describe('Python tarfile parity', () => {
  it('shortest-prefix split and ASCII replacement agree with tarfile on random paths', () => {
    const paths = fc.sample(pathBytes, { numRuns: 400, seed: 12 }).filter(p => p.length > 100)
    paths.push(enc.encode(`/${'a'.repeat(120)}`), enc.encode(`${'a'.repeat(60)}/${'b'.repeat(60)}/`))
    const r = spawnSync('python3', [join(import.meta.dirname, 'writers', 'python-names.py')], { input: JSON.stringify(paths.map(p => Buffer.from(p).toString('hex'))) })
    expect(r.status, String(r.stderr)).toBe(0)
    const expected = JSON.parse(String(r.stdout)) as Array<{ split: [string, string] | null, ascii: string }>
    expect(paths.length).toBeGreaterThan(100)
    paths.forEach((p, i) => {
      const at = splitShortest(p, 'python')
      const ours = at < 0 ? null : [Buffer.from(p.subarray(0, at)).toString('hex'), Buffer.from(p.subarray(at + 1)).toString('hex')]
      expect(ours).toEqual(expected[i]!.split)
      expect(Buffer.from(toAscii(p, 0x3f)).toString('hex')).toBe(expected[i]!.ascii)
    })
  })
})

describe("node-tar's path arithmetic", () => {
  const strings = fc.array(fc.constantFrom('a', 'bb', '/', '.', '..', 'é'), { maxLength: 12 }).map(a => a.join(''))
  it('dirname, basename, join are path.posix', () => {
    fc.assert(fc.property(strings, strings, (a, b) => {
      expect(dirname(a)).toBe(posix.dirname(a))
      expect(basename(a)).toBe(posix.basename(a))
      expect(nodeJoin(a, b)).toBe(posix.join(a, b))
    }), { numRuns: 2000, seed: 5 })
  })

  it('byteLength and fieldBytes are Buffer.byteLength and Buffer.write', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.integer({ min: 0, max: 80 }), (s, size) => {
      expect(byteLength(s)).toBe(Buffer.byteLength(s))
      const buf = Buffer.alloc(size)
      const n = buf.write(s, 0, size, 'utf8')
      expect(Buffer.from(fieldBytes(s, size)).equals(buf.subarray(0, n))).toBe(true)
    }), { numRuns: 500, seed: 6 })
  })

  it('splitPrefix: under 100 bytes unsplit; then whole components move to the name; else cut', () => {
    expect(splitPrefix('package/a.js', 155)).toEqual(['package/a.js', ''])
    const name = 'n'.repeat(99)
    expect(splitPrefix(`package/${name}`, 155)).toEqual([name, 'package'])
    expect(splitPrefix('p'.repeat(100), 155)).toEqual(['p'.repeat(100), '.']) // node-tar's own result
    const deep = `package/${'d'.repeat(90)}/${'e'.repeat(90)}/f.js`
    expect(splitPrefix(deep, 155)).toEqual([`${'e'.repeat(90)}/f.js`, `package/${'d'.repeat(90)}`])
    expect(splitPrefix(`package/${'q'.repeat(120)}`, 155)).toEqual(['q'.repeat(99), 'package'])
  })
})

describe('ustar splits', () => {
  it('longest prefix: GNU tar allows a 155-byte prefix, git 154', () => {
    const p = enc.encode(`${'a'.repeat(155)}/${'b'.repeat(20)}`)
    expect(splitLongest(p, 155)).toBe(155)
    expect(splitLongest(p, 154)).toBe(-1)
    const dir = enc.encode(`${'a'.repeat(60)}/${'b'.repeat(60)}/`)
    expect(text(dir.subarray(splitLongest(dir, 155) + 1))).toBe(`${'b'.repeat(60)}/`) // a directory's slash stays in the name
  })

  it('shortest prefix: libarchive skips a leading "/" and refuses an empty name, Python does not', () => {
    const abs = enc.encode(`/${'a'.repeat(100)}`)
    expect(splitShortest(abs, 'python')).toBe(0)
    expect(splitShortest(abs, 'libarchive')).toBe(-1)
  })
})

describe('PAX header names', () => {
  it("GNU tar's %d/PaxHeaders/%f (checked against GNU tar in gnu-tar.test.ts)", () => {
    expect(text(gnuPaxHeaderName(enc.encode('./')))).toBe('./PaxHeaders/.')
    expect(text(gnuPaxHeaderName(enc.encode('sub/')))).toBe('./PaxHeaders/sub')
    expect(text(gnuPaxHeaderName(enc.encode('/tmp/x//a')))).toBe('/tmp/x/PaxHeaders/a')
  })

  it("libarchive's entry names: the file name cut to fit 98 bytes with the inserted component", () => {
    const long = enc.encode(`d/${'f'.repeat(103)}`)
    expect(text(ustarEntryName(long))).toBe(`d/${'f'.repeat(98)}`)
    expect(text(bsdtarPaxHeaderName(long))).toBe(`d/PaxHeader/${'f'.repeat(87)}`)
    expect(text(bsdtarPaxHeaderName(enc.encode('.')))).toBe('PaxHeader/currentdir')
    expect(text(bsdtarPaxHeaderName(enc.encode('//')))).toBe('/PaxHeader/rootdir')
    expect(text(ustarEntryName(enc.encode('/'.repeat(120))))).toBe('/')
  })
})
