/**
 * Names that begin with U+FEFF (bytes EF BB BF): a default TextDecoder drops that character, and cborg's
 * dag-cbor text and @ipld/dag-pb's link names are decoded with one. Such names were listed without it (`ls`),
 * and the manifest failed to restore. Each command must give the names back byte for byte, as GNU tar and
 * Info-ZIP do.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gnuExtract, gnuTar, narOf, removeDir, tempDir, writeTree } from './helpers/archives.js'
import { cli, cliBytes } from './helpers/cli.js'

const BOM = '\uFEFF'
let dir: string
let src: string
beforeAll(() => { dir = tempDir('iam-bom-'); src = bomTree() })
afterAll(() => { removeDir(dir) })

/** A tree whose names begin with U+FEFF: two files that differ after it, one that is only it, a link to one. */
function bomTree (): string {
  return writeTree({
    files: { [`d/${BOM}a.txt`]: 'A\n', [`d/${BOM}b.txt`]: 'B\n', [`d/${BOM}`]: 'only the mark\n', [`${BOM}top/x`]: 'x\n' },
    symlinks: { 'd/lnk': `${BOM}a.txt` }
  }, join(dir, 'src'))
}

/** create (with --nar), ls, verify, restore, extract and nar on `archive`; `reference` is its extraction by the peer tool. */
function roundTrip (archive: string, name: string, reference: string, names: string[]): void {
  const car = join(dir, `${name}.car`)
  const created = cli('create', archive, '--car', car, '--nar')
  expect(created.status, created.stderr).toBe(0)

  const listed = cli('ls', car)
  expect(listed.status, listed.stderr).toBe(0)
  for (const n of names) expect(listed.stdout, n).toContain(` ${n}`)
  expect(listed.stdout).not.toMatch(/ d\/a\.txt/)

  const verified = cli('verify', car)
  expect(verified.status, verified.stderr).toBe(0)

  const restored = join(dir, `${name}.restored`)
  const r = cli('restore', car, '-o', restored)
  expect(r.status, r.stderr).toBe(0)
  expect(readFileSync(restored).equals(readFileSync(archive))).toBe(true)

  const out = join(dir, `${name}.out`)
  const x = cli('extract', car, out)
  expect(x.status, x.stderr).toBe(0)
  expect(readdirSync(join(out, 'd')).sort()).toEqual(readdirSync(join(reference, 'd')).sort())
  expect(narOf(out).equals(narOf(reference))).toBe(true)

  const nar = cliBytes({}, 'nar', car)
  expect(nar.status, nar.stderr).toBe(0)
  expect(nar.stdout.equals(narOf(reference))).toBe(true)
}

describe('names that begin with U+FEFF', () => {
  const names = [`d/${BOM}a.txt`, `d/${BOM}b.txt`, `d/${BOM}`, `d/lnk -> ${BOM}a.txt`, `${BOM}top/x`]

  it('round-trip through every command: GNU tar (gnu and pax formats)', () => {
    for (const format of ['gnu', 'pax'] as const) {
      const tar = join(dir, `bom-${format}.tar`)
      writeFileSync(tar, gnuTar(src, ['d', `${BOM}top`], format))
      const reference = gnuExtract(readFileSync(tar))
      try {
        roundTrip(tar, `bom-${format}`, reference, names)
      } finally {
        removeDir(reference)
      }
    }
  }, 300_000)

  it('round-trip through every command: Info-ZIP zip', () => {
    const zip = join(dir, 'bom.zip')
    execFileSync('zip', ['-q', '-r', '-y', '-X', zip, 'd', `${BOM}top`], { cwd: src })
    const reference = join(dir, 'bom-unzipped')
    mkdirSync(reference)
    execFileSync('unzip', ['-q', zip, '-d', reference])
    roundTrip(zip, 'bom-zip', reference, names)
  }, 300_000)
})
