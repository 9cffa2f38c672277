/**
 * Property: for random small trees zipped by fflate (zipSync) and by Python's zipfile (every method, with
 * and without forced zip64, streamed through a non-seekable file so that descriptors are written), the
 * segments tile the file exactly, each entry's data inflates to its CRC (helpers.ts), and the entries are
 * the tree's files in order.
 */
import { describe, it, expect, afterAll } from 'vitest'
import fc from 'fast-check'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { zipSync, type Zippable } from 'fflate'
import { compareWithPython, pythonInfo, readChecked } from './helpers.js'

const segment = fc.stringMatching(/^[a-zA-Z0-9._é-]{1,8}$/).filter(s => s !== '.' && s !== '..')
const content = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc.tuple(fc.string({ maxLength: 20 }), fc.integer({ min: 1, max: 400 })).map(([s, n]) => new TextEncoder().encode(s.repeat(n)))
)
/** Distinct file paths (no file is also a directory) with contents; directories end in '/'. */
const tree = fc.uniqueArray(fc.tuple(fc.array(segment, { minLength: 1, maxLength: 3 }), content, fc.boolean()), {
  maxLength: 12, selector: ([p]) => p.join('/')
}).map(items => {
  const paths = new Set(items.map(([p]) => p.join('/')))
  return items
    .filter(([p]) => ![...paths].some(q => q.startsWith(p.join('/') + '/')))
    .map(([p, data, isDir]) => ({ path: p.join('/') + (isDir ? '/' : ''), data: isDir ? new Uint8Array(0) : data }))
})

const dir = mkdtempSync(join(tmpdir(), 'iam-zip-prop-'))
afterAll(() => { rmSync(dir, { recursive: true, force: true }) })

describe('random trees', () => {
  it('fflate zipSync: segments tile, CRCs match, entries are the tree', async () => {
    await fc.assert(fc.asyncProperty(tree, fc.integer({ min: 0, max: 9 }), async (files, level) => {
      const input: Zippable = {}
      for (const f of files) input[f.path] = [f.data, { level: level as 0 }]
      const bytes = zipSync(input)
      const layout = await readChecked(bytes)
      // Object key order puts integer-like names first: compare as sorted lists.
      const seen = layout.entries.map(e => [new TextDecoder().decode(e.path), e.uncompressedSize, e.type].join(' ')).sort()
      expect(seen).toEqual(files.map(f => [f.path, f.data.length, f.path.endsWith('/') ? 'directory' : 'file'].join(' ')).sort())
    }), { numRuns: 150, seed: 7 })
  })

  it("Python's zipfile (all four methods, zip64, streamed descriptors): agrees with Python too", async () => {
    let run = 0
    await fc.assert(fc.asyncProperty(tree, fc.constantFrom(0, 8, 12, 14), fc.boolean(), fc.boolean(), async (files, method, zip64, streamed) => {
      const spec = join(dir, `spec-${run}.json`)
      const path = join(dir, `p-${run++}.zip`)
      writeFileSync(spec, JSON.stringify(files.map(f => [f.path, Buffer.from(f.data).toString('base64')])))
      execFileSync('python3', ['-c', `
import base64, json, sys, zipfile
class Unseekable:
    def __init__(self, f): self.f = f
    def write(self, b): return self.f.write(b)
    def flush(self): self.f.flush()
    def tell(self): raise OSError('not seekable')
    def seekable(self): return False
files = json.load(open(sys.argv[1]))
method, zip64, streamed = int(sys.argv[3]), sys.argv[4] == '1', sys.argv[5] == '1'
with open(sys.argv[2], 'wb') as raw:
    with zipfile.ZipFile(Unseekable(raw) if streamed else raw, 'w', compression=method) as z:
        for name, data in files:
            zi = zipfile.ZipInfo(name, (2001, 2, 3, 4, 5, 6))
            zi.compress_type = method
            with z.open(zi, 'w', force_zip64=zip64) as f:
                f.write(base64.b64decode(data))
`, spec, path, String(method), zip64 ? '1' : '0', streamed ? '1' : '0'])
      const bytes = new Uint8Array(readFileSync(path))
      const layout = await readChecked(bytes)
      compareWithPython(layout, pythonInfo(path))
      for (const e of layout.entries) {
        if (e.path[e.path.length - 1] !== 0x2f) expect(e.dataDescriptor !== undefined).toBe(streamed)
        if (e.dataDescriptor !== undefined) expect(e.dataDescriptor.length).toBe(zip64 ? 24 : 16)
      }
    }), { numRuns: 20, seed: 11 })
  })
})
