/**
 * Work per entry while a tar is described and its entries listed (#16): counted, never timed. Each count
 * is of a step a description used to repeat for every entry although its outcome was already known.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { packTar } from '../helpers/archives.js'

const MEMBERS = 40

async function tarOfFiles (): Promise<Uint8Array> {
  return await packTar([
    [{ name: 'pkg/', type: 'directory' }],
    ...Array.from({ length: MEMBERS - 1 }, (_, i): [{ name: string }, string] => [{ name: `pkg/file-${i}.txt` }, `content ${i}\n`])
  ])
}

afterEach(() => { vi.doUnmock('../../src/archive/tar/style/encode.js'); vi.doUnmock('../../src/schema/validate.generated.js'); vi.resetModules() })

describe('describing a tar', () => {
  it('writes each member\'s header once: listing the entries reuses the lengths the description measured', async () => {
    vi.resetModules()
    let writes = 0
    vi.doMock('../../src/archive/tar/style/encode.js', async (load) => {
      const real = await load<typeof import('../../src/archive/tar/style/encode.js')>()
      return { ...real, writeMemberHeaders: (...args: Parameters<typeof real.writeMemberHeaders>) => { writes++; return real.writeMemberHeaders(...args) } }
    })
    const { manifestFromTarball } = await import('../../src/index.js')
    const result = await manifestFromTarball(await tarOfFiles())
    const described = writes
    expect(described).toBeGreaterThanOrEqual(MEMBERS)
    expect(result.entries.map(e => e.dataOffset - e.headerOffset)).toEqual(Array(MEMBERS).fill(512))
    expect(writes - described).toBe(0)
  })

  it('checks the values of the records it builds, not their shape against the schema again', async () => {
    vi.resetModules()
    let shapeChecks = 0
    vi.doMock('../../src/schema/validate.generated.js', async (load) => {
      const real = await load<typeof import('../../src/schema/validate.generated.js')>()
      const toTyped = real.EntryRecord.toTyped
      return { ...real, EntryRecord: { ...real.EntryRecord, toTyped: (value: unknown) => { shapeChecks++; return toTyped(value) } } }
    })
    const { manifestFromTarball } = await import('../../src/index.js')
    const { encodeEntryRecord } = await import('../../src/codec/manifest-codec.js')
    await manifestFromTarball(await tarOfFiles())
    expect(shapeChecks).toBe(0)
    // A record from elsewhere is still checked against the schema.
    expect(() => encodeEntryRecord({ p: 7 } as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_MANIFEST' }))
    expect(shapeChecks).toBe(1)
  })
})
