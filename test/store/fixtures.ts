/**
 * Manifests for index tests: real ones (the small real tars, described into a store), and many synthetic
 * ones made cheaply from one real manifest by changing only the archive's digests (the index reads nothing
 * else), so that directories large enough to shard cost seconds, not a corpus.
 */
import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import type { CID } from 'multiformats/cid'
import { manifestFromTarball, type BlockSink, type Manifest, type ProfileName } from '../../src/index.js'
import { encodeManifest } from '../../src/codec/manifest-codec.js'

export const realTars = ['hello-2.10.tar', 'is-number-7.0.0.tar', 'tar-stream-3.1.7.tar']
  .map(name => join(import.meta.dirname, '../fixtures/real', name))

/** A real tar described into `sink`: its manifest CID and digests (hex). */
export async function describeInto (path: string, sink: BlockSink, profile?: ProfileName): Promise<{ cid: CID, sha256: string, sha512: string }> {
  const bytes = new Uint8Array(readFileSync(path))
  const result = await manifestFromTarball(bytes, { blockstore: sink, ...(profile === undefined ? {} : { profile }) })
  return {
    cid: result.cid,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sha512: createHash('sha512').update(bytes).digest('hex')
  }
}

/** `count` manifests like `base` but each with its own (made-up) sha256 and sha512, stored in `sink`. */
export async function syntheticManifests (base: Manifest, count: number, sink: BlockSink, seed = 'synthetic'): Promise<Array<{ cid: CID, sha256: string, sha512: string }>> {
  const out = []
  for (let i = 0; i < count; i++) {
    const sha256 = new Uint8Array(createHash('sha256').update(`${seed} ${i}`).digest())
    const sha512 = new Uint8Array(createHash('sha512').update(`${seed} ${i}`).digest())
    const manifest: Manifest = {
      ...base,
      archive: { ...base.archive, sha256, sha512 },
      ...(base.tar === undefined ? {} : { tar: { ...base.tar, sha256 } })
    }
    const block = await encodeManifest(manifest)
    await sink.put(block.cid, block.bytes)
    out.push({ cid: block.cid, sha256: Buffer.from(sha256).toString('hex'), sha512: Buffer.from(sha512).toString('hex') })
  }
  return out
}
