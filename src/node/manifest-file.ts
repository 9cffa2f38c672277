/** manifestFromFile: the Node way to describe an archive on disk, streaming it with the digests on other cores. */
import { manifestFromTarball, type ManifestOptions, type ManifestResult } from '../manifest/create.js'
import { openArchiveFile } from './files.js'
import { createWorkerDigester } from './worker-digester.js'

export async function manifestFromFile (path: string, options: Omit<ManifestOptions, 'digester'> = {}): Promise<ManifestResult> {
  const { chunks } = await openArchiveFile(path)
  const digester = createWorkerDigester()
  try {
    // A second read, only if a compressed archive turns out to need its own blocks stored.
    const reread = async function * (): AsyncGenerator<Uint8Array> { yield * (await openArchiveFile(path)).chunks }
    return await manifestFromTarball(chunks, { ...options, digester, reread })
  } finally {
    await digester.close()
  }
}
