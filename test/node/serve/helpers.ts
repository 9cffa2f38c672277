/** Shared by the mirror server's tests: archives described into a MemoryBlocks, a Map index, raw HTTP. */
import { request } from 'node:http'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { CID } from 'multiformats/cid'
import { MemoryBlocks, type ProfileName } from '../../../src/index.js'
import { manifestFromFile } from '../../../src/node/manifest-file.js'
import type { MirrorStore } from '../../../src/node/index.js'

export interface Described {
  path: string
  bytes: Buffer
  sha256: string
  sha512: string
  manifest: CID
  tree: CID
}

/** Describes each file into `blocks` (manifest, tree and side data; no archive file blocks unless needed). */
export async function describeAll (paths: string[], blocks: MemoryBlocks, profile?: ProfileName): Promise<Described[]> {
  const out: Described[] = []
  for (const path of paths) {
    const result = await manifestFromFile(path, { blockstore: blocks, ...(profile === undefined ? {} : { profile }) })
    const bytes = readFileSync(path)
    out.push({
      path,
      bytes,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      sha512: createHash('sha512').update(bytes).digest('hex'),
      manifest: result.cid,
      tree: result.treeCid
    })
  }
  return out
}

/** A MirrorStore over `blocks` with an index of `archives` by both digests; `asked` counts lookups by hex. */
export function mapStore (blocks: MemoryBlocks, archives: Described[]): MirrorStore & { asked: Map<string, number> } {
  const index = new Map<string, CID>()
  for (const a of archives) { index.set(`sha256/${a.sha256}`, a.manifest); index.set(`sha512/${a.sha512}`, a.manifest) }
  const asked = new Map<string, number>()
  return {
    blockstore: blocks,
    lookup: (algorithm, hex) => {
      asked.set(hex, (asked.get(hex) ?? 0) + 1)
      return index.get(`${algorithm}/${hex}`)
    },
    asked
  }
}

export interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
  /** Whether the body arrived whole (the connection was not cut before its end). */
  complete: boolean
}

/**
 * One request with the target sent exactly as given (no URL normalisation, unlike fetch), on a fresh
 * connection. Resolves also when the server cuts the body short (complete: false).
 */
export async function send (base: string, target: string, options: { method?: string, headers?: Record<string, string> } = {}): Promise<Reply> {
  const url = new URL(base)
  return await new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: target, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const parts: Buffer[] = []
      let settled = false
      const done = (): void => {
        if (settled) return
        settled = true
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts), complete: res.complete })
      }
      res.on('data', (part: Buffer) => parts.push(part))
      res.on('end', done)
      res.on('error', done)
      res.on('close', done)
    })
    req.on('error', reject)
    req.end()
  })
}
