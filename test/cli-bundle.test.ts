/**
 * The bin as it ships: the esbuild bundle of scripts/bundle-cli.ts (#16's start-up target), built here
 * into a temporary copy of the package's layout (package.json, the library's WebAssembly modules in
 * dist/src, the packages left external in node_modules) with the function the build runs. It answers as
 * the sources do: the same JSON and CAR for a tar and a compressed tar (the race worker), the same
 * archive rebuilt (the stream and block workers), the version, a typed error; and at start-up it loads a
 * few files, none holding another command's code, and nothing the sources load lazily.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import * as esbuild from 'esbuild'
import { bundleCli } from '../scripts/bundle-cli.js'
import { removeDir, tempDir } from './helpers/archives.js'
import { cli, cliBytes, repo } from './helpers/cli.js'
import { loadedModules } from './helpers/loaded-modules.js'

let dir: string
let bin: string
let meta: esbuild.Metafile

/** The library's `*-wasm.generated` modules compiled into `dist/src` (tsc's layout), as the bundle imports them. */
async function libraryWasmModules (dist: string): Promise<void> {
  const src = join(repo, 'src')
  const generated = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(p => p.endsWith('-wasm.generated.ts'))
  await esbuild.build({ entryPoints: generated.map(p => join(src, p)), outdir: dist, outbase: src, format: 'esm', logLevel: 'silent' })
}

beforeAll(async () => {
  dir = tempDir('iam-bundle-')
  copyFileSync(join(repo, 'package.json'), join(dir, 'package.json'))
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir')
  await libraryWasmModules(join(dir, 'dist/src'))
  meta = await bundleCli(join(dir, 'dist/bin'))
  bin = join(dir, 'dist/bin/cli.js')
  const tar = join(repo, 'test/fixtures/real/hello-2.10.tar')
  copyFileSync(tar, join(dir, 'a.tar'))
  writeFileSync(join(dir, 'a.tgz'), execFileSync('gzip', ['-n', '-9', '-c', tar], { maxBuffer: 1 << 26 }))
  writeFileSync(join(dir, 'a.tar.bz2'), execFileSync('bzip2', ['-9', '-c', tar], { maxBuffer: 1 << 26 }))
  writeFileSync(join(dir, 'a.tar.xz'), execFileSync('xz', ['-6', '-c', tar], { maxBuffer: 1 << 26 }))
  copyFileSync(join(repo, 'test/fixtures/real/is-number-7.0.0.tar'), join(dir, 'small.tar'))
}, 300_000)
afterAll(() => { removeDir(dir) })

/** Runs the bundled bin in the test's directory. */
function bundled (...args: string[]): { status: number | null, stdout: Buffer, stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, maxBuffer: 1 << 28 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() }
}

describe('the bundled bin answers as the sources do', () => {
  // The .tgz, .tar.bz2 and .tar.xz are over 128 KB: their recipes race in the race worker.
  it.each(['a.tar', 'a.tgz', 'a.tar.bz2', 'a.tar.xz'])('create %s --json --car: the same summary and CAR', name => {
    const file = join(dir, name)
    const fromBundle = bundled('create', file, '--json', '--car', join(dir, `${name}.bundle.car`))
    expect(fromBundle.status, fromBundle.stderr).toBe(0)
    const fromSources = cli('create', file, '--json', '--car', join(dir, `${name}.car`))
    expect(fromSources.status, fromSources.stderr).toBe(0)
    expect(fromBundle.stdout.toString()).toBe(fromSources.stdout)
    expect(readFileSync(join(dir, `${name}.bundle.car`)).equals(readFileSync(join(dir, `${name}.car`)))).toBe(true)
  }, 300_000)

  it('restore rebuilds the .tgz (stream worker) and the .tar.bz2 (block workers) byte for byte', () => {
    for (const name of ['a.tgz', 'a.tar.bz2']) {
      const car = join(dir, `${name}.restore.car`)
      expect(bundled('create', join(dir, name), '--car', car).status).toBe(0)
      const restored = bundled('restore', car)
      expect(restored.status, restored.stderr).toBe(0)
      expect(restored.stdout.equals(readFileSync(join(dir, name))), name).toBe(true)
    }
  }, 300_000)

  it('--version prints the package\'s version, also run through a symlink as npm links a bin', () => {
    const version = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version
    expect(bundled('--version').stdout.toString()).toBe(`ipld-archive-manifest ${version}\n`)
    mkdirSync(join(dir, '.bin'))
    chmodSync(bin, 0o755)
    symlinkSync(relative(join(dir, '.bin'), bin), join(dir, '.bin/ipld-archive-manifest'))
    expect(execFileSync(join(dir, '.bin/ipld-archive-manifest'), ['--version'], { encoding: 'utf8' })).toBe(`ipld-archive-manifest ${version}\n`)
  })

  it('a typed error: exit status 1 and the JSON error, as from the sources', () => {
    const truncated = join(dir, 'truncated.tar.xz')
    const xz = readFileSync(join(dir, 'a.tar.xz'))
    writeFileSync(truncated, xz.subarray(0, xz.length >> 1))
    for (const [file, code] of [[truncated, 'ERR_TRUNCATED_COMPRESSED'], [join(dir, 'absent.tar'), 'ERR_FILE_NOT_FOUND']] as const) {
      const fromBundle = bundled('create', file, '--json')
      const fromSources = cliBytes({}, 'create', file, '--json')
      expect(fromBundle.status).toBe(1)
      expect(fromSources.status).toBe(1)
      expect(fromBundle.stdout.toString()).toBe(fromSources.stdout.toString())
      expect((JSON.parse(fromBundle.stdout.toString()) as { error: { code: string } }).error.code).toBe(code)
    }
  }, 300_000)
})

describe('the bundle at start-up', () => {
  /** The sources each output file of the bundle holds (repository paths; a package as `package NAME`). */
  const inputsOf = (file: string): string[] => {
    const key = Object.keys(meta.outputs).find(k => resolve(repo, k) === file)
    if (key === undefined) throw new Error(`not an output of the bundle: ${file}`)
    return Object.keys(meta.outputs[key]?.inputs ?? {}).map(input => {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)
      return pkg !== null ? `package ${pkg[1]}` : input
    })
  }

  it('create --json on a small tar loads a few files of the bundle, none with another command\'s code', () => {
    const r = loadedModules([bin, 'create', join(dir, 'small.tar'), '--json'], dir)
    expect(r.status, r.stderr).toBe(0)
    const files = r.urls.filter(url => !url.startsWith('node:')).map(url => decodeURIComponent(new URL(url).pathname))
    // Nothing from outside the bundle (the sources loaded about 150 modules for this).
    expect(files.filter(f => !f.startsWith(join(dir, 'dist/bin/')))).toEqual([])
    expect(files.length).toBeLessThan(60)
    const inputs = files.flatMap(inputsOf)
    expect(inputs).toContain('src/node/cli/create.ts')
    const unused = inputs.filter(m =>
      /^src\/(node\/cli\/(?!(command|commands|create|progress|summary|nar-summary|tier-up)\.ts$)|manifest\/(zip|compressed|load)\.ts|compression\/(decompress\/|bzip2\/|(xz|zstd)\/(?!params\.ts$))|node\/(worker-|car-file|serve\/|store)|fetch\/)/.test(m) ||
      ['package @ipld/car', 'package pako', 'package fzstd'].includes(m))
    expect(unused).toEqual([])
  }, 60_000)

  it('nothing the sources import dynamically is loaded with its importer (a chunk of its own, or shared)', () => {
    const outputOf = new Map<string, string>()
    for (const [key, output] of Object.entries(meta.outputs)) for (const input of Object.keys(output.inputs)) outputOf.set(input, key)
    const closure = <T>(start: T, next: (node: T) => T[]): Set<T> => {
      const seen = new Set<T>([start])
      for (const node of seen) for (const n of next(node)) seen.add(n)
      return seen
    }
    const staticInputs = (input: string): string[] =>
      (meta.inputs[input]?.imports ?? []).filter(i => i.external !== true && (i.kind === 'import-statement' || i.kind === 'require-call')).map(i => i.path)
    const staticOutputs = (output: string): string[] =>
      (meta.outputs[output]?.imports ?? []).filter(i => i.external !== true && i.kind === 'import-statement').map(i => i.path)
    const dynamicEdges = Object.entries(meta.inputs).flatMap(([importer, input]) =>
      input.imports.filter(i => i.kind === 'dynamic-import' && i.external !== true).map(i => [importer, i.path] as const))
    expect(dynamicEdges.length).toBeGreaterThan(30)
    const eager = dynamicEdges.filter(([importer, target]) => {
      const from = outputOf.get(importer)
      const to = outputOf.get(target)
      if (from === undefined || to === undefined) return false
      // Lazy in the sources, but loaded along with the importer's chunk in the bundle.
      return !closure(importer, staticInputs).has(target) && closure(from, staticOutputs).has(to)
    })
    expect(eager).toEqual([])
  })

  it('every file of the bundle loads (no CommonJS `require` left that an ES module cannot answer)', () => {
    const chunks = readdirSync(join(dir, 'dist/bin')).filter(f => f.endsWith('.js') && !/^(cli|[a-z]+-worker)\.js$/.test(f))
    expect(chunks.length).toBeGreaterThan(30)
    const script = `for (const f of ${JSON.stringify(chunks)}) await import('./dist/bin/' + f)`
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  }, 60_000)
})
