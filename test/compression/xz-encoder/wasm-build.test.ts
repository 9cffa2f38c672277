/**
 * THE COMMITTED WASM IS WHAT THE BUILD SCRIPT MAKES. The generated module's sha256 matches its header, and
 * scripts/wasm/build-liblzma.sh rebuilds it byte for byte from Debian's xz-utils source. Needs network (apt-get
 * source, with a deb-src line) and clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32: without them this test
 * fails on purpose (CI installs them), as a module nobody can rebuild must not pass unnoticed.
 */
import { describe, it, expect } from 'vitest'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LIBLZMA_WASM_BASE64, LIBLZMA_WASM_SHA256 } from '../../../src/compression/xz/liblzma-wasm.generated.js'

const repo = join(import.meta.dirname, '../../..')
const generated = join(repo, 'src/compression/xz/liblzma-wasm.generated.ts')

describe('liblzma wasm module (generated)', () => {
  it('matches the sha256 and size in its header and has no imports', () => {
    const wasm = Buffer.from(LIBLZMA_WASM_BASE64, 'base64')
    const sha = createHash('sha256').update(wasm).digest('hex')
    const text = readFileSync(generated, 'utf8')
    expect(sha).toBe(LIBLZMA_WASM_SHA256)
    expect(text).toContain(`// wasm sha256: ${sha}\n`)
    expect(text).toContain(`// wasm size: ${wasm.length} bytes\n`)
    expect(WebAssembly.Module.imports(new WebAssembly.Module(wasm))).toEqual([])
  })

  it('REBUILD: scripts/wasm/build-liblzma.sh reproduces it byte for byte (needs clang-14, wasi-libc, apt-get source)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'liblzma-rebuild-'))
    try {
      const out = join(dir, 'liblzma-wasm.generated.ts')
      execFileSync('bash', [join(repo, 'scripts/wasm/build-liblzma.sh'), out], { stdio: ['ignore', 'ignore', 'pipe'] })
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(generated, 'utf8'))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
