/**
 * restoreArchiveRange with stream encoders (#16): a member the range ends inside is encoded in this thread
 * (a stream stopped midway would cost its worker and the input in flight); a member the range reads to its
 * end goes to the stream encoders. The bytes are the archive's either way.
 */
import { execFileSync } from 'node:child_process'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { describe, expect, it } from 'vitest'
import { manifestFromTarball, restoreArchiveRange } from '../../src/index.js'
import { linkedArchiveFile } from '../../src/manifest/restore.js'
import { encoderFor } from '../../src/compression/recipe/registry.js'
import type { Recipe } from '../../src/compression/recipe/encoder.js'
import type { StreamEncoders } from '../../src/compression/recipe/stream-encoders.js'
import { packTar, patternBytes } from '../helpers/archives.js'
import { collect } from '../helpers/nix.js'

/** Stream encoders that encode in this thread and count the members given to them. */
function countingEncoders (): StreamEncoders & { members: number } {
  const counted = {
    members: 0,
    async * encode (recipe: Recipe, contentSize: number, input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
      counted.members++
      const encoder = (await encoderFor(recipe, contentSize)).create()
      for await (const bytes of input) yield * encoder.write(bytes)
      yield * encoder.end()
    }
  }
  return counted
}

describe('restoreArchiveRange and stream encoders', () => {
  it('a member the range ends inside is encoded here, one read to its end on the stream encoders', async () => {
    const text = new TextEncoder().encode(Array.from({ length: 8000 }, (_, i) => `line ${i}\n`).join(''))
    const tar = await packTar([[{ name: 'a.txt' }, text], [{ name: 'b.bin' }, patternBytes(1_500_000, 2)]])
    // Two gzip members, so that a range can end inside the second after reading the first whole.
    const first = new Uint8Array(execFileSync('gzip', ['-n', '-9', '-c'], { input: tar.subarray(0, 10240) }))
    const second = new Uint8Array(execFileSync('gzip', ['-n', '-9', '-c'], { input: tar.subarray(10240), maxBuffer: 1 << 26 }))
    const gz = Buffer.concat([first, second])
    const blockstore = new MemoryBlockstore()
    // With a second read at hand, the archive's own blocks are stored only if a member has no recipe.
    const { manifest } = await manifestFromTarball(gz, { blockstore, reread: async function * () { yield gz } })
    expect(manifest.compression?.members.map(m => m.recipe?.encoder)).toEqual(['gnu-gzip', 'gnu-gzip'])
    // Rebuilt, not read from the archive's own file.
    expect(await linkedArchiveFile(manifest, blockstore)).toBeUndefined()

    const cases = [
      { offset: 0, length: 64, members: 0 },
      { offset: 5, length: first.length - 5, members: 1 },
      { offset: 0, length: first.length + 10, members: 1 },
      { offset: 0, length: gz.length, members: 2 }
    ]
    for (const { offset, length, members } of cases) {
      const encoders = countingEncoders()
      const bytes = await collect(restoreArchiveRange(manifest, blockstore, { offset, length }, { streamEncoders: encoders }))
      expect(Buffer.compare(bytes, gz.subarray(offset, offset + length)), `${offset}+${length}`).toBe(0)
      expect(encoders.members, `${offset}+${length}`).toBe(members)
    }
  }, 120_000)
})
