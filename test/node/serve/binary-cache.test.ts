/**
 * The Nix binary cache in `serve` (#15 item 2): /nix-cache-info, /<hash>.narinfo and /nar/<hash>.nar for
 * the trees of a store's archives, checked against Nix itself: store paths as `nix-store
 * --print-fixed-path` computes them, NARs as `nix-store --dump` writes GNU tar's extraction, signatures
 * as `nix store sign` makes them with a key from `nix-store --generate-binary-cache-key`, and real
 * substitution: `nix-build` of a fixed-output derivation (recursive, sha256) whose builder fails is
 * realised from this server alone (no other substituter), unsigned and signed.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFile, execFileSync } from 'node:child_process'
import { createPublicKey, verify } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { loadEntries, loadManifest, type Manifest } from '../../../src/index.js'
import { treeNarHashes } from '../../../src/nar/nar.js'
import { sriOf } from '../../../src/nar/nar-hash.js'
import { narInfoFingerprint } from '../../../src/nar/narinfo.js'
import { fixedOutputPath } from '../../../src/nar/store-path.js'
import { readNixSigningKey } from '../../../src/node/nix-signing-key.js'
import { createMirrorServer, type MirrorServer } from '../../../src/node/index.js'
import { openStore, type Store } from '../../../src/node/store.js'
import { narOf, removeDir, tempDir } from '../../helpers/archives.js'
import { gnuExtractFile, nixHash32, onlyChild } from '../../helpers/nix.js'
import { repoRoot } from '../../helpers/real-archives.js'
import { send } from './helpers.js'

const run = promisify(execFile)
const hello = join(repoRoot, 'test/fixtures/real/hello-2.10.tar')
const isNumber = join(repoRoot, 'test/fixtures/real/is-number-7.0.0.tar')

let dir: string
let store: Store
let manifest: Manifest
let extracted: string
let server: MirrorServer
let signed: MirrorServer
let base: string
let signedBase: string
let keyFiles: { secret: string, public: string }
const errors: string[] = []

beforeAll(async () => {
  dir = tempDir('iam-nix-cache-')
  store = await openStore(join(dir, 'store'))
  const added = await store.add(hello)
  manifest = await loadManifest(added.manifest, store.blockstore)
  extracted = gnuExtractFile(hello)
  keyFiles = { secret: join(dir, 'key.sec'), public: join(dir, 'key.pub') }
  execFileSync('nix-store', ['--generate-binary-cache-key', 'iam-test-1', keyFiles.secret, keyFiles.public], { stdio: 'ignore' })
  // Every store path the cache is asked for and does not know makes it look at the index again.
  server = createMirrorServer({ store, limits: { nixCacheRefreshMs: 0 }, onError: m => errors.push(m) })
  base = (await server.listen()).url
  signed = createMirrorServer({ store, nixSigningKey: await readNixSigningKey(keyFiles.secret) })
  signedBase = (await signed.listen()).url
}, 300_000)

afterAll(async () => {
  await server?.close()
  await signed?.close()
  await store?.close()
  removeDir(extracted)
  removeDir(dir)
})

/** The fields of a narinfo. */
function fields (text: string): Record<string, string> {
  return Object.fromEntries(text.trim().split('\n').map(line => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]))
}

function printFixedPath (nix32: string, name: string): string {
  return execFileSync('nix-store', ['--print-fixed-path', '--recursive', 'sha256', nix32, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
}

describe('store paths', () => {
  it('equal nix-store --print-fixed-path --recursive sha256 for trees of both kinds and several names', () => {
    for (const path of [extracted, onlyChild(extracted)]) {
      const nix32 = nixHash32(path)
      const sha256 = Buffer.from(execFileSync('nix-hash', ['--type', 'sha256', '--to-base16', nix32], { encoding: 'utf8' }).trim(), 'hex')
      for (const name of ['source', 'hello-2.10', 'a+b=c?d_e.f']) expect(fixedOutputPath(sha256, name).path).toBe(printFixedPath(nix32, name))
    }
  })
})

describe('binary cache over HTTP', () => {
  it('/nix-cache-info names /nix/store', async () => {
    const r = await send(base, '/nix-cache-info')
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe('text/x-nix-cache-info')
    expect(fields(r.body.toString()).StoreDir).toBe('/nix/store')
  })

  it('serves the tree and the stripped tree under "source" and the top directory\'s name; NARs are nix-store --dump\'s', async () => {
    const cases = [
      { path: extracted, names: ['source', 'hello-2.10'] },
      { path: onlyChild(extracted), names: ['source', 'hello-2.10'] }
    ]
    for (const c of cases) {
      const nix32 = nixHash32(c.path)
      const dump = narOf(c.path)
      for (const name of c.names) {
        const storePath = printFixedPath(nix32, name)
        const r = await send(base, `/${storePath.slice('/nix/store/'.length, '/nix/store/'.length + 32)}.narinfo`)
        expect(r.status).toBe(200)
        expect(r.headers['content-type']).toBe('text/x-nix-narinfo')
        const info = fields(r.body.toString())
        expect(info).toEqual({
          StorePath: storePath,
          URL: `nar/${nix32}.nar`,
          Compression: 'none',
          FileHash: `sha256:${nix32}`,
          FileSize: String(dump.length),
          NarHash: `sha256:${nix32}`,
          NarSize: String(dump.length),
          References: '',
          CA: `fixed:r:sha256:${nix32}`
        })
        const nar = await send(base, `/${info.URL as string}`)
        expect(nar.status).toBe(200)
        expect(nar.headers['content-length']).toBe(String(dump.length))
        expect(nar.body.equals(dump)).toBe(true)
      }
      const head = await send(base, `/nar/${nix32}.nar`, { method: 'HEAD' })
      expect([head.status, head.headers['content-length'], head.body.length]).toEqual([200, String(dump.length), 0])
    }
  })

  it('unknown store paths and NARs are 404, malformed names 400; an archive added later is found', async () => {
    expect((await send(base, `/${'0'.repeat(32)}.narinfo`)).status).toBe(404)
    expect((await send(base, `/nar/${'0'.repeat(52)}.nar`)).status).toBe(404)
    for (const target of ['/abc.narinfo', `/${'e'.repeat(32)}.narinfo`, '/nar/x.nar', `/nar/${'0'.repeat(52)}.nar.xz`, '/nix-cache-info?x=1', `/nar/${'0'.repeat(52)}.nar/x`]) {
      expect((await send(base, target)).status, target).toBe(400)
    }
    const x = gnuExtractFile(isNumber)
    try {
      const storePath = printFixedPath(nixHash32(onlyChild(x)), 'source')
      await store.add(isNumber)
      const r = await send(base, `/${storePath.slice(11, 43)}.narinfo`)
      expect(r.status).toBe(200)
      expect(fields(r.body.toString()).StorePath).toBe(storePath)
    } finally { removeDir(x) }
    expect(errors).toEqual([])
  })

  it('signs narinfos: the signature of Nix\'s fingerprint verifies with the public key Nix generated', async () => {
    const top = onlyChild(extracted)
    const nix32 = nixHash32(top)
    const storePath = printFixedPath(nix32, 'source')
    const info = fields((await send(signedBase, `/${storePath.slice(11, 43)}.narinfo`)).body.toString())
    const sig = info.Sig as string
    expect(sig.startsWith('iam-test-1:')).toBe(true)
    const publicKey = readFileSync(keyFiles.public, 'utf8').trim()
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey.slice(publicKey.indexOf(':') + 1), 'base64').toString('base64url') }, format: 'jwk' })
    const fingerprint = narInfoFingerprint(storePath, { sha256: Buffer.from(execFileSync('nix-hash', ['--type', 'sha256', '--to-base16', nix32], { encoding: 'utf8' }).trim(), 'hex'), size: Number(info.NarSize) })
    expect(fingerprint).toBe(`1;${storePath};sha256:${nix32};${info.NarSize as string};`)
    expect(verify(null, Buffer.from(fingerprint), key, Buffer.from(sig.slice(sig.indexOf(':') + 1), 'base64'))).toBe(true)
  })
})

/** nix-build of a fixed-output derivation whose builder fails: only substitution can realise it. */
async function nixBuild (name: string, hash: string, substituter: string, options: string[]): Promise<{ path: string, stderr: string }> {
  const file = join(dir, `${name}-${hash.slice(7, 15).replace(/[^A-Za-z0-9]/g, '_')}.nix`)
  writeFileSync(file, `derivation {
  name = "${name}";
  system = builtins.currentSystem;
  builder = "/bin/sh";
  args = [ "-c" "echo this builder must not run; exit 1" ];
  outputHashMode = "recursive";
  outputHashAlgo = "sha256";
  outputHash = "${hash}";
}
`)
  const drv = (await run('nix-instantiate', [file])).stdout.trim()
  try {
    // Only this server: no default substituter, no cached "not found" from an earlier run.
    const { stdout, stderr } = await run('nix-build', [drv, '--no-out-link', '--option', 'substituters', substituter,
      '--option', 'narinfo-cache-negative-ttl', '0', '--option', 'narinfo-cache-positive-ttl', '0', '--option', 'connect-timeout', '5', ...options])
    return { path: stdout.trim(), stderr }
  } finally { deletePath(drv) }
}

function deletePath (path: string): void {
  try { execFileSync('nix-store', ['--delete', path], { stdio: 'ignore' }) } catch {}
}

describe('substitution by real Nix (nix-build, Debian nix-bin)', () => {
  it('realises fetchzip\'s output (the stripped tree) from serve alone, require-sigs false; and the whole tree, unsigned, with require-sigs true (CA)', async () => {
    const hashes = await treeNarHashes(manifest.tree, loadEntries(manifest, store.blockstore), store.blockstore)
    const cases = [
      { hash: hashes.strippedNar, tree: onlyChild(extracted), options: ['--option', 'require-sigs', 'false'] },
      // No key is trusted: the narinfo's CA lets Nix check the path from the NAR itself.
      { hash: hashes.nar, tree: extracted, options: ['--option', 'require-sigs', 'true', '--option', 'trusted-public-keys', ''] }
    ]
    for (const { hash, tree, options } of cases) {
      const name = 'source'
      const sri = sriOf((hash as { sha256: Uint8Array }).sha256)
      const expected = printFixedPath(nixHash32(tree), name)
      deletePath(expected)
      try {
        const { path, stderr } = await nixBuild(name, sri, base, options)
        expect(path).toBe(expected)
        expect(stderr).toContain(`copying path '${expected}' from '${base.replace(/\/$/, '')}'`)
        expect(stderr).not.toContain('this builder must not run')
        expect(narOf(path).equals(narOf(tree))).toBe(true)
      } finally { deletePath(expected) }
    }
  }, 300_000)

  it('with a signing key: a client that requires signatures and trusts the key realises it (name "hello-2.10")', async () => {
    const top = onlyChild(extracted)
    const nix32 = nixHash32(top)
    const expected = printFixedPath(nix32, 'hello-2.10')
    deletePath(expected)
    try {
      const sri = sriOf(Buffer.from(execFileSync('nix-hash', ['--type', 'sha256', '--to-base16', nix32], { encoding: 'utf8' }).trim(), 'hex'))
      const { path, stderr } = await nixBuild('hello-2.10', sri, signedBase, ['--option', 'require-sigs', 'true', '--option', 'trusted-public-keys', readFileSync(keyFiles.public, 'utf8').trim()])
      expect(path).toBe(expected)
      expect(stderr).toContain(`from '${signedBase.replace(/\/$/, '')}'`)
      expect(narOf(path).equals(narOf(top))).toBe(true)
      // Nix signing the path with the same key adds no second signature: it made the same one (Ed25519 is deterministic).
      await run('nix', ['--extra-experimental-features', 'nix-command', 'store', 'sign', '-k', keyFiles.secret, path])
      const { stdout } = await run('nix', ['--extra-experimental-features', 'nix-command', 'path-info', '--json', '--sigs', path])
      const served = fields((await send(signedBase, `/${expected.slice(11, 43)}.narinfo`)).body.toString()).Sig
      expect(JSON.parse(stdout)[0].signatures).toEqual([served])
      expect(JSON.parse(stdout)[0].ca).toBe(`fixed:r:sha256:${nix32}`)
    } finally { deletePath(expected) }
  }, 300_000)
})

describe('another machine\'s index (serve --index)', () => {
  it('lists the archives of the index root it was given, not the store\'s', async () => {
    const empty = { blockstore: store.blockstore, lookup: () => undefined }
    const s = createMirrorServer({ store: empty, index: store.indexRoot })
    const url = (await s.listen()).url
    try {
      const storePath = printFixedPath(nixHash32(onlyChild(extracted)), 'source')
      expect((await send(url, `/${storePath.slice(11, 43)}.narinfo`)).status).toBe(200)
      const without = createMirrorServer({ store: empty })
      const other = (await without.listen()).url
      try {
        expect((await send(other, `/${storePath.slice(11, 43)}.narinfo`)).status).toBe(404)
      } finally { await without.close() }
    } finally { await s.close() }
  })
})

describe('a store whose trees cannot be walked', () => {
  it('an archive whose tree blocks are missing is reported and skipped; the others are served', async () => {
    const lonely = await openStore(join(dir, 'lonely'))
    try {
      await lonely.add(isNumber)
      const added = await lonely.add(hello)
      const m = await loadManifest(added.manifest, lonely.blockstore)
      await lonely.blockstore.delete(m.tree.root)
      const reported: string[] = []
      const s = createMirrorServer({ store: lonely, onError: line => reported.push(line) })
      const url = (await s.listen()).url
      try {
        const x = gnuExtractFile(isNumber)
        try {
          const r = await send(url, `/${printFixedPath(nixHash32(onlyChild(x)), 'source').slice(11, 43)}.narinfo`)
          expect(r.status).toBe(200)
        } finally { removeDir(x) }
        expect(reported.length).toBe(1)
        expect(reported[0]).toContain(`manifest ${added.manifest.toString()} not indexed`)
      } finally { await s.close() }
    } finally { await lonely.close() }
  })
})
