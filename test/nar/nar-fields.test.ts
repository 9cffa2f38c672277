/** The manifest's `tree.nar` / `tree.strippedNar` (schema NarHash) and the hash forms Nix uses. */
import { describe, it, expect } from 'vitest'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { manifestFromTarball, decodeManifest, InvalidManifestError } from '../../src/index.js'
import { encodeManifest } from '../../src/codec/manifest-codec.js'
import { nixHashOf, sriOf } from '../../src/nar/nar-hash.js'
import { foldHash, toNixBase32 } from '../../src/nar/nix-base32.js'
import type { Manifest } from '../../src/schema/types.js'

const hello = join(import.meta.dirname, '../fixtures/real/hello-2.10.tar')

describe('nix32 and SRI', () => {
  it('toNixBase32 equals nix-hash --to-base32 for digests of 16, 20, 32 and 64 bytes', () => {
    for (const [algo, size] of [['md5', 16], ['sha1', 20], ['sha256', 32], ['sha512', 64]] as const) {
      for (let seed = 0; seed < 4; seed++) {
        const digest = createHash(algo).update(`seed ${seed}`).digest()
        expect(digest.length).toBe(size)
        const theirs = execFileSync('nix-hash', ['--type', algo, '--to-base32', digest.toString('hex')], { encoding: 'utf8' }).trim()
        expect(toNixBase32(digest)).toBe(theirs)
      }
    }
  })

  it('SRI is sha256- and padded base64; nixHashOf is sha256:<nix32>', () => {
    const digest = createHash('sha256').update('').digest()
    expect(sriOf(digest)).toBe('sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=')
    expect(nixHashOf(digest)).toBe('sha256:0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73')
  })

  it('foldHash XORs byte i into i mod size', () => {
    expect([...foldHash(Uint8Array.of(1, 2, 3, 4, 5), 2)]).toEqual([1 ^ 3 ^ 5, 2 ^ 4])
  })
})

describe('tree.nar in the manifest', () => {
  it('round-trips, and the root block is checked: digest length, size, strippedNar only with stripped and nar', async () => {
    const result = await manifestFromTarball(new Uint8Array(readFileSync(hello)), { nar: true })
    const m = result.manifest
    expect(decodeManifest((await encodeManifest(m)).bytes)).toEqual(m)
    const bad = (tree: Partial<Manifest['tree']>): Manifest => ({ ...m, tree: { ...m.tree, ...tree } })
    const nar = m.tree.nar as NonNullable<Manifest['tree']['nar']>
    await expect(encodeManifest(bad({ nar: { sha256: nar.sha256.subarray(1), size: nar.size } }))).rejects.toBeInstanceOf(InvalidManifestError)
    await expect(encodeManifest(bad({ nar: { sha256: nar.sha256, size: 95 } }))).rejects.toBeInstanceOf(InvalidManifestError)
    const { stripped: _, ...noStripped } = m.tree
    await expect(encodeManifest({ ...m, tree: noStripped })).rejects.toBeInstanceOf(InvalidManifestError)
    const { nar: __, ...noNar } = m.tree
    await expect(encodeManifest({ ...m, tree: noNar })).rejects.toBeInstanceOf(InvalidManifestError)
    // An unknown key in the tree is still refused by the schema.
    await expect(encodeManifest(bad({ other: 1 } as unknown as Partial<Manifest['tree']>))).rejects.toBeInstanceOf(InvalidManifestError)
  })
})
