/**
 * Node.js 16.20.2 (test/setup/fetch-node16.sh → .cache/peers/): its zlib, the Chromium fork with CRC-32C
 * hashing, is the reference for the zlib-chromium-crc32c encoder. The script is idempotent and locked.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from './real-archives.js'

export function ensureNode16 (): string {
  return execFileSync('bash', [join(repoRoot, 'test/setup/fetch-node16.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000 }).trim()
}

/**
 * `zlib.deflateRawSync(input, { level })` in Node.js 16 for each input and level: one process for all of
 * them. Returns outputs[i][j]: input i at levels[j].
 */
export function node16DeflateRaw (inputs: Uint8Array[], levels: readonly number[]): Uint8Array[][] {
  const node = ensureNode16()
  const dir = mkdtempSync(join(tmpdir(), 'node16-'))
  try {
    inputs.forEach((input, i) => { writeFileSync(join(dir, `${i}.in`), input) })
    const script = `const z = require('zlib'), fs = require('fs'), d = ${JSON.stringify(dir)};
for (let i = 0; i < ${inputs.length}; i++) { const input = fs.readFileSync(d + '/' + i + '.in');
  for (const level of ${JSON.stringify(levels)}) fs.writeFileSync(d + '/' + i + '-' + level + '.out', z.deflateRawSync(input, { level })) }`
    execFileSync(node, ['-e', script], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 })
    return inputs.map((_, i) => levels.map(level => new Uint8Array(readFileSync(join(dir, `${i}-${level}.out`)))))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** `zlib.gzipSync(input, { level })` in Node.js 16: a .tar.gz as npm wrote it with those Node.js versions. */
export function node16Gzip (input: Uint8Array, level: number): Uint8Array {
  const script = `process.stdout.write(require('zlib').gzipSync(require('fs').readFileSync(0), { level: ${level} }))`
  return new Uint8Array(execFileSync(ensureNode16(), ['-e', script], { input, maxBuffer: 1 << 28, timeout: 600_000 }))
}
