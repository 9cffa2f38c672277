/**
 * The committed libbz2 WebAssembly module is what its header says, and scripts/wasm/build-libbz2.sh
 * rebuilds it byte for byte. The rebuild needs the toolchain (apt: clang-14 lld-14 wasi-libc
 * libclang-rt-14-dev-wasm32 dpkg-dev) and a deb-src line for `apt-get source bzip2`; without them this
 * test fails rather than skips, since a generated file nobody can regenerate is the thing it guards against.
 */
import { describe, it, expect } from 'vitest'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const generatedUrl = new URL('../../../src/compression/bzip2/libbz2-wasm.generated.ts', import.meta.url)
const script = fileURLToPath(new URL('../../../scripts/wasm/build-libbz2.sh', import.meta.url))
const text = readFileSync(generatedUrl, 'utf8')

describe('libbz2-wasm.generated.ts', () => {
  it('holds a wasm whose sha256 and size match the header, with no imports', () => {
    const sha = /^\/\/ wasm sha256: ([0-9a-f]{64})$/m.exec(text)?.[1]
    const size = /^\/\/ wasm bytes: (\d+)$/m.exec(text)?.[1]
    const b64 = /^export const LIBBZ2_WASM_BASE64: string = '([A-Za-z0-9+/=]+)'$/m.exec(text)?.[1]
    expect(sha).toBeDefined()
    expect(b64).toBeDefined()
    const wasm = Buffer.from(b64!, 'base64')
    expect(wasm.length).toBe(Number(size))
    expect(createHash('sha256').update(wasm).digest('hex')).toBe(sha)
    expect(text).toMatch(/Debian source package bzip2 1\.0\.8-\d/)
    expect(WebAssembly.Module.imports(new WebAssembly.Module(wasm))).toEqual([])
  })

  it('is rebuilt identically by scripts/wasm/build-libbz2.sh', () => {
    const dir = mkdtempSync(join(tmpdir(), 'libbz2-wasm-'))
    try {
      const out = join(dir, 'libbz2-wasm.generated.ts')
      execFileSync('bash', [script, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] })
      expect(readFileSync(out, 'utf8') === text, 'rebuilt module differs from the committed one').toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
