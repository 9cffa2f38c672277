/**
 * The CLI's bin as an esbuild bundle (#16's start-up target): Node's ESM loader spent about 70 ms of a
 * small `create` resolving, reading, compiling and linking some 150 modules; the bundle loads a few dozen
 * files. Bundled from the TypeScript sources with the packages they import. Code splitting keeps every
 * dynamic `import()` (a command, a codec, a recipe's encoder) loaded only when it runs, as from the
 * sources. The three worker scripts are entry points too, named as src/node/script-worker.ts finds them:
 * `./NAME.js` beside the chunk that starts them (every file lands in one directory).
 *
 * Not bundled: the library's entry points (dist/src, tsc's output); the WebAssembly codecs, imported from
 * the library's copy in `<outdir>/../src` (one copy in the package, and each is one module anyway); the
 * packages only the store and network commands load (blockstore-fs, whose CommonJS dependencies `require`
 * Node's built-ins, and helia's HTTP client), imported from node_modules as the library imports them.
 *
 * The packages' code is redistributed in the bundle, so their licences go with it: THIRD-PARTY-LICENSES
 * beside the bin collects each bundled package's licence files.
 *
 * Run as `tsx scripts/bundle-cli.ts [OUTDIR]` after tsc (npm run build and prepack: dist/bin); the tests
 * call `bundleCli`.
 */
import * as esbuild from 'esbuild'
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = resolve(import.meta.dirname, '..')

/** Where the bin is bundled to (package.json `bin` points at its cli.js), beside tsc's dist/src. */
export const BIN_DIR = 'dist/bin'

/** The entry points, by the name of the file each becomes. */
const entryPoints = {
  cli: 'src/node/cli.ts',
  'block-worker': 'src/node/block-worker.ts',
  'race-worker': 'src/node/race-worker.ts',
  'stream-worker': 'src/node/stream-worker.ts'
}

/** Packages left to node_modules (see above). */
const external = ['blockstore-fs', '@helia/*']

/** Imports of a `*-wasm.generated` module point at the library's compiled copy instead. */
function libraryWasm (): esbuild.Plugin {
  return {
    name: 'library-wasm',
    setup (build) {
      build.onResolve({ filter: /-wasm\.generated\.js$/ }, args => {
        const source = relative(join(root, 'src'), join(args.resolveDir, args.path)).split('\\').join('/')
        return { path: `../src/${source}`, external: true }
      })
    }
  }
}

/**
 * Bundles the CLI into `outdir` (emptied first; the library's dist/src is expected at `outdir/../src`)
 * and returns esbuild's metafile (which output holds which input). The bin is `outdir/cli.js`.
 */
export async function bundleCli (outdir: string): Promise<esbuild.Metafile> {
  rmSync(outdir, { recursive: true, force: true })
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir,
    external,
    plugins: [libraryWasm()],
    // Not minified: it saved no measurable CPU time at start-up, and a stack trace stays readable.
    // Maps name the sources (src/ ships with the package) without copying them; Node reads them under
    // --enable-source-maps.
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning'
  })
  // The chunks are ES modules wherever the directory is copied (the package's package.json says so too).
  writeFileSync(join(outdir, 'package.json'), '{ "type": "module" }\n')
  writeFileSync(join(outdir, 'THIRD-PARTY-LICENSES'), bundledLicences(result.metafile))
  return result.metafile
}

/** Each npm package with code in the bundle: its name, version, declared licence and licence files. */
function bundledLicences (meta: esbuild.Metafile): string {
  const dirs = new Set<string>()
  for (const output of Object.values(meta.outputs)) {
    for (const input of Object.keys(output.inputs)) {
      const dir = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1]
      if (dir !== undefined) dirs.add(resolve(root, dir))
    }
  }
  const sections = [...dirs].sort().map(dir => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string, version: string, license?: string, repository?: string | { url?: string } }
    const repository = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url
    const files = readdirSync(dir).filter(name => /^(licen[cs]e|copying|notice)/i.test(name)).sort()
    const texts = files.map(name => readFileSync(join(dir, name), 'utf8').trim())
    const header = `${pkg.name} ${pkg.version}, licence: ${pkg.license ?? 'not declared'}${repository === undefined ? '' : `, ${repository}`}`
    return [`${'='.repeat(80)}\n${header}\n${'='.repeat(80)}`, ...(texts.length === 0 ? ['(the package ships no licence file; its package.json declares the licence above)'] : texts)].join('\n\n')
  })
  return `The npm packages whose code the bundled CLI in this directory contains, with their licences.\n\n${sections.join('\n\n')}\n`
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await bundleCli(process.argv[2] === undefined ? join(root, BIN_DIR) : resolve(process.argv[2]))
}
