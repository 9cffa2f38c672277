/**
 * Real published tars (test/fixtures/real and the archives test/setup/fetch-real.sh fetches: Debian
 * upstream tarballs, a .deb's data.tar, npm tarballs): every header regenerated, zero exceptions.
 */
import { describe, it, expect, beforeAll } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ensureRealArchives } from '../../../helpers/real-archives.js'
import { describeExceptions, matchArchive } from './match-archive.js'
import type { StyleName } from '../../../../src/archive/tar/style/index.js'

const fixtures = join(import.meta.dirname, '../../../fixtures/real')

/** The style each archive's writer should be recognised as. */
const expected: Record<string, StyleName[]> = {
  'hello-2.10.tar': ['v7'],
  'is-number-7.0.0.tar': ['npm'],
  'tar-stream-3.1.7.tar': ['npm'],
  'fflate-0.8.3.tar': ['npm'],
  'multiformats-14.0.5.tar': ['npm'],
  'typescript-5.9.3.tar': ['npm'],
  'chalk-4.1.2.tar': ['npm'],
  'zod-3.20.6.tar': ['npm'],
  'hello-deb-data.tar': ['gnu'],
  'make-dfsg_4.3.orig.tar': ['gnu'],
  'pcre2_10.42.orig.tar': ['v7'],
  'sed_4.9.orig.tar': ['v7'],
  'zlib_1.2.13.dfsg.orig.tar': ['gnu'],
  'libtasn1-6_4.19.0.orig.tar': ['v7']
}

let files: string[]

beforeAll(() => {
  const real = ensureRealArchives()
  files = [
    ...readdirSync(fixtures).filter(n => n.endsWith('.tar')).map(n => join(fixtures, n)),
    ...readdirSync(real).filter(n => n.endsWith('.tar')).map(n => join(real, n))
  ]
}, 600_000)

describe('real archives: every header regenerated', () => {
  it('each archive, zero exceptions, by its writer\'s style', () => {
    expect(files.length).toBeGreaterThanOrEqual(14)
    for (const file of files) {
      const name = file.split('/').pop()!
      const match = matchArchive(new Uint8Array(readFileSync(file)))
      expect(describeExceptions(match), name).toEqual([])
      expect(match.paddingExceptions, name).toBe(0)
      expect([...match.styles.keys()], name).toEqual(expected[name])
    }
  })
})
