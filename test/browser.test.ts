/**
 * The pure core in a browser (issue #17, "Package"): src/index.ts bundled by esbuild for the browser
 * (ES modules, code splitting), served from 127.0.0.1 and run in headless Chromium (Debian's `chromium`,
 * found on PATH, driven by puppeteer-core; no network beyond the local server). For a tar, .tar.gz,
 * .tar.bz2, .tar.xz, .tar.zst and a zip, the manifest, archive and tree CIDs must equal Node's, and the
 * archive restored in the page (recipes re-run there: GNU gzip, libbz2, liblzma, libzstd) must have the
 * file's sha256. The plain tar must load no WebAssembly chunk. And a bundle of an entry that imports only
 * manifestFromTarball loads at first only its own code, with every codec in a chunk of its own.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { delimiter, extname, join, normalize } from 'node:path'
import * as esbuild from 'esbuild'
import puppeteer, { type Browser } from 'puppeteer-core'
import { manifestFromTarball, manifestFromZip } from '../src/index.js'
import { removeDir, tempDir } from './helpers/archives.js'

const root = join(import.meta.dirname, '..')
const fixture = readFileSync(join(root, 'test/fixtures/real/is-number-7.0.0.tar'))

let dir: string
let server: Server
let base: string
let browser: Browser

interface Described { cid: string, archiveCid: string, treeCid: string, restored?: string }

/** The first of Chromium's usual names on PATH. */
function chromiumOnPath (): string {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    for (const d of (process.env.PATH ?? '').split(delimiter)) {
      const path = join(d, name)
      try { accessSync(path, constants.X_OK); return path } catch { /* next */ }
    }
  }
  throw new Error('no chromium on PATH (test/setup/ensure-peers.sh installs Debian\'s chromium)')
}

/** Runs in the page: describes each archive, restores it from the blocks, hashes what was restored. */
const pageScript = `
import { manifestFromTarball, manifestFromZip, restoreArchive, MemoryBlocks } from '/bundle/index.js'
export async function describe (name) {
  const bytes = new Uint8Array(await (await fetch('/archives/' + name)).arrayBuffer())
  const blocks = new MemoryBlocks()
  const result = await (name.endsWith('.zip') ? manifestFromZip : manifestFromTarball)(bytes, { blockstore: blocks })
  const parts = []
  for await (const chunk of restoreArchive(result.cid, blocks)) parts.push(chunk)
  const restored = new Uint8Array(await new Blob(parts).arrayBuffer())
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', restored))
  return {
    cid: result.cid.toString(), archiveCid: result.archiveCid.toString(), treeCid: result.treeCid.toString(),
    restored: [...digest].map(b => b.toString(16).padStart(2, '0')).join('')
  }
}`

const archives: Record<string, Buffer> = {}

beforeAll(async () => {
  dir = tempDir('iam-browser-')
  const compress = (tool: string, args: string[]): Buffer => execFileSync(tool, args, { input: fixture, maxBuffer: 1 << 26 })
  archives['a.tar'] = fixture
  archives['a.tar.gz'] = compress('gzip', ['-n', '-9', '-c'])
  archives['a.tar.bz2'] = compress('bzip2', ['-9', '-c'])
  archives['a.tar.xz'] = compress('xz', ['-6', '-c'])
  archives['a.tar.zst'] = compress('zstd', ['-q', '-3', '-c'])
  const tree = join(dir, 'tree')
  mkdirSync(tree)
  execFileSync('tar', ['-xf', '-', '-C', tree], { input: fixture })
  execFileSync('zip', ['-q', '-X', '-r', join(dir, 'a.zip'), 'package'], { cwd: tree })
  archives['a.zip'] = readFileSync(join(dir, 'a.zip'))

  await esbuild.build({
    entryPoints: { index: join(root, 'src/index.ts') },
    bundle: true, format: 'esm', platform: 'browser', splitting: true, minify: true,
    outdir: join(dir, 'bundle'), logLevel: 'silent'
  })
  writeFileSync(join(dir, 'page.js'), pageScript)
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>ipld-archive-manifest</title>')

  // Static files from `dir`, and the archives from memory.
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname))
    const archive = path.startsWith('/archives/') ? archives[path.slice('/archives/'.length)] : undefined
    let body: Buffer | undefined = archive
    if (body === undefined) { try { body = readFileSync(join(dir, path)) } catch { /* 404 */ } }
    if (body === undefined) { res.writeHead(404).end(); return }
    const type = { '.js': 'text/javascript', '.html': 'text/html' }[extname(path)] ?? 'application/octet-stream'
    res.writeHead(200, { 'content-type': type }).end(body)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  browser = await puppeteer.launch({
    executablePath: chromiumOnPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run']
  })
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await new Promise(resolve => server?.close(resolve))
  removeDir(dir)
})

async function inNode (name: string): Promise<Described> {
  const bytes = new Uint8Array(archives[name] as Buffer)
  const r = name.endsWith('.zip') ? await manifestFromZip(bytes) : await manifestFromTarball(bytes)
  return { cid: r.cid.toString(), archiveCid: r.archiveCid.toString(), treeCid: r.treeCid.toString() }
}

describe('the core bundled for the browser, in headless Chromium', () => {
  it('gives Node\'s CIDs for a tar, .tar.gz, .tar.bz2, .tar.xz, .tar.zst and a zip, and restores each exactly', async () => {
    const page = await browser.newPage()
    const requested: string[] = []
    page.on('request', request => { requested.push(new URL(request.url()).pathname) })
    const errors: string[] = []
    page.on('pageerror', error => { errors.push(String(error)) })
    await page.goto(`${base}/index.html`)
    const run = async (name: string): Promise<Described> =>
      await page.evaluate(`import('/page.js').then(m => m.describe(${JSON.stringify(name)}))`) as Described
    for (const name of Object.keys(archives)) {
      const got = await run(name)
      const { restored, ...cids } = got
      expect(cids, name).toEqual(await inNode(name))
      expect(restored, name).toBe(createHash('sha256').update(archives[name] as Buffer).digest('hex'))
      // The plain tar came first: nothing it did fetched a WebAssembly codec.
      if (name === 'a.tar') expect(requested.filter(p => p.includes('-wasm.generated'))).toEqual([])
    }
    // Each compressed format fetched its own codec's chunk.
    for (const lib of ['libbz2', 'liblzma', 'libzstd']) expect(requested.some(p => p.includes(`${lib}-wasm.generated`)), lib).toBe(true)
    expect(errors).toEqual([])
    await page.close()
  }, 300_000)

  it('a bundle that imports only manifestFromTarball loads at first only the tar path (codecs in chunks of their own)', async () => {
    const result = await esbuild.build({
      stdin: { contents: "export { manifestFromTarball } from './src/index.ts'", resolveDir: root, loader: 'ts', sourcefile: 'tar-only.ts' },
      bundle: true, format: 'esm', platform: 'browser', splitting: true, minify: true,
      outdir: join(dir, 'tar-only'), metafile: true, write: false, logLevel: 'silent'
    })
    const outputs = result.metafile.outputs
    const entry = Object.keys(outputs).find(path => outputs[path]?.entryPoint === 'tar-only.ts')
    if (entry === undefined) throw new Error('esbuild wrote no chunk for the entry')
    // What a page loads before any archive is read: the entry and the chunks it imports statically.
    const initial = new Set<string>()
    const visit = (path: string): void => {
      if (initial.has(path)) return
      initial.add(path)
      for (const i of outputs[path]?.imports ?? []) if (i.kind === 'import-statement') visit(i.path)
    }
    visit(entry)
    const inputs = [...initial].flatMap(path => Object.keys(outputs[path]?.inputs ?? {}))
    expect(inputs.filter(input => /-wasm\.generated|node_modules\/(pako|fzstd)\/|compression\/(deflate|bzip2|decompress\/(gzip|bzip2|xz|zstd))/.test(input))).toEqual([])
    const bytes = (paths: Iterable<string>): number => [...paths].reduce((sum, path) => sum + (outputs[path]?.bytes ?? 0), 0)
    const initialBytes = bytes(initial)
    const allBytes = bytes(Object.keys(outputs))
    console.log(`tar-only bundle (minified): ${(initialBytes / 1024).toFixed(0)} KiB loaded at start, ${(allBytes / 1024).toFixed(0)} KiB with every codec chunk`)
    // Was 1.1 MB in one file, 860 KB of it base64 wasm; the tar path alone is well under a third of that.
    expect(initialBytes).toBeLessThan(400 * 1024)
  }, 120_000)
})
