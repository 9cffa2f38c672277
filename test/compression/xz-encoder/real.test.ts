/**
 * Real .xz files made by Debian's xz 5.4.1, rebuilt from their tar: sed's upstream tarball (xz -6e -T1) and
 * a .deb's data.tar.xz (xz -6 -T2: dpkg-deb uses the threaded encoder). Their heads must rank the params.
 */
import { describe, it, expect } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ensureRealArchives } from '../../helpers/real-archives.js'
import { candidateRank, encode, expectSame } from './helpers.js'

const real = ensureRealArchives()

describe('xz encoder on real archives', () => {
  it.each([
    ['sed_4.9.orig.tar.xz', 'sed_4.9.orig.tar', { level: 6, extreme: 1 }, 1],
    ['deb/data.tar.xz', 'hello-deb-data.tar', { level: 6, mt: 1 }, 0]
  ] as const)('%s', (xzName, tarName, params, rank) => {
    const file = new Uint8Array(readFileSync(join(real, xzName)))
    const tar = new Uint8Array(readFileSync(join(real, tarName)))
    expect(candidateRank(file, params)).toBe(rank)
    expectSame(encode(params, tar, 65_536), file, xzName)
  })
})
