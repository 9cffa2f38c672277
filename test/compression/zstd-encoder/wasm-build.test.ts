/**
 * The committed libzstd wasm is what scripts/wasm/build-libzstd.sh builds: its sha256 matches its header,
 * and a rebuild from Debian's source gives the same file byte for byte. The rebuild needs apt-get with a
 * deb-src line (the script adds one), dpkg-dev, clang-14, lld-14, wasi-libc and libclang-rt-14-dev-wasm32;
 * without them it fails rather than skips.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { libzstdWasmBase64 } from '../../../src/compression/zstd/libzstd-wasm.generated.js'

const repo = fileURLToPath(new URL('../../../', import.meta.url))
const generated = join(repo, 'src/compression/zstd/libzstd-wasm.generated.ts')

describe('libzstd wasm build', () => {
  it('the module has the sha256 its header states, and no imports', () => {
    const wasm = Buffer.from(libzstdWasmBase64, 'base64')
    const header = readFileSync(generated, 'utf8')
    expect(header).toContain(`// wasm sha256: ${createHash('sha256').update(wasm).digest('hex')}`)
    expect(header).toContain(`// wasm bytes: ${wasm.length}`)
    expect(WebAssembly.Module.imports(new WebAssembly.Module(wasm))).toEqual([])
  })

  it('scripts/wasm/build-libzstd.sh rebuilds it identically', () => {
    const dir = mkdtempSync(join(tmpdir(), 'libzstd-build-'))
    try {
      const out = join(dir, 'libzstd-wasm.generated.ts')
      execFileSync('bash', [join(repo, 'scripts/wasm/build-libzstd.sh'), out], { stdio: ['ignore', 'ignore', 'pipe'] })
      expect(readFileSync(out).equals(readFileSync(generated))).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
