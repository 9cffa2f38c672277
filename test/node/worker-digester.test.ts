/**
 * createWorkerDigester: the archive's size, sha256 and sha512 from worker threads equal node:crypto's over
 * the same bytes, whatever the chunking: empty chunks, pieces larger than a pool slot, more bytes than the
 * pool holds (the digester must wait for the workers), chunks in shared memory and a mix of both; a large
 * file through manifestFromFile.
 */
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { manifestFromTarball } from '../../src/index.js'
import { createWorkerDigester, manifestFromFile } from '../../src/node/index.js'
import { packTar, patternBytes, removeDir, tempDir } from '../helpers/archives.js'

let dir: string
beforeAll(() => { dir = tempDir('iam-digester-') })
afterAll(() => { removeDir(dir) })

function shared (bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(new SharedArrayBuffer(bytes.length))
  copy.set(bytes)
  return copy
}

async function digestOf (chunks: Uint8Array[]): Promise<{ size: number, sha256: string, sha512: string }> {
  const digester = createWorkerDigester()
  for (const chunk of chunks) {
    const pending = digester.update(chunk)
    if (pending !== undefined) await pending
  }
  const { size, sha256, sha512 } = await digester.finish()
  return { size, sha256: Buffer.from(sha256).toString('hex'), sha512: Buffer.from(sha512).toString('hex') }
}

function expected (chunks: Uint8Array[]): { size: number, sha256: string, sha512: string } {
  const a = createHash('sha256')
  const b = createHash('sha512')
  let size = 0
  for (const chunk of chunks) { a.update(chunk); b.update(chunk); size += chunk.length }
  return { size, sha256: a.digest('hex'), sha512: b.digest('hex') }
}

describe('createWorkerDigester', () => {
  it('no bytes at all', async () => {
    expect(await digestOf([])).toEqual(expected([]))
    expect(await digestOf([new Uint8Array(0)])).toEqual(expected([]))
  })

  it('chunks of every size, copied into the pool: empty ones, larger than a slot, more than the pool holds', async () => {
    const chunks = [patternBytes(1, 1), new Uint8Array(0), patternBytes((4 << 20) + 1, 2), patternBytes(4 << 20, 3)]
    for (let i = 0; i < 12; i++) chunks.push(patternBytes((1 << 20) * 3 + i * 4099, 10 + i))
    expect(await digestOf(chunks)).toEqual(expected(chunks))
  }, 120_000)

  it('chunks in shared memory (copied like any other), more than the pool holds, mixed with plain ones', async () => {
    const chunks: Uint8Array[] = []
    for (let i = 0; i < 10; i++) chunks.push(shared(patternBytes((4 << 20) - i * 511, 40 + i)))
    // A view into the middle of a shared buffer, a shared chunk larger than the pool, then plain bytes again.
    chunks.push(shared(patternBytes(1000, 60)).subarray(17, 900), shared(patternBytes(30 << 20, 61)), patternBytes(12345, 62))
    expect(await digestOf(chunks)).toEqual(expected(chunks))
  }, 120_000)

  it('close() before finish() ends the workers', async () => {
    const digester = createWorkerDigester()
    await digester.update(patternBytes(1 << 20, 5))
    await digester.close()
  })

  it('manifestFromFile records the digests of a file large enough for the workers', async () => {
    const tar = Buffer.from(await packTar([[{ name: 'big.bin' }, patternBytes(9 << 20, 7)], [{ name: 'small.txt' }, patternBytes(1000, 8)]]))
    const path = join(dir, 'a.tar')
    writeFileSync(path, tar)
    const fromFile = await manifestFromFile(path)
    const inThread = await manifestFromTarball(tar)
    expect(fromFile.cid.equals(inThread.cid)).toBe(true)
    expect(Buffer.from(fromFile.manifest.archive.sha512).toString('hex')).toBe(expected([tar]).sha512)
  }, 120_000)
})
