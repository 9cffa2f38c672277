/** manifestFromFile: the Node way to describe an archive on disk, streaming it with the digests on other cores. */
import { manifestFromTarball, type ManifestOptions, type ManifestResult } from '../manifest/create.js'
import { openArchiveFile } from './files.js'
import { createWorkerDigester } from './worker-digester.js'

export async function manifestFromFile (path: string, options: Omit<ManifestOptions, 'digester'> = {}): Promise<ManifestResult> {
  const { chunks } = await openArchiveFile(path)
  const digester = createWorkerDigester()
  try {
    return await manifestFromTarball(chunks, { ...options, digester })
  } finally {
    await digester.close()
  }
}
