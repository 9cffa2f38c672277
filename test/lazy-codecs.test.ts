/**
 * Codecs load only when an archive's bytes need them (issue #17, "Package"; #16's start-up target): a plain
 * tar loads no decompressor, no deflate encoder and no WebAssembly; a .tar.gz loads the deflate family but
 * no WebAssembly; .tar.bz2, .tar.xz and .tar.zst each load their own library and no other. Observed in a
 * fresh Node process through a module loader hook that reports every module it loads.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { removeDir, tempDir } from './helpers/archives.js'

const root = join(import.meta.dirname, '..')
const tar = readFileSync(join(root, 'test/fixtures/real/is-number-7.0.0.tar'))
let dir: string

/** Reports each module's URL on stderr (hooks run on their own thread, so they write to the fd directly). */
const hook = `
import { writeSync } from 'node:fs'
export async function load (url, context, next) {
  writeSync(2, 'LOADED ' + url + '\\n')
  return await next(url, context)
}`

/** The modules (as paths under the repository, or package names) a fresh process loads to describe `file`. */
function modulesLoadedFor (file: string): string[] {
  const script = `
    import { register } from 'node:module'
    import { readFileSync } from 'node:fs'
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}))
    const { manifestFromTarball } = await import(${JSON.stringify(pathToFileURL(join(root, 'src/index.ts')).href)})
    const result = await manifestFromTarball(readFileSync(${JSON.stringify(file)}))
    console.log(result.entries.length)
  `
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' })
  expect(r.stdout.trim(), r.stderr).toBe('4')
  return r.stderr.split('\n').filter(l => l.startsWith('LOADED file:')).map(l => {
    const path = decodeURIComponent(new URL(l.slice('LOADED '.length)).pathname)
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)
    return pkg !== null ? `package ${pkg[1]}` : path.slice(root.length + 1)
  })
}

const wasm = (loaded: string[]): string[] => loaded.filter(m => m.endsWith('-wasm.generated.ts')).map(m => m.split('/').pop() as string).sort()

beforeAll(() => {
  dir = tempDir('iam-lazy-')
  const compress = (tool: string, args: string[], name: string): void => {
    writeFileSync(join(dir, name), execFileSync(tool, args, { input: tar, maxBuffer: 1 << 26 }))
  }
  writeFileSync(join(dir, 'a.tar'), tar)
  compress('gzip', ['-n', '-9', '-c'], 'a.tar.gz')
  compress('bzip2', ['-9', '-c'], 'a.tar.bz2')
  compress('xz', ['-6', '-c'], 'a.tar.xz')
  compress('zstd', ['-q', '-3', '-c'], 'a.tar.zst')
})
afterAll(() => { removeDir(dir) })

describe('codecs are loaded when the bytes need them', () => {
  it('a plain tar loads no decompressor, no encoder and no WebAssembly', () => {
    const loaded = modulesLoadedFor(join(dir, 'a.tar'))
    expect(wasm(loaded)).toEqual([])
    // Only the recipe parameters' rules (xz/params.ts, zstd/params.ts), which reading a manifest checks.
    const codec = /^package (pako|pako-chromium|fzstd)$|^src\/compression\/(deflate\/|bzip2\/|(xz|zstd)\/(?!params\.ts$)|(decompress|recipe)\/(gzip|bzip2|xz|zstd|gnu-gzip|go-flate|zlib)\.ts$)/
    expect(loaded.filter(m => codec.test(m))).toEqual([])
  }, 60_000)

  it('a .tar.gz loads inflate and the deflate encoders, no WebAssembly', () => {
    const loaded = modulesLoadedFor(join(dir, 'a.tar.gz'))
    expect(wasm(loaded)).toEqual([])
    expect(loaded).toContain('package pako')
    expect(loaded).toContain('src/compression/deflate/gnu-gzip.ts')
  }, 60_000)

  it('a .tar.bz2, .tar.xz or .tar.zst loads its own library and no other', () => {
    expect(wasm(modulesLoadedFor(join(dir, 'a.tar.bz2')))).toEqual(['libbz2-wasm.generated.ts'])
    expect(wasm(modulesLoadedFor(join(dir, 'a.tar.xz')))).toEqual(['liblzma-wasm.generated.ts'])
    const zst = modulesLoadedFor(join(dir, 'a.tar.zst'))
    expect(wasm(zst)).toEqual(['libzstd-wasm.generated.ts'])
    expect(zst).toContain('package fzstd')
    expect(zst).not.toContain('package pako')
  }, 120_000)
})
