/**
 * The package as a consumer gets it (issue #17, "Package"): `npm pack`, unpacked into a fresh project's
 * node_modules as `npm install` would, beside only the packages a production install brings (the
 * package-lock entries not marked dev, linked from this repository's node_modules: offline, and a
 * dependency declared only for development is missing there as it would be for a user). Then: what the
 * tarball holds, the exports map from JavaScript, strict type-checking of a consumer and of the README's
 * library example under `module: nodenext` and `moduleResolution: bundler`, the README example run, and
 * the bin run through an npm-style symlink.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { removeDir, tempDir } from './helpers/archives.js'
import { README_ARCHIVE, readmeExample } from './helpers/readme.js'

const root = join(import.meta.dirname, '..')
const tsc = join(root, 'node_modules/typescript/bin/tsc')
let project: string
let installed: string
/** Path → size of every file in the tarball (paths without the `package/` prefix). */
let files: Map<string, number>

/** Links every package a production install of this package brings, from this repository's node_modules. */
function linkProductionDependencies (modules: string): void {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> }
  for (const [path, entry] of Object.entries(lock.packages)) {
    // Top-level entries only: a nested node_modules comes along inside its parent's directory.
    if (!path.startsWith('node_modules/') || path.lastIndexOf('node_modules/') !== 0 || entry.dev === true) continue
    const from = join(root, path)
    if (!existsSync(from)) continue
    const to = join(modules, path.slice('node_modules/'.length))
    mkdirSync(dirname(to), { recursive: true })
    symlinkSync(from, to, 'dir')
  }
}

beforeAll(() => {
  project = tempDir('iam-consumer-')
  const tgz = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop() as string
  const listing = execFileSync('tar', ['-tvzf', join(project, tgz)], { encoding: 'utf8' })
  files = new Map(listing.trim().split('\n').map(line => {
    const fields = line.trim().split(/\s+/)
    return [(fields[5] as string).replace(/^package\//, ''), Number(fields[2])]
  }))
  const modules = join(project, 'node_modules')
  installed = join(modules, 'ipld-archive-manifest')
  mkdirSync(installed, { recursive: true })
  execFileSync('tar', ['-xzf', join(project, tgz), '-C', installed, '--strip-components=1'])
  linkProductionDependencies(modules)
  // The consumer's own development tools: Node's types for the type-checks.
  mkdirSync(join(modules, '@types'), { recursive: true })
  symlinkSync(join(root, 'node_modules/@types/node'), join(modules, '@types/node'), 'dir')
  // What npm does for a bin: an executable target and a symlink in node_modules/.bin.
  const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { bin: Record<string, string> }
  mkdirSync(join(modules, '.bin'))
  for (const [name, target] of Object.entries(pkg.bin)) {
    chmodSync(join(installed, target), 0o755)
    symlinkSync(join('..', 'ipld-archive-manifest', target), join(modules, '.bin', name))
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
}, 300_000)
afterAll(() => { removeDir(project) })

describe('packed package: contents', () => {
  it('holds the licences and the third-party notices', () => {
    for (const name of ['LICENSE', 'LICENSE-APACHE', 'LICENSE-MIT', 'THIRD-PARTY-NOTICES']) expect(files.has(name), name).toBe(true)
    const notices = readFileSync(join(installed, 'THIRD-PARTY-NOTICES'), 'utf8')
    for (const project of ['libbz2', 'liblzma', 'libzstd', 'wasi-libc']) expect(notices).toContain(project)
    // The bundled bin redistributes packages' code: their licences go with it.
    const bundled = readFileSync(join(installed, 'dist/bin/THIRD-PARTY-LICENSES'), 'utf8')
    for (const pkg of ['multiformats', 'cborg', 'pako 2.1.0', 'pako 3.0.3', 'fzstd']) expect(bundled).toContain(`\n${pkg}`)
  })

  it('ships each WebAssembly codec once, as JavaScript, with a small declaration', () => {
    const generated = [...files.keys()].filter(path => path.includes('-wasm.generated'))
    expect(generated.filter(path => path.endsWith('.js')).sort()).toEqual([
      'dist/src/compression/bzip2/libbz2-wasm.generated.js',
      'dist/src/compression/xz/liblzma-wasm.generated.js',
      'dist/src/compression/zstd/libzstd-wasm.generated.js'
    ])
    // No TypeScript copy of the base64 and no literal-typed declaration of it.
    expect(generated.filter(path => !path.endsWith('.js') && !path.endsWith('.d.ts'))).toEqual([])
    for (const path of generated.filter(p => p.endsWith('.d.ts'))) expect(files.get(path), path).toBeLessThan(1024)
  })
})

describe('packed package: use', () => {
  it('imports from both entry points and describes a tar', () => {
    writeFileSync(join(project, 'use.mjs'), `
      import { manifestFromTarball, MemoryBlocks, errorClasses } from 'ipld-archive-manifest'
      import { manifestFromFile, extractTree } from 'ipld-archive-manifest/node'
      import { readFileSync } from 'node:fs'
      const tar = readFileSync(${JSON.stringify(join(root, README_ARCHIVE))})
      const a = await manifestFromTarball(tar, { blockstore: new MemoryBlocks() })
      const b = await manifestFromFile(${JSON.stringify(join(root, README_ARCHIVE))})
      console.log(a.cid.equals(b.cid), typeof extractTree, errorClasses.length > 0)
    `)
    expect(execFileSync(process.execPath, ['use.mjs'], { cwd: project, encoding: 'utf8' }).trim()).toBe('true function true')
  })

  it('resolves through the exports map\'s `default` condition too (tools that set neither import nor types)', () => {
    // CommonJS resolution sets `require`, which the map does not list: only `default` can answer it.
    const resolved = execFileSync(process.execPath, ['-e', 'for (const s of ["ipld-archive-manifest", "ipld-archive-manifest/node"]) console.log(require.resolve(s))'], { cwd: project, encoding: 'utf8' })
    expect(resolved.trim().split('\n').map(p => p.slice(installed.length))).toEqual(['/dist/src/index.js', '/dist/src/node/index.js'])
  })

  it('runs the README\'s library example and prints what the README shows', () => {
    const { code, output } = readmeExample()
    writeFileSync(join(project, 'example.mjs'), code)
    expect(execFileSync(process.execPath, ['example.mjs', join(root, README_ARCHIVE)], { cwd: project, encoding: 'utf8' })).toBe(output)
  })

  it.each([
    ['nodenext', { module: 'NodeNext', moduleResolution: 'NodeNext' }],
    ['bundler', { module: 'ESNext', moduleResolution: 'Bundler' }]
  ])('type-checks a consumer and the README example with strict tsc (%s resolution)', (name, resolution) => {
    writeFileSync(join(project, 'use.ts'), `
      import { manifestFromTarball, type ManifestResult, type Entry, type ProfileName } from 'ipld-archive-manifest'
      import { extractTree, type ExtractOptions } from 'ipld-archive-manifest/node'
      const profile: ProfileName = 'unixfs-v0-2015'
      const options: ExtractOptions = { strip: true }
      export async function run (bytes: Uint8Array): Promise<Entry[]> {
        const result: ManifestResult = await manifestFromTarball(bytes, { profile })
        void extractTree; void options
        return result.entries
      }
    `)
    writeFileSync(join(project, 'example.ts'), readmeExample().code)
    const config = join(project, `tsconfig.${name}.json`)
    writeFileSync(config, JSON.stringify({
      compilerOptions: { ...resolution, target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] },
      files: ['use.ts', 'example.ts']
    }))
    execFileSync(process.execPath, [tsc, '-p', config], { cwd: project, encoding: 'utf8' })
  }, 120_000)

  it('runs the bin through npm\'s symlink', () => {
    const out = execFileSync(join(project, 'node_modules/.bin/ipld-archive-manifest'), ['create', join(root, README_ARCHIVE), '--json'], { encoding: 'utf8' })
    expect(JSON.parse(out).entryCount).toBe(4)
  })

  it('the bin is the bundle (dist/bin), whose WebAssembly codecs are the library\'s modules (dist/src)', () => {
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { bin: Record<string, string> }
    expect(pkg.bin['ipld-archive-manifest']).toBe('./dist/bin/cli.js')
    // A .tar.bz2 and a .tar.xz decode through libbz2's and liblzma's modules, imported from dist/src.
    for (const [tool, name] of [['bzip2', 'a.tar.bz2'], ['xz', 'a.tar.xz']] as const) {
      writeFileSync(join(project, name), execFileSync(tool, ['-c', join(root, README_ARCHIVE)]))
      const out = execFileSync(join(project, 'node_modules/.bin/ipld-archive-manifest'), ['create', join(project, name), '--json'], { encoding: 'utf8' })
      expect(JSON.parse(out).entryCount, name).toBe(4)
    }
  }, 120_000)

  it('sees no development-only package (the production closure is what a user gets)', () => {
    const modules = join(project, 'node_modules')
    const names = readdirSync(modules).flatMap(n => n.startsWith('@') ? readdirSync(join(modules, n)).map(m => `${n}/${m}`) : [n])
    for (const dev of ['tar-stream', 'fflate', 'vitest', 'fast-check', 'tsx']) expect(names).not.toContain(dev)
    expect(statSync(join(modules, 'pako')).isDirectory()).toBe(true)
  })
})
